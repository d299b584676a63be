// The outputs and the log lines, built from plain run results: every way a run ends sets every output
// action.yml declares, and the summary's rows count the same way the outputs do (the summary itself:
// summary.test.ts).
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { outputsOf } from '../../src/report/outputs.js'
import {
  emptyRun,
  requestedItems,
  stoppedRun,
  summaryRows,
  totals,
  zoneCounts,
  type RunResult
} from '../../src/report/result.js'
import { describeChanges, describeSettings } from '../../src/report/log.js'
import { DEFAULT_API_URL } from '../../src/inputs/parser.js'
import type { Finding, Settings } from '../../src/types.js'
import { A, B, CLOUDFLARE_REASON, invalidated, partly, planned, purge, refused, sent } from './fixtures.js'

const DECLARED = Object.keys(
  (parse(readFileSync(new URL('../../action.yml', import.meta.url), 'utf8')) as { outputs: object }).outputs
).sort()

describe('outputsOf', () => {
  const results: RunResult[] = [
    partly,
    { ...emptyRun('planned', Date.now()), zones: planned, ...totals(planned) },
    emptyRun('nothing-to-purge', Date.now()),
    stoppedRun([refused], Date.now(), { zones: [{ kind: 'id', id: A }], purge, dryRun: false }),
    stoppedRun([refused], Date.now())
  ]

  it.each(results.map((r) => [r.status, r] as const))(
    'sets every declared output when the run is %s',
    (_s, r) => {
      expect(Object.keys(outputsOf(r)).sort()).toEqual(DECLARED)
    }
  )

  it('says what was purged, per zone and in total', () => {
    expect(outputsOf(partly)).toEqual({
      zone_id: `${A},${B}`,
      zones: JSON.stringify([
        { id: A, name: 'example.com', items: 3, purged_count: 2, failed_count: 1, purge_ids: ['p1'] },
        { id: B, name: '', items: 1, purged_count: 1, failed_count: 0, purge_ids: ['p2'] }
      ]),
      purge_ids: 'p1,p2',
      purged_count: 3,
      failed_count: 1,
      failed_items: JSON.stringify([
        { zone: A, type: 'files', reason: CLOUDFLARE_REASON, count: 1, items: ['https://example.com/3'] }
      ]),
      failed_items_file: '',
      verified: '{}'
    })
  })

  it('counts a dry run as nothing purged and nothing failed, with the zones planned', () => {
    const out = outputsOf({ ...emptyRun('planned', Date.now()), zones: planned, ...totals(planned) })
    expect(out).toMatchObject({
      zone_id: `${A},${B}`,
      purge_ids: '',
      purged_count: 0,
      failed_count: 0,
      failed_items: '[]'
    })
    expect(JSON.parse(out.zones)).toEqual([
      { id: A, name: 'example.com', items: 3, purged_count: 0, failed_count: 0, purge_ids: [] },
      { id: B, name: '', items: 1, purged_count: 0, failed_count: 0, purge_ids: [] }
    ])
  })
})

describe('stoppedRun', () => {
  it('lists every requested item as not purged, with the first error as the reason', () => {
    const notice: Finding = { id: 'x', severity: 'notice', title: 'N', message: 'n' }
    const result = stoppedRun([notice, refused], 0, {
      zones: [{ kind: 'name', name: 'example.com', input: 'example.com' }],
      purge,
      dryRun: false
    })
    expect(result.failed).toEqual(
      requestedItems(
        [{ kind: 'name', name: 'example.com', input: 'example.com' }],
        purge,
        'API token not recognised: Cloudflare does not recognise this API token. Create a token and update the secret.'
      )
    )
    expect(result.failed.map((f) => f.item)).toEqual([
      'https://example.com/x [CF-Device-Type: mobile]',
      't',
      'example.com/p/'
    ])
    expect(result.zones).toEqual([])
  })

  it('lists nothing on a dry run: nothing was going to be purged', () => {
    expect(stoppedRun([refused], 0, { zones: [], purge, dryRun: true }).failed).toEqual([])
  })

  it('lists purge everything as one item', () => {
    expect(requestedItems([], { ...purge, everything: true }, 'r')).toEqual([
      { zone: '', type: 'everything', item: 'everything', reason: 'r' }
    ])
  })
})

describe('summaryRows and zoneCounts', () => {
  it('count purge everything as one item, and planned requests as neither purged nor failed', () => {
    expect(summaryRows(planned)).toEqual([
      { zone: 'example.com', type: 'files', items: 3, requests: 2, purged: 0, failed: 0, ids: [] },
      { zone: B, type: 'everything', items: 1, requests: 1, purged: 0, failed: 0, ids: [] }
    ])
    expect(summaryRows(sent).map((r) => [r.purged, r.failed, r.ids])).toEqual([
      [2, 1, ['p1']],
      [1, 0, ['p2']]
    ])
    expect(zoneCounts(planned).map((z) => z.items)).toEqual([3, 1])
  })
})

describe('an invalidation', () => {
  it('keeps the outputs as they are: invalidated items count as purged_count', () => {
    expect(outputsOf(invalidated)).toEqual(outputsOf({ ...invalidated, mode: undefined, zones: sent }))
  })
})

describe('describeSettings and describeChanges', () => {
  const settings = {
    zones: [{ kind: 'name' as const, name: 'enterprise.example', input: 'enterprise.example' }],
    credential: { kind: 'token' as const, token: 'x'.repeat(40) },
    purge: { ...purge, everything: false },
    dryRun: true,
    apiUrl: DEFAULT_API_URL,
    timeoutMs: 1000
  }

  it('says purge by default, and invalidate with the environment asked for', () => {
    expect(describeSettings(settings)).toEqual([
      'Zone: enterprise.example',
      'Credential: API token',
      'Purge: 1 URL, 1 tag, 1 prefix',
      'Dry run: nothing will be purged'
    ])
    const changes = {
      mappings: [{ path: 'public/', url: 'https://example.com/', prettyUrls: true as const }],
      githubToken: 'x'
    }
    const invalidate: Settings = { ...settings, mode: 'invalidate', environment: 'staging', changes }
    expect(describeSettings(invalidate)).toEqual([
      'Zone: enterprise.example',
      'Credential: API token',
      'Invalidate: 1 URL, 1 tag, 1 prefix, and the files changed under public/ → https://example.com/ (pretty URLs)',
      'Environment: staging (Version Management)',
      'Dry run: nothing will be invalidated'
    ])
  })

  it('says what the changed files give to purge or to invalidate, counted', () => {
    const listed = { range: 'aaaaaaa...bbbbbbb', files: 1, unmapped: 0, urls: ['https://example.com/a'] }
    expect(describeChanges(listed)[0]).toBe(
      'aaaaaaa...bbbbbbb: 1 changed file, 1 under changed_paths, 1 URL to purge'
    )
    expect(describeChanges(listed, 'invalidate')[0]).toBe(
      'aaaaaaa...bbbbbbb: 1 changed file, 1 under changed_paths, 1 URL to invalidate'
    )
  })
})
