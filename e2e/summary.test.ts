// End to end: the job summary the bundled action writes to GITHUB_STEP_SUMMARY, read back with a DOM
// parser, for a success, a partial failure, a dry run and an early stop against the emulator.
import { describe, expect, it } from '@jest/globals'
import { fixture } from '../emulator/fixtures.js'
import { envelopeError, useEmulator } from './emulator-setup.js'
import { runAction, type ActionRun } from './run-action.js'
import { readSummary, summaryProblems } from './summary-dom.js'

const { zones, tokens } = fixture
const emulator = useEmulator()

const urls = (n: number): string[] => Array.from({ length: n }, (_, i) => `https://example.com/s/${i + 1}.js`)
const run = (inputs: Record<string, string>): Promise<ActionRun> =>
  runAction({ api_url: emulator.url, zone: zones.free.id, api_token: tokens.user.value, ...inputs })

describe('the job summary of the bundled action', () => {
  it('after a success: the count first, the items and request IDs folded', async () => {
    const result = await run({ files: urls(12).join('\n'), tags: 'release-42' })
    expect(result.exitCode).toBe(0)
    expect(summaryProblems(result.summary)).toEqual([])
    const view = readSummary(result.summary)
    expect(view.status).toMatchObject({ mark: '✅', headline: 'All 13 items were purged on example.com.' })
    expect(view.tables[0]?.header).toEqual(['Zone', 'Type', 'Items', 'Purged'])
    expect(view.folded.map((f) => f.label)).toEqual([
      '12 URLs purged on example.com',
      '1 tag purged on example.com',
      "Cloudflare's request IDs (2)"
    ])
    expect(view.folded[0]?.items).toEqual(urls(12))
    const ids = view.folded[2]?.tables[0]?.rows.map((r) => r[2]).join(', ')
    expect(ids?.split(', ').sort()).toEqual(result.outputs.purge_ids?.split(',').sort())
  })

  it('with a warning: ⚠️, the status line first, the warning at the end', async () => {
    const result = await run({ files: urls(2).join('\n'), api_token: tokens.expiringSoon.value })
    expect(result.exitCode).toBe(0)
    expect(summaryProblems(result.summary)).toEqual([])
    const view = readSummary(result.summary)
    expect(view.status).toMatchObject({ mark: '⚠️', headline: 'All 2 items were purged on example.com.' })
    expect(view.headings.at(-1)).toBe('Warning')
    expect(view.lists.at(-1)).toEqual([
      expect.stringMatching(/^API token expires soon: This API token expires on /)
    ])
    expect(view.outline.at(-1)).toMatch(/^ul: API token expires soon/)
  })

  it('after a partial failure: the reason as Cloudflare gave it, escaped, with the items it left', async () => {
    const reason = 'Unable to purge <https://example.com/s/1.js>, which is an `invalid` URL.'
    emulator.addFault({
      method: 'POST',
      path: `/zones/${zones.free.id}/purge_cache`,
      bodyContains: '"files"',
      action: envelopeError(400, [{ code: 1016, message: reason }])
    })
    const result = await run({ files: urls(3).join('\n'), tags: 'release-42' })
    expect(result.exitCode).toBe(1)
    expect(summaryProblems(result.summary)).toEqual([])
    expect(result.summary).not.toContain('<https://')
    const view = readSummary(result.summary)
    // The step fails, so the mark says so, though some items were purged.
    expect(view.status.mark).toBe('❌')
    expect(view.status.headline).toBe('1 of 4 items were purged; 3 were not.')
    expect(view.status.text).toContain(
      'Unable to purge <https://example.com/s/1.js>, which is an invalid URL.'
    )
    expect(view.status.code).toContain('invalid')
    expect(view.headings).toContain('Not purged (3 items)')
    expect(view.paragraphs).toContain('3 URLs on example.com:')
    expect(view.lists).toEqual([urls(3)])
    expect(view.folded.map((f) => f.label)).toContain('1 tag purged on example.com')
  })

  it('on a dry run: what would be purged, and that only a real purge shows the token may purge', async () => {
    const result = await run({ files: urls(8).join('\n'), dry_run: 'true', api_token: tokens.noPurge.value })
    expect(result.exitCode).toBe(0)
    expect(emulator.purgeRequests()).toEqual([])
    expect(summaryProblems(result.summary)).toEqual([])
    const view = readSummary(result.summary)
    expect(view.title).toBe('Cloudflare cache purge (dry run)')
    expect(view.status).toMatchObject({
      mark: '📋',
      headline: 'Dry run: 8 items would be purged on example.com.'
    })
    expect(view.folded).toEqual([
      { label: '8 URLs on example.com', items: urls(8), paragraphs: [], tables: [] }
    ])
    expect(view.headings).toEqual(['Would be purged', 'What a dry run cannot check'])
    expect(view.paragraphs.join(' ')).toMatch(
      /no Cloudflare API tells a purge-only token whether it may purge; only a real purge request does/
    )
    // The log says it too, outside any group, after the plan in words.
    expect(result.stdout).toContain(`Request 1 on ${zones.free.id}: purge 8 URLs\n`)
    expect(result.stdout).toMatch(/^It cannot check that the token may purge: /m)
  })

  it('after an early stop: the reason and the fix in the status line, then the items', async () => {
    const result = await run({
      zone: 'example.com',
      api_token: tokens.scopedToOtherZone.value,
      files: urls(2).join('\n')
    })
    expect(result.exitCode).toBe(1)
    expect(emulator.purgeRequests()).toEqual([])
    expect(summaryProblems(result.summary)).toEqual([])
    const view = readSummary(result.summary)
    expect(view.status.mark).toBe('❌')
    expect(view.status.headline).toBe('Nothing was purged: Zone not found.')
    expect(view.status.text).toMatch(/^No zone named "example\.com" is visible to this credential\./)
    expect(view.status.text).toMatch(/Zone Resources/)
    expect(view.status.text).toMatch(/No purge request was sent\.$/)
    expect(view.paragraphs).toEqual(['The 2 requested items are in the failed_items output.'])
    expect(view.lists).toEqual([urls(2)])
  })
})
