// The outputs and the job summary, built from plain run results: every way a run ends sets every
// output action.yml declares, and the summary's tables count the same way the outputs do.
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
  type RunResult,
  type ZoneRun
} from '../../src/report/result.js'
import { summaryOf } from '../../src/report/summary.js'
import { describeChanges, describeSettings } from '../../src/report/log.js'
import { DEFAULT_API_URL } from '../../src/inputs/parser.js'
import type { Finding, PurgeRequest, Settings } from '../../src/types.js'

const DECLARED = Object.keys(
  (parse(readFileSync(new URL('../../action.yml', import.meta.url), 'utf8')) as { outputs: object }).outputs
).sort()

const A = 'a'.repeat(32)
const B = 'b'.repeat(32)
const refused: Finding = {
  id: 'token-invalid',
  severity: 'error',
  title: 'API token not recognised',
  message: 'No.'
}
const purge: PurgeRequest = {
  everything: false,
  files: [{ url: 'https://example.com/x', headers: { 'CF-Device-Type': 'mobile' } }],
  tags: ['t'],
  hosts: [],
  prefixes: ['example.com/p/']
}

const sent: ZoneRun[] = [
  {
    id: A,
    name: 'example.com',
    label: 'example.com',
    requests: [
      {
        batch: { zoneId: A, type: 'files', items: ['https://example.com/1', 'https://example.com/2'] },
        purgeId: 'p1'
      },
      { batch: { zoneId: A, type: 'files', items: ['https://example.com/3'] }, reason: 'refused' }
    ]
  },
  {
    id: B,
    label: B,
    requests: [{ batch: { zoneId: B, type: 'everything', items: [] }, purgeId: 'p2' }]
  }
]
const purged: RunResult = { ...emptyRun('purged', Date.now()), zones: sent, ...totals(sent) }
const planned: ZoneRun[] = sent.map((z) => ({ ...z, requests: z.requests.map(({ batch }) => ({ batch })) }))

describe('outputsOf', () => {
  const results: RunResult[] = [
    purged,
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
    expect(outputsOf(purged)).toEqual({
      zone_id: `${A},${B}`,
      zones: JSON.stringify([
        { id: A, name: 'example.com', items: 3, purged_count: 2, failed_count: 1, purge_ids: ['p1'] },
        { id: B, name: '', items: 1, purged_count: 1, failed_count: 0, purge_ids: ['p2'] }
      ]),
      purge_ids: 'p1,p2',
      purged_count: 3,
      failed_count: 1,
      failed_items: JSON.stringify([
        { zone: A, type: 'files', reason: 'refused', count: 1, items: ['https://example.com/3'] }
      ]),
      failed_items_file: ''
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
        'API token not recognised: No.'
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

describe('summaryOf', () => {
  it('has nothing to say when there was nothing to purge', () => {
    expect(summaryOf(emptyRun('nothing-to-purge', 0))).toEqual([])
  })

  it('shows the plan of a dry run with the rows of a real run', () => {
    const blocks = summaryOf({ ...emptyRun('planned', 0), zones: planned })
    expect(blocks[0]).toEqual({ kind: 'heading', text: 'Cloudflare cache purge (dry run)', level: 2 })
    expect(blocks[2]).toEqual({
      kind: 'table',
      header: ['Zone', 'Type', 'Items', 'Requests'],
      rows: [
        ['example.com', 'files', '3', '2'],
        [B, 'everything', '1', '1']
      ]
    })
  })

  it('sums up a purge: rows, totals, the zones side by side, and the reasons for what failed', () => {
    const blocks = summaryOf({ ...purged, timings: { startedAt: 0, totalMs: 1234 } })
    expect(blocks).toContainEqual({ kind: 'text', text: '3 purged, 1 failed, in 1.2 s.' })
    expect(blocks).toContainEqual({ kind: 'heading', text: 'Per zone', level: 3 })
    expect(blocks).toContainEqual({ kind: 'list', items: ['refused'] })
    expect(blocks[1]).toMatchObject({ header: ['Zone', 'Type', 'Items', 'Purged', 'Failed', 'Request IDs'] })
  })

  it('counts request IDs beyond three rather than listing them', () => {
    const many: ZoneRun[] = [
      {
        id: A,
        label: A,
        requests: ['1', '2', '3', '4', '5'].map((id) => ({
          batch: { zoneId: A, type: 'tags' as const, items: [id] },
          purgeId: id
        }))
      }
    ]
    const blocks = summaryOf({ ...emptyRun('purged', 0), zones: many, ...totals(many) })
    expect(blocks[1]).toMatchObject({ rows: [[A, 'tags', '5', '5', '0', '1, 2, 3 and 2 more']] })
  })

  it('repeats the warnings about the credential and the zones at the end, a dry run too', () => {
    const expiring: Finding = {
      id: 'token-expiring',
      severity: 'warning',
      title: 'API token expires soon',
      message: 'This API token expires on 2026-06-04 (in 3 days).'
    }
    const unreadable: Finding = { id: 'zone-unreadable', severity: 'notice', title: 'Zone', message: '…' }
    for (const status of ['purged', 'planned'] as const) {
      const blocks = summaryOf({ ...emptyRun(status, 0), zones: planned, notes: [unreadable, expiring] })
      expect(blocks.slice(-2)).toEqual([
        { kind: 'heading', text: 'Warnings', level: 3 },
        { kind: 'list', items: ['API token expires soon: This API token expires on 2026-06-04 (in 3 days).'] }
      ])
    }
    expect(
      summaryOf({ ...purged, notes: [unreadable] }).map((b) => b.kind === 'heading' && b.text)
    ).not.toContain('Warnings')
  })

  it('says why nothing was purged, in words that count right', () => {
    const one = stoppedRun([refused], 0, { zones: [], purge: { ...purge, everything: true }, dryRun: false })
    expect(summaryOf(one)[1]).toEqual({
      kind: 'text',
      text: 'Nothing was purged: API token not recognised. 1 requested item is listed in the failed_items output.'
    })
    const three = stoppedRun([refused], 0, { zones: [], purge, dryRun: false })
    expect(summaryOf(three)[1]).toMatchObject({
      text: expect.stringMatching(/ 3 requested items are listed/)
    })
    expect(summaryOf(stoppedRun([refused], 0))[1]).toEqual({
      kind: 'text',
      text: 'Nothing was purged: API token not recognised.'
    })
  })
})

describe('an invalidation, and Version Management environments', () => {
  const STAGING = { name: 'Staging', ref: 'e0e00000000000000000000000000002' }
  const inStaging: ZoneRun[] = sent.map((z, i) => (i === 0 ? { ...z, environment: STAGING } : z))
  const invalidated: RunResult = {
    ...emptyRun('purged', 0),
    mode: 'invalidate',
    zones: inStaging,
    ...totals(inStaging),
    timings: { startedAt: 0, totalMs: 1234 }
  }

  it('says invalidated, not purged, and names the environment of each zone that has one', () => {
    const blocks = summaryOf(invalidated)
    expect(blocks.slice(0, 2)).toEqual([
      { kind: 'heading', text: 'Cloudflare cache invalidation', level: 2 },
      { kind: 'text', text: `Environment: Staging (ref ${STAGING.ref}) on example.com.` }
    ])
    expect(blocks[2]).toMatchObject({
      header: ['Zone', 'Type', 'Items', 'Invalidated', 'Failed', 'Request IDs']
    })
    expect(blocks).toContainEqual({ kind: 'text', text: '3 invalidated, 1 failed, in 1.2 s.' })
    expect(blocks).toContainEqual({ kind: 'heading', text: 'Not invalidated', level: 3 })
    expect(JSON.stringify(blocks)).not.toMatch(/purge/i)
  })

  it('shows the environment in the plan of a dry run', () => {
    const plan = inStaging.map((z) => ({ ...z, requests: z.requests.map(({ batch }) => ({ batch })) }))
    const blocks = summaryOf({ ...emptyRun('planned', 0), mode: 'invalidate', zones: plan })
    expect(blocks.slice(0, 3)).toEqual([
      { kind: 'heading', text: 'Cloudflare cache invalidation (dry run)', level: 2 },
      { kind: 'text', text: `Environment: Staging (ref ${STAGING.ref}) on example.com.` },
      { kind: 'text', text: 'Nothing was invalidated. This is what would be sent:' }
    ])
  })

  it('says nothing was invalidated when an invalidation stopped early', () => {
    const stopped = stoppedRun([refused], 0, { zones: [], purge, dryRun: false, mode: 'invalidate' })
    expect(stopped.mode).toBe('invalidate')
    expect(summaryOf(stopped)[1]).toMatchObject({
      text: expect.stringMatching(/^Nothing was invalidated: API token not recognised\. 3 requested items/)
    })
  })

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
