// The job summary: its blocks (summaryOf) for every way a run ends, and the HTML they become
// (summaryHtml), read back with a DOM parser as a browser reads it.
import { describe, expect, it } from '@jest/globals'
import { readSummary, sanitizerChanges, SUMMARY_LIMIT_BYTES, summaryProblems } from '../../e2e/summary-dom.js'
import {
  emptyRun,
  stoppedRun,
  totals,
  type FailureCause,
  type RunResult,
  type ZoneRun
} from '../../src/report/result.js'
import { escapeHtml } from '../../src/report/outputs.js'
import { inlineHtml, summaryHtml } from '../../src/report/summary-html.js'
import {
  dryRunLimits,
  ITEM_CHARS,
  ITEMS_SHOWN,
  mapText,
  plainBlocks,
  REASONS_SHOWN,
  summaryOf,
  type SummaryBlock
} from '../../src/report/summary.js'
import type { Finding } from '../../src/types.js'
import {
  A,
  B,
  CLOUDFLARE_REASON,
  inStaging,
  invalidated,
  partly,
  planned,
  purge,
  refused,
  sent,
  STAGING,
  urls
} from './fixtures.js'

const allSent: ZoneRun[] = [
  {
    id: A,
    name: 'example.com',
    label: 'www.example.com',
    requests: [
      { batch: { zoneId: A, type: 'files', items: urls(45) }, purgeId: 'p1' },
      { batch: { zoneId: A, type: 'tags', items: ['release-42', 'home'] }, purgeId: 'p2' }
    ]
  }
]
const success: RunResult = {
  ...emptyRun('purged', 0),
  zones: allSent,
  ...totals(allSent),
  credential: { owner: 'user' },
  timings: { startedAt: 0, totalMs: 800 }
}
const dryRun: RunResult = { ...emptyRun('planned', 0), zones: planned, credential: { owner: 'user' } }
const stopped = stoppedRun([refused], 0, {
  zones: [{ kind: 'name', name: 'example.com', input: 'example.com' }],
  purge,
  dryRun: false
})

const html = (result: RunResult): string => summaryHtml(summaryOf(result))
const textOf = (blocks: SummaryBlock[]): string => JSON.stringify(blocks)

describe('summaryOf', () => {
  it('says what happened and what to do when there was nothing to purge', () => {
    expect(summaryOf(emptyRun('nothing-to-purge', 0))).toEqual([
      { kind: 'heading', text: 'Cloudflare cache purge', level: 2 },
      {
        kind: 'status',
        outcome: 'success',
        headline: 'Nothing to purge.',
        text:
          'The inputs named no item, so no purge request was sent. Nothing needed when that is expected (a ' +
          'deploy that changed nothing); otherwise check the inputs, or the step that wrote the list.'
      }
    ])
    // The notice that said why, when there was one.
    const why: Finding = {
      id: 'lists-empty',
      severity: 'notice',
      title: 'Empty',
      message: 'The list was empty.'
    }
    expect(summaryOf(emptyRun('nothing-to-purge', 0), { notices: [why] })[1]).toMatchObject({
      text: 'The list was empty.'
    })
  })

  it('opens every summary with the title and one status line', () => {
    for (const [result, outcome] of [
      [success, 'success'],
      [partly, 'failure'],
      [dryRun, 'plan'],
      [stopped, 'failure']
    ] as const) {
      const [title, status] = summaryOf(result)
      expect(title).toMatchObject({ kind: 'heading', level: 2 })
      expect(status).toMatchObject({ kind: 'status', outcome })
    }
  })

  it('sums up a success in its status line, the table without an all-zero column, the items folded', () => {
    const blocks = summaryOf(success)
    expect(blocks[1]).toEqual({
      kind: 'status',
      outcome: 'success',
      headline: 'All 47 items were purged on example.com.',
      text: '2 purge requests in 0.8 s.'
    })
    expect(blocks[2]).toEqual({
      kind: 'table',
      header: ['Zone', 'Type', 'Items', 'Purged'],
      right: [false, false, true, true],
      rows: [
        ['example.com', 'files', '45', '45'],
        ['example.com', 'tags', '2', '2']
      ]
    })
    expect(blocks).toContainEqual({
      kind: 'details',
      label: '2 tags purged on example.com',
      blocks: [{ kind: 'list', items: ['release-42', 'home'], code: true }]
    })
    expect(textOf(blocks)).not.toMatch(/Not purged|failed/)
  })

  it('says one item and everything in words that read right', () => {
    const one: ZoneRun[] = [
      {
        ...allSent[0]!,
        requests: [{ batch: { zoneId: A, type: 'tags', items: ['release-42'] }, purgeId: 'p' }]
      }
    ]
    expect(summaryOf({ ...success, zones: one, ...totals(one) })[1]).toMatchObject({
      headline: '1 item was purged on example.com.',
      text: '1 purge request in 0.8 s.'
    })
    const everything: ZoneRun[] = [sent[1]!]
    expect(summaryOf({ ...success, zones: everything, ...totals(everything) })[1]).toMatchObject({
      headline: `Everything was purged on ${B}.`
    })
  })

  it('sums up a partial failure: counts, the one reason with what to do, its items, the zones side by side', () => {
    const blocks = summaryOf(partly)
    expect(blocks[1]).toEqual({
      kind: 'status',
      outcome: 'failure',
      headline: '3 of 4 items were purged; 1 was not.',
      text:
        `${CLOUDFLARE_REASON} The item is listed below and in the \`failed_items\` output. ` +
        'Running again retries them, and purging twice does no harm.'
    })
    expect(blocks[2]).toMatchObject({ header: ['Zone', 'Type', 'Items', 'Purged', 'Not purged'] })
    expect(blocks).toContainEqual({ kind: 'heading', text: 'Per zone', level: 3 })
    const notPurged = blocks.findIndex((b) => b.kind === 'heading' && b.text === 'Not purged (1 item)')
    // The one reason is in the status line; here come its items, open since they are few.
    expect(blocks.slice(notPurged + 1, notPurged + 3)).toEqual([
      { kind: 'text', text: '1 URL on example.com:' },
      { kind: 'list', items: ['https://example.com/3'], code: true }
    ])
  })

  it('lists the items under each reason when there are several, and counts reasons beyond the cap', () => {
    const many: ZoneRun[] = [
      {
        id: A,
        name: 'example.com',
        label: 'example.com',
        requests: Array.from({ length: REASONS_SHOWN + 2 }, (_, i) => ({
          batch: { zoneId: A, type: 'files' as const, items: urls(2, 2 * i + 1) },
          reason: `reason ${i + 1}`
        }))
      }
    ]
    const blocks = summaryOf({ ...emptyRun('purged', 0), zones: many, ...totals(many) })
    expect(blocks[1]).toMatchObject({
      outcome: 'failure',
      headline: 'Nothing was purged.',
      text: expect.stringMatching(
        /^The 22 reasons are below, the one with the most items first, each with its items \(all are in the `failed_items` output\)\./
      )
    })
    const first = blocks.findIndex((b) => b.kind === 'text' && b.text === '2 items: reason 1')
    expect(blocks.slice(first, first + 3)).toEqual([
      { kind: 'text', text: '2 items: reason 1' },
      { kind: 'text', text: '2 URLs on example.com:' },
      { kind: 'list', items: urls(2), code: true }
    ])
    // The reasons beyond the cap are named with their counts; their items stay in failed_items.
    expect(textOf(blocks)).not.toContain('https://example.com/41')
    expect(blocks).toContainEqual({
      kind: 'text',
      text: '… and 2 other reasons for 4 items not purged, each with its items in the `failed_items` output:'
    })
    expect(blocks).toContainEqual({
      kind: 'list',
      items: [`2 items: reason ${REASONS_SHOWN + 1}`, `2 items: reason ${REASONS_SHOWN + 2}`]
    })
  })

  /** One zone with requests of URLs: purged (an ID), or failed with a reason and its cause. */
  const withCauses = (
    requests: Array<{ from: number; n: number; purgeId?: string; reason?: string; cause?: FailureCause }>
  ): ZoneRun[] => [
    {
      id: A,
      name: 'example.com',
      label: 'example.com',
      requests: requests.map(({ from, n, ...rest }) => ({
        batch: { zoneId: A, type: 'files' as const, items: urls(n, from) },
        ...rest
      }))
    }
  ]
  const refusedCause = { title: 'Item refused by Cloudflare', rerun: false, perItem: true }
  const refusedAt = (n: number) => ({
    from: n,
    n: 1,
    reason: `Cloudflare refused this item on its own: 1082 Unable to purge 'https://example.com/${n}'.`,
    cause: refusedCause
  })

  it('leads with the reason covering the most items, counts items refused one by one together, and promises a rerun only where it helps', () => {
    const zones = withCauses([
      { from: 1, n: 3, reason: 'They were never sent.', cause: { title: 'Time ran out', rerun: true } },
      ...[10, 11, 12, 13].map(refusedAt),
      { from: 30, n: 20, purgeId: 'p1' }
    ])
    const blocks = summaryOf({ ...emptyRun('purged', 0), zones, ...totals(zones), requestsSent: 9 })
    const status = blocks[1] as { text: string }
    expect(status.text).toMatch(/^The 2 reasons are below, the one with the most items first/)
    expect(status.text).toContain('Running again retries the 3 items whose reason passes')
    expect(status.text).toContain('9 purge requests went out.')
    const reasons = blocks
      .filter((b) => b.kind === 'text' && /^\d+ items?: /.test(b.text))
      .map((b) => (b as { text: string }).text)
    expect(reasons).toEqual([
      expect.stringMatching(/^4 items: Item refused by Cloudflare: Cloudflare refused each of these items/),
      '3 items: They were never sent.'
    ])
    expect(reasons[0]).not.toMatch(/Running again retries/)
  })

  it('makes no rerun promise when nothing that failed would pass on a rerun', () => {
    const zones = withCauses([refusedAt(5), { from: 6, n: 9, purgeId: 'p1' }])
    const status = summaryOf({ ...emptyRun('purged', 0), zones, ...totals(zones) })[1] as { text: string }
    expect(status.text).toMatch(/^Item refused by Cloudflare: Cloudflare refused each of these items/)
    expect(status.text).not.toMatch(/Running again retries/)
  })

  it('lists the first purged items of many requests, in order, and counts the rest', () => {
    // Three requests of 90 URLs: the list shows the first ITEMS_SHOWN (all of the first request, then
    // the start of the second) and counts every other one.
    const many: ZoneRun[] = [
      {
        id: A,
        name: 'example.com',
        label: 'example.com',
        requests: [1, 91, 181].map((from, i) => ({
          batch: { zoneId: A, type: 'files' as const, items: urls(90, from) },
          purgeId: `p${i}`
        }))
      }
    ]
    const blocks = summaryOf({ ...emptyRun('purged', 0), zones: many, ...totals(many) })
    expect(blocks).toContainEqual({
      kind: 'details',
      label: '270 URLs purged on example.com',
      blocks: [
        { kind: 'list', items: urls(100), code: true },
        { kind: 'text', text: '… and 170 more.' }
      ]
    })
  })

  it('folds a long list and caps it, with the count of the rest', () => {
    const long: ZoneRun[] = [
      {
        id: A,
        label: A,
        requests: [{ batch: { zoneId: A, type: 'tags', items: urls(ITEMS_SHOWN + 7) }, reason: 'r' }]
      }
    ]
    const blocks = summaryOf({ ...emptyRun('purged', 0), zones: long, ...totals(long) })
    expect(blocks).toContainEqual({
      kind: 'details',
      label: `${ITEMS_SHOWN + 7} tags on ${A}`,
      blocks: [
        { kind: 'list', items: urls(ITEMS_SHOWN), code: true },
        { kind: 'text', text: '… and 7 more.' }
      ]
    })
  })

  it('lists no more characters of items than the room of one summary, and counts the rest', () => {
    const long = (n: number, from: number): string[] =>
      Array.from({ length: n }, (_, i) => `https://example.com/${'x'.repeat(10_000)}/${i + from}`)
    const big: ZoneRun[] = [
      {
        id: A,
        name: 'example.com',
        label: 'example.com',
        requests: [
          { batch: { zoneId: A, type: 'files', items: long(10, 1) }, reason: 'r' },
          { batch: { zoneId: A, type: 'files', items: long(10, 11) }, purgeId: 'p' }
        ]
      }
    ]
    const blocks = summaryOf({ ...emptyRun('purged', 0), zones: big, ...totals(big) })
    const listed = JSON.stringify(blocks).match(/x{10000}/g) ?? []
    expect(listed.length * 10_000).toBeLessThanOrEqual(ITEM_CHARS)
    // Items not purged come first; the purged ones get what room is left.
    expect(blocks).toContainEqual({
      kind: 'details',
      label: '10 URLs on example.com',
      blocks: [{ kind: 'list', items: long(10, 1), code: true }]
    })
    expect(blocks).toContainEqual({
      kind: 'details',
      label: '10 URLs purged on example.com',
      blocks: [
        { kind: 'list', items: long(3, 11), code: true },
        { kind: 'text', text: '… and 7 more.' }
      ]
    })
    const full: ZoneRun[] = [
      {
        ...big[0]!,
        requests: [
          ...big[0]!.requests,
          { batch: { zoneId: A, type: 'tags', items: ['y'.repeat(1000)] }, purgeId: 'q' }
        ]
      }
    ]
    expect(summaryOf({ ...emptyRun('purged', 0), zones: full, ...totals(full) })).toContainEqual({
      kind: 'details',
      label: '1 tag purged on example.com',
      blocks: [{ kind: 'text', text: '1 item, not listed: the summary is full.' }]
    })
  })

  it("keeps Cloudflare's request IDs out of the tables, folded, counted beyond twenty", () => {
    const ids: ZoneRun[] = [
      {
        id: A,
        label: A,
        requests: Array.from({ length: 25 }, (_, i) => ({
          batch: { zoneId: A, type: 'tags' as const, items: [`t${i}`] },
          purgeId: `id${i}`
        }))
      }
    ]
    const blocks = summaryOf({ ...emptyRun('purged', 0), zones: ids, ...totals(ids) })
    for (const b of blocks) if (b.kind === 'table') expect(JSON.stringify(b)).not.toContain('id0')
    const folded = blocks.find((b) => b.kind === 'details' && b.label.startsWith("Cloudflare's request IDs"))
    expect(folded).toMatchObject({ label: "Cloudflare's request IDs (25)" })
    const table = (folded as { blocks: SummaryBlock[] }).blocks[1]
    expect(table).toMatchObject({
      rows: [[A, 'tags', expect.stringMatching(/^id0, id1, .*, id19 and 5 more$/)]]
    })
  })

  it('shows the plan of a dry run: counts, the items that would go, and what a dry run cannot check', () => {
    const blocks = summaryOf(dryRun)
    expect(blocks.slice(0, 3)).toEqual([
      { kind: 'heading', text: 'Cloudflare cache purge (dry run)', level: 2 },
      {
        kind: 'status',
        outcome: 'plan',
        headline: `Dry run: 4 items would be purged on example.com and ${B}.`,
        text: 'Nothing was purged: the 3 purge requests planned were not sent.'
      },
      {
        kind: 'table',
        header: ['Zone', 'Type', 'Items', 'Requests'],
        right: [false, false, true, true],
        rows: [
          ['example.com', 'files', '3', '2'],
          [B, 'everything', '1', '1']
        ]
      }
    ])
    expect(blocks).toContainEqual({
      kind: 'details',
      label: '3 URLs on example.com',
      blocks: [{ kind: 'list', items: urls(3), code: true }]
    })
    const limits = blocks.findIndex((b) => b.kind === 'heading' && b.text === 'What a dry run cannot check')
    expect(blocks.slice(limits + 1)).toEqual(dryRunLimits(dryRun).map((text) => ({ kind: 'text', text })))
  })

  it('says why nothing was purged when the run stopped, with the fix, and lists the items', () => {
    const blocks = summaryOf(stopped)
    expect(blocks[1]).toEqual({
      kind: 'status',
      outcome: 'failure',
      headline: 'Nothing was purged: API token not recognised.',
      text: `${refused.message} No purge request was sent.`
    })
    expect(blocks[2]).toEqual({
      kind: 'text',
      text: 'The 3 requested items are in the `failed_items` output.'
    })
    // Few: shown open.
    expect(blocks[3]).toEqual({
      kind: 'list',
      items: ['https://example.com/x [CF-Device-Type: mobile]', 't', 'example.com/p/'],
      code: true
    })
    // Many: folded.
    const many = stoppedRun([refused], 0, { zones: [], purge: { ...purge, tags: urls(6) }, dryRun: false })
    expect(summaryOf(many)[3]).toMatchObject({ kind: 'details', label: '8 items not purged' })
    const one = stoppedRun([refused], 0, { zones: [], purge: { ...purge, everything: true }, dryRun: false })
    expect(summaryOf(one)[2]).toEqual({
      kind: 'text',
      text: 'The requested item is in the `failed_items` output.'
    })
    expect(summaryOf(stoppedRun([refused], 0))).toHaveLength(2)
    expect(summaryOf(stopped, { failedItemsIn: 'failed_items (--json)' })[2]).toMatchObject({
      text: 'The 3 requested items are in failed_items (--json).'
    })
  })

  it('names every problem when several stopped the run', () => {
    const other: Finding = {
      id: 'bad-zone',
      severity: 'error',
      title: 'Invalid input: zone',
      message: 'Bad.'
    }
    const warning: Finding = { id: 'x', severity: 'warning', title: 'W', message: 'w' }
    const blocks = summaryOf(stoppedRun([warning, refused, other], 0))
    expect(blocks.slice(1)).toEqual([
      {
        kind: 'status',
        outcome: 'failure',
        headline: 'Nothing was purged: 2 problems to fix.',
        text: 'No purge request was sent. Each kind of problem, with what to do:'
      },
      { kind: 'list', items: [`API token not recognised: ${refused.message}`, 'Invalid input: zone: Bad.'] }
    ])
  })
})

describe('warnings', () => {
  const expiring: Finding = {
    id: 'token-expiring',
    severity: 'warning',
    title: 'API token expires soon',
    message: 'This API token expires on 2027-01-03 (in 3 days).'
  }

  it('closes the summary with the warnings the run showed, each once, the status line still first', () => {
    for (const result of [success, partly, dryRun, stopped]) {
      const blocks = summaryOf(result, { warnings: [expiring, expiring] })
      expect(blocks[1]).toMatchObject({ kind: 'status' })
      expect(blocks.slice(-2)).toEqual([
        { kind: 'heading', text: 'Warning', level: 3 },
        { kind: 'list', items: [`${expiring.title}: ${expiring.message}`] }
      ])
    }
    const two = summaryOf(success, { warnings: [expiring, { ...expiring, title: 'Other', message: 'o' }] })
    expect(two.at(-2)).toEqual({ kind: 'heading', text: 'Warnings', level: 3 })
    expect(summaryOf(emptyRun('nothing-to-purge', 0), { warnings: [expiring] }).slice(-2)).toEqual([
      { kind: 'heading', text: 'Warning', level: 3 },
      { kind: 'list', items: [`${expiring.title}: ${expiring.message}`] }
    ])
  })
})

describe('plainBlocks', () => {
  it('gives a printer without HTML the status line as a paragraph and every folded part opened', () => {
    const blocks = plainBlocks(summaryOf(stopped))
    expect(blocks.every((b) => ['heading', 'text', 'table', 'list'].includes(b.kind))).toBe(true)
    expect(blocks[1]).toEqual({
      kind: 'text',
      text: `Nothing was purged: API token not recognised. ${refused.message} No purge request was sent.`
    })
    const opened = plainBlocks(summaryOf(success))
    expect(opened).toContainEqual({ kind: 'text', text: '2 tags purged on example.com:' })
    expect(opened).toContainEqual({ kind: 'list', items: ['release-42', 'home'], code: true })
  })
})

describe('dryRunLimits', () => {
  it('says that only a real purge shows whether a token may purge', () => {
    expect(dryRunLimits(dryRun).join(' ')).toMatch(
      /no Cloudflare API tells a purge-only token whether it may purge; only a real purge request does\./
    )
  })

  it('names the zones it could not read, whose existence it cannot tell', () => {
    expect(dryRunLimits(dryRun)[2]).toBe(
      `Nor can it tell whether zone ${B} exists: the credential cannot read it (a token without Zone → Zone → ` +
        'Read), and Cloudflare answers the same for a zone that does not exist.'
    )
    expect(dryRunLimits({ zones: [sent[0]!] })).toHaveLength(2)
  })

  it('speaks of the key, not a token, for a Global API Key', () => {
    const lines = dryRunLimits({ ...dryRun, credential: { owner: 'global-key' } })
    expect(lines[1]).toBe(
      "It cannot check that Cloudflare lets this key's user purge these zones: only a real purge request shows it."
    )
  })
})

describe('an invalidation, and Version Management environments', () => {
  it('says invalidated, not purged, and names the environment of each zone that has one', () => {
    // Cloudflare's own words may say purge; the summary's never do.
    const zones = inStaging.map((z) => ({
      ...z,
      requests: z.requests.map((r) => (r.reason ? { ...r, reason: 'refused' } : r))
    }))
    const blocks = summaryOf({ ...invalidated, zones, ...totals(zones) })
    expect(blocks[0]).toEqual({ kind: 'heading', text: 'Cloudflare cache invalidation', level: 2 })
    expect(blocks[1]).toMatchObject({ headline: '3 of 4 items were invalidated; 1 was not.' })
    expect(blocks[2]).toEqual({
      kind: 'text',
      text: `Environment: Staging (ref ${STAGING.ref}) on example.com.`
    })
    expect(blocks[3]).toMatchObject({ header: ['Zone', 'Type', 'Items', 'Invalidated', 'Not invalidated'] })
    expect(blocks).toContainEqual({ kind: 'heading', text: 'Not invalidated (1 item)', level: 3 })
    expect(textOf(blocks)).toMatch(/invalidating twice does no harm/)
    expect(textOf(blocks)).not.toMatch(/purge/i)
  })

  it('shows the environment in the plan of a dry run', () => {
    const plan = inStaging.map((z) => ({ ...z, requests: z.requests.map(({ batch }) => ({ batch })) }))
    const blocks = summaryOf({ ...emptyRun('planned', 0), mode: 'invalidate', zones: plan })
    expect(blocks.slice(0, 3)).toEqual([
      { kind: 'heading', text: 'Cloudflare cache invalidation (dry run)', level: 2 },
      {
        kind: 'status',
        outcome: 'plan',
        headline: `Dry run: 4 items would be invalidated on example.com and ${B}.`,
        text: 'Nothing was invalidated: the 3 invalidation requests planned were not sent.'
      },
      { kind: 'text', text: `Environment: Staging (ref ${STAGING.ref}) on example.com.` }
    ])
  })

  it('says nothing was invalidated when an invalidation stopped early', () => {
    const early = stoppedRun([refused], 0, { zones: [], purge, dryRun: false, mode: 'invalidate' })
    expect(summaryOf(early)[1]).toMatchObject({
      headline: 'Nothing was invalidated: API token not recognised.',
      text: expect.stringMatching(/No invalidation request was sent\.$/)
    })
    const many = stoppedRun([refused], 0, {
      zones: [],
      purge: { ...purge, tags: urls(6) },
      dryRun: false,
      mode: 'invalidate'
    })
    expect(summaryOf(many)[3]).toMatchObject({ label: '8 items not invalidated' })
  })
})

describe('summaryHtml', () => {
  it("escapes every text, Cloudflare's included, and shows backtick spans as code", () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;')
    expect(inlineHtml('set `batch_size`, not <b>`x`</b>')).toBe(
      'set <code>batch_size</code>, not &lt;b&gt;<code>x</code>&lt;/b&gt;'
    )
    // A blank line would end GitHub's HTML block: text stays on one line.
    expect(inlineHtml('one\n\ntwo\r\nthree')).toBe('one two three')
  })

  it('shows items verbatim as code, backticks and markup included', () => {
    expect(summaryHtml([{ kind: 'list', items: ['a`b`<i>'], code: true }])).toBe(
      '<ul><li><code>a`b`&lt;i&gt;</code></li></ul>'
    )
  })

  it.each([
    ['a success', success],
    ['a partial failure', partly],
    ['a dry run', dryRun],
    ['an early stop', stopped]
  ])(
    'writes %s as HTML that keeps the rules: known tags, no blank line, no stray backtick',
    (_name, result) => {
      expect(summaryProblems(html(result))).toEqual([])
      expect(sanitizerChanges(html(result))).toEqual([])
    }
  )

  it('aligns counts right, with an attribute that GitHub keeps, and groups their thousands', () => {
    const many: ZoneRun[] = [
      {
        id: A,
        name: 'example.com',
        label: 'example.com',
        requests: [{ batch: { zoneId: A, type: 'files', items: urls(12_345) }, purgeId: 'p1' }]
      }
    ]
    const text = html({ ...emptyRun('purged', 0), zones: many, ...totals(many) })
    expect(text).toContain(
      '<tr><td>example.com</td><td>files</td><td align="right">12,345</td><td align="right">12,345</td></tr>'
    )
    expect(readSummary(text).status.headline).toBe('All 12,345 items were purged on example.com.')
    expect(sanitizerChanges(text)).toEqual([])
  })

  it('reads as a success: ✅ and the count, a table, the items and request IDs folded', () => {
    const view = readSummary(html(success))
    expect(view.title).toBe('Cloudflare cache purge')
    expect(view.status).toMatchObject({ mark: '✅', headline: 'All 47 items were purged on example.com.' })
    expect(view.tables).toEqual([
      {
        header: ['Zone', 'Type', 'Items', 'Purged'],
        rows: [
          ['example.com', 'files', '45', '45'],
          ['example.com', 'tags', '2', '2']
        ]
      }
    ])
    expect(view.folded.map((f) => f.label)).toEqual([
      '45 URLs purged on example.com',
      '2 tags purged on example.com',
      "Cloudflare's request IDs (2)"
    ])
    expect(view.folded[0]?.items).toEqual(urls(45))
    expect(view.folded[2]?.tables[0]?.rows).toEqual([
      ['example.com', 'files', 'p1'],
      ['example.com', 'tags', 'p2']
    ])
  })

  it('reads as a partial failure: ❌, the reason shown as text with its code, the item under it', () => {
    const text = html(partly)
    const view = readSummary(text)
    expect(view.status.mark).toBe('❌')
    expect(view.status.headline).toBe('3 of 4 items were purged; 1 was not.')
    // Cloudflare's <b> is text, not bold; its backticks became code.
    expect(view.status.text).toContain(
      'Unable to purge <b>https://example.com/3</b>, which is an invalid URL.'
    )
    expect(view.status.code).toEqual(['invalid', 'failed_items'])
    expect(text).not.toContain('<b>')
    expect(view.headings).toEqual(['Per zone', 'Not purged (1 item)', 'Purged'])
    expect(view.tables[0]?.header).toEqual(['Zone', 'Type', 'Items', 'Purged', 'Not purged'])
    expect(view.paragraphs).toContain('1 URL on example.com:')
    expect(view.lists).toEqual([['https://example.com/3']])
    expect(view.folded.map((f) => f.label)).toEqual([
      '2 URLs purged on example.com',
      "Cloudflare's request IDs (2)"
    ])
  })

  it('reads as a dry run: 📋, the plan, the items folded, and what it cannot check', () => {
    const view = readSummary(html(dryRun))
    expect(view.title).toBe('Cloudflare cache purge (dry run)')
    expect(view.status).toMatchObject({
      mark: '📋',
      headline: `Dry run: 4 items would be purged on example.com and ${B}.`
    })
    expect(view.tables[0]?.header).toEqual(['Zone', 'Type', 'Items', 'Requests'])
    expect(view.folded).toEqual([
      { label: '3 URLs on example.com', items: urls(3), paragraphs: [], tables: [] }
    ])
    expect(view.headings).toEqual(['Would be purged', 'What a dry run cannot check'])
    expect(view.paragraphs.join(' ')).toContain('only a real purge request does')
  })

  it('reads as an early stop: ❌, the reason and its fix first, then the items', () => {
    const view = readSummary(html(stopped))
    expect(view.status).toEqual({
      mark: '❌',
      headline: 'Nothing was purged: API token not recognised.',
      text: `${refused.message} No purge request was sent.`,
      code: []
    })
    expect(view.paragraphs).toEqual(['The 3 requested items are in the failed_items output.'])
    expect(view.lists).toEqual([['https://example.com/x [CF-Device-Type: mobile]', 't', 'example.com/p/']])
    expect(view.folded).toEqual([])
    expect(view.tables).toEqual([])
  })

  it('has a checker that finds each kind of problem (so that its silence means something)', () => {
    expect(summaryProblems('<h2>t</h2>\n<p><strong>s</strong></p>')).toEqual([])
    expect(summaryProblems('<p>a `b`</p>\n\n<script>x</script><p class="c">u')).toEqual([
      'tag <script> is not one the summary uses',
      '<p> has attributes',
      'a blank line',
      'a backtick in the text',
      'no <h2> first',
      'no status paragraph after the title',
      'HTML that a browser reads differently (unclosed or stray tags)'
    ])
  })

  it('lets the redactor see each text before it is escaped', () => {
    const secret = "o'brien&co@example.com"
    const blocks = summaryOf({ ...stopped, stoppedBy: [{ ...refused, message: `Unknown ${secret}.` }] })
    const out = summaryHtml(mapText(blocks, (t) => t.split(secret).join('***')))
    expect(out).toContain('Unknown ***.')
    expect(out).not.toContain(escapeHtml(secret))
  })
})

describe('a summary of any size', () => {
  /** The summary as the action writes it, and the checks every one of them passes. */
  const written = (result: RunResult, warnings: Finding[] = []): string => {
    const text = summaryHtml(summaryOf(result, { warnings, stepFailed: result.status !== 'planned' }))
    expect(Buffer.byteLength(text)).toBeLessThan(SUMMARY_LIMIT_BYTES)
    expect(summaryProblems(text)).toEqual([])
    expect(sanitizerChanges(text)).toEqual([])
    return text
  }
  const long = (n: number, chars: number): string[] =>
    Array.from({ length: n }, (_, i) => `https://example.com/${String(i).padStart(chars, 'x')}?a=<&>"'`)

  it.each([5_000, 20_000])('groups %i input errors of a kind in one line that counts them', (n) => {
    const errors: Finding[] = Array.from({ length: n }, (_, i) => ({
      id: 'relative-url',
      severity: 'error',
      title: 'Invalid input: files',
      message: `"static/${i}.js" is not a full URL. Write "https://<your domain>/static/${i}.js".`
    }))
    const result = stoppedRun([...errors, refused], 0, {
      zones: [],
      purge: { ...purge, files: long(n, 2000).map((url) => ({ url })) },
      dryRun: false
    })
    const view = readSummary(written(result))
    expect(view.status).toMatchObject({
      mark: '❌',
      headline: `Nothing was purged: ${(n + 1).toLocaleString('en-US')} problems to fix.`
    })
    expect(view.lists[0]).toEqual([
      `Invalid input: files (${n.toLocaleString('en-US')} times), the first: ${errors[0]!.message}`,
      `${refused.title}: ${refused.message}`
    ])
  })

  it('lists 300 items each refused for a reason of its own, their reasons counted beyond the cap', () => {
    const zones: ZoneRun[] = [
      {
        id: A,
        name: 'example.com',
        label: 'example.com',
        requests: long(300, 3000).map((url, i) => ({
          batch: { zoneId: A, type: 'files' as const, items: [url] },
          reason: `Cloudflare refused ${url}: ${'<too long> '.repeat(1000)} (${i})`
        }))
      }
    ]
    const text = written({ ...emptyRun('purged', 0), zones, ...totals(zones) })
    expect(readSummary(text).status.headline).toBe('Nothing was purged.')
    expect(text).toContain(
      `… and ${300 - REASONS_SHOWN} other reasons for ${300 - REASONS_SHOWN} items not purged`
    )
  })

  it('bounds the warnings, the tables of many zones, and a text of a megabyte', () => {
    const warnings: Finding[] = Array.from({ length: 500 }, (_, i) => ({
      id: `w${i}`,
      severity: 'warning',
      title: `Warning ${i}`,
      message: 'x'.repeat(1024 * 1024)
    }))
    const zones: ZoneRun[] = Array.from({ length: 400 }, (_, i) => ({
      id: String(i).padStart(32, '0'),
      name: `zone-${i}.example`,
      label: `zone-${i}.example`,
      requests: [{ batch: { zoneId: String(i), type: 'files' as const, items: urls(2) }, purgeId: `p${i}` }]
    }))
    const view = readSummary(written({ ...emptyRun('purged', 0), zones, ...totals(zones) }, warnings))
    expect(view.tables[0]?.rows).toHaveLength(51)
    expect(view.tables[0]?.rows.at(-1)?.[0]).toBe('… and 350 more rows')
    expect(view.lists.at(-1)).toHaveLength(20)
    expect(view.paragraphs.at(-1)).toBe('… and 480 other warnings, in the log.')
  })

  it('stops before 1 MiB and says so, whatever the blocks hold', () => {
    const blocks: SummaryBlock[] = [
      { kind: 'heading', text: 'T', level: 2 },
      { kind: 'status', outcome: 'success', headline: 'H' },
      ...Array.from({ length: 300 }, (): SummaryBlock => ({ kind: 'text', text: '&'.repeat(4000) }))
    ]
    const text = summaryHtml(blocks)
    expect(Buffer.byteLength(text)).toBeLessThan(SUMMARY_LIMIT_BYTES)
    expect(
      text.endsWith(
        '<p>The rest of this summary is left out: GitHub takes at most 1 MiB of it. The log has every detail.</p>'
      )
    ).toBe(true)
  })
})
