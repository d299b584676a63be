// End to end: refusals and limits cost little. A refused item costs one resend, not a bisection; the
// credential's API-wide budget (1,200 requests per 5 minutes, shared with the account's other tools) is
// read from Cloudflare's Ratelimit headers and never spent down to a 429; the report leads with what matters.
import { afterEach, describe, expect, it } from '@jest/globals'
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../emulator/index.js'
import { fixture, fixtureOptions } from '../emulator/fixtures.js'
import { expectNoSecrets, failedEntries } from './expectations.js'
import { runAction, type ActionRun } from './run-action.js'
import { readSummary } from './summary-dom.js'

const { zones, tokens } = fixture
const FREE_PURGE = `/zones/${zones.free.id}/purge_cache`

const urls = (n: number): string[] =>
  Array.from({ length: n }, (_, i) => `https://example.com/static/${i}.js`)

let emulator: RunningEmulator | undefined
afterEach(async () => {
  await emulator?.close()
  emulator = undefined
})

/** Runs the action on the Free zone with `list` in a files_from file; `before` acts on the emulator first. */
async function run(
  world: Partial<EmulatorOptions>,
  list: string[],
  inputs: Record<string, string> = {},
  before?: (cf: RunningEmulator) => void
): Promise<{ result: ActionRun; cf: RunningEmulator }> {
  const cf = (emulator = await startEmulator(fixtureOptions(world)))
  before?.(cf)
  const result = await runAction(
    {
      api_url: cf.url,
      zone: zones.free.id,
      api_token: tokens.user.value,
      files_from: 'urls.txt',
      ...inputs
    },
    { workspaceFiles: { 'urls.txt': list.join('\n') } }
  )
  return { result, cf }
}

/** Every item not purged, from failed_items_file (failed_items holds what fits in GitHub's output limit). */
function allFailed(result: ActionRun): Array<{ item: string; reason: string }> {
  const groups = JSON.parse(result.outputFiles.failed_items_file ?? '[]') as Array<{
    reason: string
    items: string[]
  }>
  return groups.flatMap(({ reason, items }) => items.map((item) => ({ item, reason })))
}

const purgeRequests = (cf: RunningEmulator): RunningEmulator['requests'] =>
  cf.requests.filter((r) => r.method === 'POST' && r.path === FREE_PURGE)

describe('a refused item costs one resend', () => {
  it('5,000 URLs, every 10th refused: at most 150 purge requests, 4,500 purged, no 429, the refusal leads the summary', async () => {
    // Before: 1,198 purge requests (each refusal found by halving), the account's API budget spent.
    const list = urls(5000)
    const refused = list.filter((_, i) => i % 10 === 7)
    const { result, cf } = await run(
      {
        // Cloudflare quotes the URL in some answers and not in others: both are read.
        refuseItems: refused.map((item, i) =>
          i % 2 === 0 ? { item, code: 1082, message: `Unable to purge '${item}'.` } : { item }
        )
      },
      list,
      { timeout: '120' }
    )
    expect(result.exitCode).toBe(1)
    expect(purgeRequests(cf).length).toBeLessThanOrEqual(150)
    expect(cf.purgedItems(zones.free.id)).toHaveLength(4500)
    expect(result.outputs.purged_count).toBe('4500')
    expect(result.outputs.failed_count).toBe('500')
    expect(cf.count429()).toBe(0)
    // Each refused item keeps Cloudflare's words about it, and only it.
    const entries = allFailed(result)
    expect(entries.map((e) => e.item).sort()).toEqual([...refused].sort())
    for (const { item, reason } of entries) {
      expect(reason).toContain(item)
      expect(reason.split('https://').length).toBe(2)
    }
    const summary = readSummary(result.summary)
    expect(summary.status.text).toMatch(/^Item refused by Cloudflare: Cloudflare refused each of these items/)
    expect(summary.status.text).not.toMatch(/Running again retries/)
    expect(summary.headings).toContain('Not purged (500 items)')
    // The log counts the requests that went out, resends included.
    const sent = purgeRequests(cf).length
    expect(result.stdout).toContain(`${sent} purge requests sent, 50 accepted`)
    expectNoSecrets(result)
  }, 90_000)
})

describe("the account's API budget is never spent", () => {
  it('starting with 1,100 of 1,200 used: no 429, at least 55 left, every item purged or failed with the limit named', async () => {
    const list = urls(5000)
    const { result, cf } = await run({}, list, { timeout: '30' }, (cf) =>
      cf.spendGlobal(tokens.user.value, 1100)
    )
    expect(cf.count429()).toBe(0)
    expect(cf.fewestLeft()).toBeGreaterThanOrEqual(55)
    const purged = cf.purgedItems(zones.free.id) as string[]
    const entries = allFailed(result)
    expect(failedEntries(result).length).toBeGreaterThan(0)
    expect(purged.length).toBeGreaterThan(0)
    expect(purged.length + entries.length).toBe(5000)
    expect(new Set([...purged, ...entries.map((e) => e.item)])).toEqual(new Set(list))
    expect(result.outputs.failed_count).toBe(String(entries.length))
    for (const { reason } of entries) {
      expect(reason).toMatch(
        /Cloudflare's API request limit for this user or token \(1,200 requests per 5 minutes\)/
      )
      expect(reason).toMatch(/frees up in (?:about \d+ minutes|\d+ seconds)/)
    }
    expect(result.errors.map((e) => e.title)).toEqual(["Held back by Cloudflare's API request limit"])
    // The log names what stopped it, and counts the requests that went out.
    expect(result.stdout).toContain(
      `${purgeRequests(cf).length} purge requests sent, ${purgeRequests(cf).length} accepted, in `
    )
    expect(result.stdout).toMatch(/; stopped: [\d,]+ items held back by Cloudflare's API request limit/)
    // A rerun after the window frees up fixes it: the summary says so.
    expect(readSummary(result.summary).status.text).toMatch(/Running again retries them/)
    expectNoSecrets(result)
  }, 60_000)

  it('waits for the window when the timeout allows it, and purges everything without a 429', async () => {
    const { result, cf } = await run(
      { globalRateLimit: { requests: 1200, windowSeconds: 2 } },
      urls(2000),
      { timeout: '60' },
      (cf) => cf.spendGlobal(tokens.user.value, 1150)
    )
    expect(result.exitCode).toBe(0)
    expect(cf.purgedItems(zones.free.id)).toHaveLength(2000)
    expect(cf.count429()).toBe(0)
    expect(purgeRequests(cf)).toHaveLength(20)
  }, 60_000)

  it('without the headers (a proxy strips them), 1,000 URLs still go in 10 requests', async () => {
    const { result, cf } = await run({ rateLimitHeaders: false }, urls(1000))
    expect(result.exitCode).toBe(0)
    expect(cf.requests.every((r) => r.status !== 429)).toBe(true)
    expect(purgeRequests(cf)).toHaveLength(10)
    expect(cf.purgedItems(zones.free.id)).toHaveLength(1000)
  }, 60_000)
})
