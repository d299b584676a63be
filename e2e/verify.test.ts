// End to end: `verify` and `warm`. The bundled action purges through the emulator, then requests the
// purged URLs at the edge stand-in (emulator/edge.ts), reached as the runner's proxy: https through
// CONNECT with TLS on a throwaway CA given as NODE_EXTRA_CA_CERTS. The API (on loopback) is never proxied.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { startEdge, type RunningEdge } from '../emulator/index.js'
import { fixture } from '../emulator/fixtures.js'
import { useEmulator } from './emulator-setup.js'
import { expectNoSecrets, expectSucceeded } from './expectations.js'
import { runAction, type ActionRun } from './run-action.js'
import { runCli } from './run-cli.js'

const { zones, tokens } = fixture
const emulator = useEmulator()
let edge: RunningEdge

beforeAll(async () => {
  // A few milliseconds per answer, so that concurrent edge requests overlap and can be counted.
  edge = await startEdge(emulator, { latencyMs: 3 })
})
afterAll(async () => {
  await edge.close()
})
beforeEach(() => edge.reset())

const HOUR = 3600
/** The `verified` output with every count at 0: a test sets the ones it expects. */
const NO_COUNTS = { checked: 0, fresh: 0, stale: 0, not_cached: 0, not_proxied: 0, unchecked: 0 }
const url = (path: string): string => `https://example.com/${path}`

function run(inputs: Record<string, string>): Promise<ActionRun> {
  return runAction(
    { api_url: emulator.url, zone: zones.free.id, api_token: tokens.user.value, ...inputs },
    { env: { HTTPS_PROXY: edge.proxyUrl, HTTP_PROXY: edge.proxyUrl, NODE_EXTRA_CA_CERTS: edge.caFile } }
  )
}

const verified = (result: ActionRun): Record<string, number> =>
  JSON.parse(result.outputs.verified ?? '') as Record<string, number>
const requested = (): string[] => edge.requests.map((r) => r.url)

describe('verify', () => {
  it('finds the purged URLs fresh: the old copies are gone, each URL requested once', async () => {
    const files = [url('a.css'), url('b.js'), 'http://example.com/plain']
    for (const f of files) edge.prime(f, { age: HOUR })
    const result = await run({ files: files.join('\n'), verify: 'true' })
    expectSucceeded(result)
    expect(requested().sort()).toEqual([...files].sort())
    expect(edge.requests.map((r) => r.cacheStatus)).toEqual(['MISS', 'MISS', 'MISS'])
    // https through a tunnel, plain http as an absolute-form request, as a forward proxy gets them.
    expect(edge.requests.find((r) => r.url.startsWith('http:'))?.via).toBe('absolute')
    expect(edge.requests.filter((r) => r.via === 'tunnel')).toHaveLength(2)
    for (const r of edge.requests) {
      expect(r.method).toBe('GET')
      expect(r.headers['user-agent']).toMatch(/^cloudflare-purge-action\//)
      expect(r.headers.authorization).toBeUndefined()
    }
    expect(verified(result)).toEqual({ ...NO_COUNTS, checked: 3, fresh: 3 })
    expect(result.summary).toContain('At the edge')
    expect(result.summary).toContain('Checked 3 URLs at the edge.')
    expect(result.stdout).toContain('Checked 3 URLs at the edge. 3 fresh.')
    // Not API calls: the API saw the credential check, the zone and the purge, nothing more.
    // (The credential check and the zone lookup go at the same time, in either order.)
    expect(emulator.requests.map((r) => r.path).sort()).toEqual([
      '/user/tokens/verify',
      `/zones/${zones.free.id}`,
      `/zones/${zones.free.id}/purge_cache`
    ])
  })

  it('fails on a copy the purge did not reach, naming the URL and its Age', async () => {
    edge.prime(url('a.css'), { age: HOUR })
    edge.prime(url('b.css'), { age: HOUR })
    edge.purgeMisses(url('b.css'))
    const result = await run({ files: `${url('a.css')}\n${url('b.css')}`, verify: 'true' })
    expect(result.exitCode).toBe(1)
    expect(result.outputs.purged_count).toBe('2')
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0]?.title).toBe('Still cached after the purge')
    expect(result.errors[0]?.message).toMatch(/https:\/\/example\.com\/b\.css \(HIT, Age 360\d s\)/)
    // Asked twice, a second apart, before it counts as stale; the fresh one once.
    expect(requested().filter((u) => u === url('b.css'))).toHaveLength(2)
    expect(requested().filter((u) => u === url('a.css'))).toHaveLength(1)
    expect(verified(result)).toMatchObject({ checked: 2, fresh: 1, stale: 1 })
    expect(result.summary).toContain('Still served from a copy older than the purge')
    expect(result.summary).toContain('https://example.com/b.css (HIT, Age 360')
  })

  it('warns about a URL that is not served through Cloudflare, and notes a dynamic one', async () => {
    edge.notProxied('static.example.com')
    edge.dynamic(url('api/me'))
    const files = ['https://static.example.com/logo.png', url('api/me'), url('index.html')]
    const result = await run({ files: files.join('\n'), verify: 'true' })
    expect(result.exitCode).toBe(0)
    expect(result.warnings.map((w) => w.title)).toEqual(['Not served through Cloudflare'])
    expect(result.warnings[0]?.message).toContain('https://static.example.com/logo.png')
    expect(result.notices.map((n) => n.title)).toEqual(['Not cached by Cloudflare'])
    expect(result.notices[0]?.message).toContain('https://example.com/api/me (DYNAMIC)')
    expect(verified(result)).toMatchObject({ fresh: 1, not_cached: 1, not_proxied: 1 })
    expect(result.summary).toContain('Not served through Cloudflare (no CF-Cache-Status)')
  })

  it('warms: each URL that was not a cached copy is requested once more and is cached afterwards', async () => {
    edge.prime(url('a.css'), { age: HOUR })
    const result = await run({ files: `${url('a.css')}\n${url('b.css')}`, verify: 'true', warm: 'true' })
    expectSucceeded(result)
    expect(requested().sort()).toEqual([url('a.css'), url('a.css'), url('b.css'), url('b.css')])
    expect(edge.requests.map((r) => r.cacheStatus).sort()).toEqual(['HIT', 'HIT', 'MISS', 'MISS'])
    expect(edge.copy(url('a.css'))?.age).toBeLessThan(5)
    expect(edge.copy(url('b.css'))).toBeDefined()
    expect(verified(result)).toMatchObject({ checked: 2, fresh: 2, warmed: 2 })
    expect(result.summary).toContain('Warmed 2 URLs')
  })

  it("sends a JSON item's cache-key headers, and checks the variant it purged", async () => {
    const mobile = { 'CF-Device-Type': 'mobile', 'Accept-Language': 'de' }
    edge.prime(url('page'), { age: HOUR, headers: mobile })
    edge.prime(url('page'), { age: HOUR }) // the desktop copy: not purged, not checked
    const files = JSON.stringify([{ url: url('page'), headers: mobile }])
    const result = await run({ files, verify: 'true' })
    expectSucceeded(result)
    expect(edge.requests).toHaveLength(1)
    expect(edge.requests[0]?.headers['cf-device-type']).toBe('mobile')
    expect(edge.requests[0]?.headers['accept-language']).toBe('de')
    expect(edge.requests[0]?.cacheStatus).toBe('MISS')
    expect(edge.copy(url('page'))?.age).toBeGreaterThanOrEqual(HOUR)
  })

  it('reads only the headers of an answer with a big body', async () => {
    const size = 64 * 1024 * 1024
    edge.bigBody(url('video.mp4'), size)
    const result = await run({ files: url('video.mp4'), verify: 'true' })
    expectSucceeded(result)
    expect(verified(result)).toMatchObject({ checked: 1, fresh: 1 })
    // The client closed the answer early: the edge wrote a small part of the 64 MiB it had to send.
    expect(edge.requests[0]?.bodyBytes).toBeLessThan(size / 4)
  })

  it('checks verify_urls after a hosts purge', async () => {
    edge.prime(url('x'), { age: HOUR })
    edge.prime('https://www.example.com/y', { age: HOUR })
    const result = await run({
      hosts: 'example.com',
      verify: 'true',
      verify_urls: `${url('x')}\nhttps://www.example.com/y`
    })
    expect(result.exitCode).toBe(1)
    expect(emulator.purgedItems(zones.free.id)).toEqual(['example.com'])
    // The hosts purge covered example.com only: www's old copy is still there, and named.
    expect(verified(result)).toMatchObject({ checked: 2, fresh: 1, stale: 1 })
    expect(result.errors[0]?.message).toContain('https://www.example.com/y (HIT')
  })

  it('checks 2,000 URLs with at most 8 edge requests at once, each URL once', async () => {
    const files = Array.from({ length: 2000 }, (_, i) => url(`static/${i}.js`))
    const result = await runAction(
      {
        api_url: emulator.url,
        zone: zones.enterprise.id,
        api_token: tokens.user.value,
        files: files.map((f) => f.replace('example.com', 'enterprise.example')).join('\n'),
        verify: 'true',
        verify_limit: '2000'
      },
      { env: { HTTPS_PROXY: edge.proxyUrl, NODE_EXTRA_CA_CERTS: edge.caFile } }
    )
    expectSucceeded(result)
    expect(edge.requests).toHaveLength(2000)
    expect(new Set(requested()).size).toBe(2000)
    expect(edge.maxInFlight).toBe(8)
    expect(verified(result)).toMatchObject({ checked: 2000, fresh: 2000 })
  })

  it('checks a random sample of verify_limit URLs, and says so', async () => {
    const files = Array.from({ length: 300 }, (_, i) => url(`s/${i}`))
    const result = await run({ files: files.join('\n'), verify: 'true' })
    expectSucceeded(result)
    expect(edge.requests).toHaveLength(100)
    expect(new Set(requested()).size).toBe(100)
    expect(requested().every((u) => files.includes(u))).toBe(true)
    expect(result.summary).toContain('Checked 100 of the 300 URLs at the edge, a random sample')
  })

  it('sends no edge request at all without verify', async () => {
    edge.prime(url('a.css'), { age: HOUR })
    const result = await run({ files: url('a.css') })
    expectSucceeded(result)
    expect(edge.requests).toEqual([])
    expect(edge.connections).toBe(0)
    expect(result.outputs.verified).toBe('{}')
    expect(result.summary).not.toContain('At the edge')
    expectNoSecrets(result)
  })

  it('reads a copy revalidated after an invalidation as fresh', async () => {
    edge.prime(url('a.css'), { age: HOUR })
    const result = await run({ files: url('a.css'), mode: 'invalidate', verify: 'true' })
    expectSucceeded(result)
    expect(emulator.invalidatedItems(zones.free.id)).toEqual([url('a.css')])
    expect(edge.requests.map((r) => r.cacheStatus)).toEqual(['REVALIDATED'])
    expect(verified(result)).toMatchObject({ checked: 1, fresh: 1 })
  })
})

describe('verify from the command line', () => {
  const env = (): Record<string, string> => ({
    CLOUDFLARE_API_TOKEN: tokens.user.value,
    HTTPS_PROXY: edge.proxyUrl,
    NODE_EXTRA_CA_CERTS: edge.caFile
  })
  const args = (...more: string[]): string[] => ['--api-url', emulator.url, '--zone', 'example.com', ...more]

  it('gives the counts by verdict in --json, and fails on a stale copy', async () => {
    edge.prime(url('old'), { age: HOUR })
    edge.purgeMisses(url('old'))
    const result = await runCli(args('--files', url('new'), url('old'), '--verify', '--warm', '--json'), {
      env: env()
    })
    expect(result.exitCode).not.toBe(0)
    expect(result.json?.verified).toEqual({ ...NO_COUNTS, checked: 2, fresh: 1, stale: 1, warmed: 1 })
    expect(result.stderr).toContain('Still cached after the purge')
    expect(result.stderr).toContain('https://example.com/old (HIT, Age 360')
  })

  it('checks --verify-urls after a purge by prefix, a sample of --verify-limit', async () => {
    const urls = [url('blog/1'), url('blog/2'), url('blog/3')]
    const result = await runCli(
      args(
        '--prefixes',
        'example.com/blog/',
        '--verify',
        ...urls.flatMap((u) => ['--verify-urls', u]),
        '--verify-limit',
        '2',
        '--json'
      ),
      { env: env() }
    )
    expect(result.exitCode).toBe(0)
    expect(edge.requests).toHaveLength(2)
    expect(result.json?.verified).toMatchObject({ checked: 2, fresh: 2 })
  })
})
