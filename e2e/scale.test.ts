// End to end at scale: many items, Cloudflare's limits, faults and retries, against the local emulator.
import { beforeEach, describe, expect, it } from '@jest/globals'
import type { RunningEmulator } from '../emulator/index.js'
import { fixture } from '../emulator/fixtures.js'
import { useEmulator, withEmulator } from './emulator-setup.js'
import { expectNoSecrets, expectSucceeded, failedEntries } from './expectations.js'
import { runAction, type ActionRun } from './run-action.js'

const { zones, tokens } = fixture
const PURGE_PATH = `/zones/${zones.free.id}/purge_cache`

const urls = (n: number, host = 'example.com'): string[] =>
  Array.from({ length: n }, (_, i) => `https://${host}/static/${i}.js`)

// Cloudflare's real limits: Free allows 800 URLs/s and 5 tag requests a minute after a burst of 25.
const emulator = useEmulator()
beforeEach(() => emulator.clearFaults())

function run(inputs: Record<string, string>, workspaceFiles?: Record<string, string>): Promise<ActionRun> {
  return runAction(
    { api_url: emulator.url, zone: zones.free.id, api_token: tokens.user.value, ...inputs },
    workspaceFiles ? { workspaceFiles } : {}
  )
}

/** The URLs of each purge request the emulator accepted, as sent. */
const acceptedBatches = (em: RunningEmulator): string[][] =>
  em.purgeRequests().map((r) => (r.body as { files: string[] }).files)

describe('purging many items', () => {
  it('purges 1,000 URLs on a Free zone in 10 requests of 100, none lost, none twice, no 429', async () => {
    const list = urls(1000)
    // Duplicates: the same URLs again, some with the host in capitals (the host is case-insensitive).
    const duplicates = [
      ...list.slice(0, 10),
      ...list.slice(10, 30).map((u) => u.replace('example.com', 'EXAMPLE.com'))
    ]
    const result = await run(
      { files_from: 'changed-urls.txt' },
      { 'changed-urls.txt': [...list, ...duplicates].join('\n') }
    )
    expectSucceeded(result)
    const purges = emulator.requests.filter((r) => r.path === PURGE_PATH)
    expect(purges).toHaveLength(10)
    expect(emulator.requests).toHaveLength(12) // + verify and zone
    expect(emulator.count429()).toBe(0)
    const batches = acceptedBatches(emulator)
    expect(batches).toHaveLength(10)
    expect(batches.map((b) => b.length)).toEqual(Array.from({ length: 10 }, () => 100))
    const purged = emulator.purgedItems(zones.free.id)
    expect(purged).toHaveLength(1000)
    expect(new Set(purged)).toEqual(new Set(list))
    expect(result.outputs.purged_count).toBe('1000')
    expect(result.outputs.failed_count).toBe('0')
    expect(result.outputs.failed_items).toBe('[]')
    expect(result.outputs.purge_ids?.split(',')).toHaveLength(10)
    expect(result.summary).toContain('All 1,000 items were purged on example.com.')
  })

  it('reads files_from as a JSON array with headers, together with files', async () => {
    const fromFile = [
      'https://example.com/a',
      { url: 'https://example.com/a', headers: { 'CF-Device-Type': 'mobile' } },
      { url: 'https://example.com/a', headers: { 'cf-device-type': 'mobile' } }
    ]
    const result = await run(
      { files: 'https://example.com/b\nhttps://example.com/A', files_from: 'list.json' },
      { 'list.json': JSON.stringify(fromFile) }
    )
    expectSucceeded(result)
    // /A and /a differ (the path is case-sensitive); the two headers spellings are one variant.
    expect(emulator.purgedItems(zones.free.id)).toEqual([
      'https://example.com/b',
      'https://example.com/A',
      'https://example.com/a',
      { url: 'https://example.com/a', headers: { 'CF-Device-Type': 'mobile' } }
    ])
  })

  it('stops at a missing files_from file with a clear error, before any request', async () => {
    const result = await run({ files: 'https://example.com/a', files_from: 'build/changed.txt' })
    expect(result.exitCode).toBe(1)
    expect(result.errors.map((e) => e.title)).toEqual(['Invalid input: files_from'])
    expect(result.errors[0]?.message).toMatch(/"build\/changed\.txt" cannot be read \(no such file\)/)
    expect(result.errors[0]?.message).toMatch(/relative to the workspace/)
    expect(emulator.requests).toEqual([])
    expectNoSecrets(result)
  })
})

describe('retries', () => {
  it('honours Retry-After on a 429 and succeeds', async () => {
    emulator.addFault({
      method: 'POST',
      path: PURGE_PATH,
      skip: 2,
      times: 1,
      action: { status: 429, headers: { 'Retry-After': '1' } }
    })
    // Four requests of 100: the third is answered 429.
    const list = urls(400)
    const result = await run({ files: list.join('\n') })
    expectSucceeded(result)
    expect(new Set(emulator.purgedItems(zones.free.id))).toEqual(new Set(list))
    expect(emulator.count429()).toBe(1)
    const limited = emulator.requests.find((r) => r.status === 429)!
    const retried = emulator.requests.find(
      (r) => r.status === 200 && JSON.stringify(r.body) === JSON.stringify(limited.body)
    )!
    expect(retried.startedAt - limited.endedAt).toBeGreaterThanOrEqual(990)
    expect(result.stdout).toMatch(/Retrying POST \/zones\/\w+\/purge_cache in 1\.\d s .*971 Please wait/)
    expect(result.outputs.purged_count).toBe('400')
  })

  it('retries a 502 HTML page and a connection reset', async () => {
    emulator.addFault({
      method: 'POST',
      path: PURGE_PATH,
      times: 1,
      action: {
        status: 502,
        body: '<!DOCTYPE html><html><head><title>example.com | 502: Bad gateway</title></head><body>Cloudflare</body></html>'
      }
    })
    emulator.addFault({ method: 'POST', path: PURGE_PATH, skip: 1, times: 1, action: { reset: true } })
    // Two requests of 100: the first answer is a 502 page, the next attempt's connection is reset.
    const list = urls(200)
    const result = await run({ files: list.join('\n') })
    expectSucceeded(result)
    expect(new Set(emulator.purgedItems(zones.free.id))).toEqual(new Set(list))
    expect(emulator.requests.filter((r) => r.path === PURGE_PATH).map((r) => r.status)).toEqual(
      expect.arrayContaining([502, 0, 200, 200])
    )
    expect(result.stdout).toMatch(/Retrying .* HTML page "example\.com \| 502: Bad gateway"/)
    expect(result.stdout).toMatch(/Retrying .*(connection|socket)/)
    expect(result.outputs.purged_count).toBe('200')
  })
})

describe('partial failure', () => {
  it('reports a batch that keeps failing with its items, purges the others, and exits 1', async () => {
    emulator.addFault({
      method: 'POST',
      path: PURGE_PATH,
      bodyContains: '"https://example.com/static/100.js"',
      action: { status: 503 }
    })
    const list = urls(300)
    const result = await run({ files: list.join('\n'), timeout: '3' })
    expect(result.exitCode).toBe(1)
    expectNoSecrets(result)

    const failedBatch = (emulator.requests.find((r) => r.status === 503)!.body as { files: string[] }).files
    expect(failedBatch).toContain('https://example.com/static/100.js')
    expect(emulator.requests.filter((r) => r.status === 503).length).toBeGreaterThan(1) // retried
    const purged = emulator.purgedItems(zones.free.id) as string[]
    expect(purged).toHaveLength(300 - failedBatch.length)
    expect(new Set([...purged, ...failedBatch])).toEqual(new Set(list))

    const failed = failedEntries(result)
    expect(failed.map((f) => f.item)).toEqual(failedBatch)
    expect(
      failed.every((f) => f.zone === zones.free.id && f.type === 'files' && /503/.test(f.reason ?? ''))
    ).toBe(true)
    expect(result.outputs.failed_count).toBe(String(failedBatch.length))
    expect(result.outputs.purged_count).toBe(String(300 - failedBatch.length))
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0]?.message).toMatch(
      new RegExp(
        `^${failedBatch.length} items on ${zones.free.id} not purged \\(listed in the failed_items output\\)\\. ` +
          'Cloudflare refused the purge: 503 .*, still after \\d+ attempts'
      )
    )
    expect(result.summary).toContain(
      `${300 - failedBatch.length} of 300 items were purged; ${failedBatch.length} were not.`
    )
  })

  it('splits a batch Cloudflare rejects as too large, retries it, and says so once', async () => {
    await withEmulator({ filesPerRequest: { free: 10 } }, async (strict) => {
      const list = urls(300)
      const result = await runAction({
        api_url: strict.url,
        zone: zones.free.id,
        api_token: tokens.user.value,
        files: list.join('\n'),
        batch_size: '30'
      })
      expectSucceeded(result)
      const rejected = strict.requests.filter((r) => r.status === 400)
      expect(rejected.length).toBeGreaterThan(0)
      expect(rejected.every((r) => (r.body as { files: string[] }).files.length === 30)).toBe(true)
      const batches = acceptedBatches(strict)
      expect(batches.every((b) => b.length <= 10)).toBe(true)
      expect(batches).toHaveLength(30)
      const purged = strict.purgedItems(zones.free.id)
      expect(purged).toHaveLength(300)
      expect(new Set(purged)).toEqual(new Set(list))
      expect(result.warnings.map((w) => w.title)).toEqual(['Batch too large; split'])
      expect(result.warnings[0]?.message).toMatch(/rejected 30 files .* split to 10 .* nothing was lost/)
      expect(result.outputs.purged_count).toBe('300')
    })
  })

  it('paces tags to the Free plan (25 at once, then 5 a minute) and reports what the timeout left unsent', async () => {
    const tags = Array.from({ length: 3000 }, (_, i) => `release-${i}`)
    const result = await run({ tags: tags.join('\n'), timeout: '3' })
    expect(result.exitCode).toBe(1)
    expectNoSecrets(result)
    expect(emulator.count429()).toBe(0)
    const sent = emulator.purgeRequests().length
    expect(sent).toBe(25)
    const failed = failedEntries(result)
    expect(failed).toHaveLength(3000 - sent * 100)
    expect(
      new Set([...(emulator.purgedItems(zones.free.id) as string[]), ...failed.map((f) => f.item)])
    ).toEqual(new Set(tags))
    expect(result.errors.map((e) => e.title)).toEqual(['Time ran out'])
    expect(result.errors[0]?.message).toMatch(new RegExp(`^500 items on ${zones.free.id} not purged`))
    expect(result.errors[0]?.message).toMatch(/5 requests per minute/)
  })
})
