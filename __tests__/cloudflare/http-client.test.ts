// The HTTP client's retries, against the local emulator and its fault rules.
import { afterAll, beforeEach, describe, expect, it } from '@jest/globals'
import { useEmulator, withEmulator } from '../../e2e/emulator-setup.js'
import { fixture } from '../../emulator/fixtures.js'
import { FIRST_WAVE, OverBudgetError } from '../../src/cloudflare/budget.js'
import { ANSWER_TOO_LARGE, CancelledError, CloudflareError } from '../../src/cloudflare/errors.js'
import {
  CloudflareHttpClient,
  isRetryable,
  parseRetryAfter,
  type HttpClientOptions,
  type RetryInfo
} from '../../src/cloudflare/http-client.js'

const VERIFY = '/user/tokens/verify'
const PURGE = `/zones/${fixture.zones.free.id}/purge_cache`

const clients: CloudflareHttpClient[] = []
// Declared first so that it runs first: the clients close before the emulator does.
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()))
})
const emulator = useEmulator({ rateLimits: false })
beforeEach(() => emulator.clearFaults())

function client(extra: Partial<HttpClientOptions> = {}): {
  http: CloudflareHttpClient
  retries: RetryInfo[]
} {
  const retries: RetryInfo[] = []
  const http = new CloudflareHttpClient({
    apiUrl: emulator.url,
    credential: { kind: 'token', token: fixture.tokens.user.value },
    deadline: Date.now() + 30_000,
    // The shortest backoff: half of 500 ms, 1 s, 2 s, …
    random: () => 0,
    onRetry: (r) => retries.push(r),
    ...extra
  })
  clients.push(http)
  return { http, retries }
}

const requestsTo = (path: string): typeof emulator.requests =>
  emulator.requests.filter((r) => r.path === path)

/** Calls the verify endpoint (whose first answer is a 429 asking for a second) and checks it waited it. */
async function expectWaitedOneSecond(): Promise<void> {
  const { http, retries } = client()
  await http.call('GET', VERIFY)
  expect(retries[0]?.delayMs).toBeGreaterThanOrEqual(1000)
  const [first, second] = requestsTo(VERIFY)
  expect((second?.startedAt ?? 0) - (first?.endedAt ?? 0)).toBeGreaterThanOrEqual(990)
}

/**
 * "At once", against waits of 30 s and more: above what a busy machine can add (100 ms is not), far
 * below the wait it proves was cut short.
 */
const AT_ONCE_MS = 3000

describe('retries', () => {
  it('honours Retry-After-Ms after a 429, then succeeds', async () => {
    emulator.addFault({
      path: VERIFY,
      times: 1,
      action: { status: 429, headers: { 'Retry-After-Ms': '300' } }
    })
    const { http, retries } = client()
    const envelope = await http.call<{ status: string }>('GET', VERIFY)
    expect(envelope.result.status).toBe('active')
    const [first, second] = requestsTo(VERIFY)
    expect(first?.status).toBe(429)
    expect(second?.status).toBe(200)
    expect((second?.startedAt ?? 0) - (first?.endedAt ?? 0)).toBeGreaterThanOrEqual(290)
    expect(retries).toEqual([expect.objectContaining({ attempt: 1, endpoint: `GET ${VERIFY}` })])
    expect(retries[0]?.delayMs).toBeGreaterThanOrEqual(300)
    expect(http.rateLimitedCount).toBe(1)
    expect(http.requestCount).toBe(2)
  })

  it('honours Retry-After in seconds', async () => {
    emulator.addFault({ path: VERIFY, times: 1, action: { status: 429, headers: { 'Retry-After': '1' } } })
    await expectWaitedOneSecond()
  })

  it('makes every other request wait out a 429 too', async () => {
    emulator.addFault({
      path: VERIFY,
      times: 1,
      action: { status: 429, headers: { 'Retry-After-Ms': '400' } }
    })
    const { http } = client()
    const first = http.call('GET', VERIFY)
    // Another call starts while the pause is in force.
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(http.isPaused()).toBe(true)
    await Promise.all([first, http.call('GET', `/zones/${fixture.zones.free.id}`)])
    const limited = requestsTo(VERIFY)[0]
    const zone = requestsTo(`/zones/${fixture.zones.free.id}`)[0]
    expect((zone?.startedAt ?? 0) - (limited?.endedAt ?? 0)).toBeGreaterThanOrEqual(390)
    expect(http.isPaused()).toBe(false)
  })

  it('retries a 502 HTML error page', async () => {
    emulator.addFault({
      method: 'POST',
      path: PURGE,
      times: 1,
      action: {
        status: 502,
        body: '<html><head><title>502 Bad Gateway</title></head><body>cloudflare</body></html>'
      }
    })
    const { http, retries } = client()
    const envelope = await http.call<{ id: string }>('POST', PURGE, {
      body: { files: ['https://example.com/a'] }
    })
    expect(envelope.result.id).toMatch(/^[0-9a-f]{32}$/)
    expect(retries[0]?.reason).toMatch(/HTTP 502 with an HTML page "502 Bad Gateway"/)
    expect(emulator.purgedItems()).toEqual(['https://example.com/a'])
  })

  it('retries a connection reset', async () => {
    emulator.addFault({ method: 'POST', path: PURGE, times: 1, action: { reset: true } })
    const { http, retries } = client()
    await http.call('POST', PURGE, { body: { tags: ['a'] } })
    expect(retries[0]?.reason).toMatch(/connection|socket|closed|reset/i)
    expect(requestsTo(PURGE).map((r) => r.status)).toEqual([0, 200])
  })

  it('retries an answer cut short (a 200 that is not JSON)', async () => {
    emulator.addFault({ path: VERIFY, times: 1, action: { status: 200, body: '{"success": tr' } })
    const { http, retries } = client()
    await http.call('GET', VERIFY)
    expect(retries[0]?.reason).toMatch(/not JSON/)
  })

  it('gives up on an attempt that gets no answer in time, and retries it', async () => {
    emulator.addFault({ path: VERIFY, times: 1, action: { hang: true } })
    const { http, retries } = client({ attemptTimeoutMs: 300 })
    await http.call('GET', VERIFY)
    expect(retries[0]?.reason).toMatch(/no answer within 0\.3 s/)
    expect(requestsTo(VERIFY)).toHaveLength(2)
  })

  it('never retries a 4xx other than 429', async () => {
    const { http, retries } = client()
    const error = await http
      .call('POST', PURGE, { body: { files: ['https://example.com/a'], tags: ['x'] } })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(CloudflareError)
    expect((error as CloudflareError).status).toBe(400)
    expect(retries).toEqual([])
    expect(requestsTo(PURGE)).toHaveLength(1)
  })

  it('stops after maxAttempts and reports how many were made', async () => {
    emulator.addFault({ path: VERIFY, action: { status: 503 } })
    const { http, retries } = client({ maxAttempts: 3 })
    const error = (await http.call('GET', VERIFY).catch((e: unknown) => e)) as CloudflareError
    expect(error.status).toBe(503)
    expect(error.attempts).toBe(3)
    expect(requestsTo(VERIFY)).toHaveLength(3)
    // Exponential: the floor of the jittered backoff doubles (250 ms, then 500 ms).
    expect(retries.map((r) => r.delayMs)).toEqual([250, 500])
  })

  it('spreads retries with jitter between half and all of the backoff', async () => {
    emulator.addFault({ path: VERIFY, times: 2, action: { status: 500 } })
    const { http, retries } = client({ random: () => 0.999 })
    await http.call('GET', VERIFY)
    expect(retries.map((r) => r.delayMs)).toEqual([500, 1000])
  })

  it('does not start a retry that would end after the deadline', async () => {
    emulator.addFault({ path: VERIFY, action: { status: 503 } })
    const started = Date.now()
    const { http } = client({ deadline: started + 1500 })
    const error = (await http.call('GET', VERIFY).catch((e: unknown) => e)) as CloudflareError
    expect(error.status).toBe(503)
    expect(Date.now() - started).toBeLessThan(1500)
    // Attempts at about 0, 250 and 750 ms; the next would start after 1,750 ms, past the deadline.
    expect(requestsTo(VERIFY)).toHaveLength(3)
  })

  it('does not retry a 429 whose Retry-After lies past the deadline', async () => {
    emulator.addFault({ path: VERIFY, action: { status: 429, headers: { 'Retry-After': '60' } } })
    const { http } = client({ deadline: Date.now() + 5000 })
    const error = (await http.call('GET', VERIFY).catch((e: unknown) => e)) as CloudflareError
    expect(error.status).toBe(429)
    expect(error.retryAfterMs).toBe(60_000)
    expect(requestsTo(VERIFY)).toHaveLength(1)
  })

  it('runs beforeRetry before each retry only, and ends with the last failure when it refuses', async () => {
    emulator.addFault({ path: VERIFY, action: { status: 502, body: '<html>bad gateway</html>' } })
    const { http } = client()
    let hooks = 0
    const error = (await http
      .call('GET', VERIFY, {
        beforeRetry: async () => {
          hooks++
          if (hooks === 2) throw new Error('no time left')
        }
      })
      .catch((e: unknown) => e)) as CloudflareError
    expect(hooks).toBe(2)
    expect(requestsTo(VERIFY)).toHaveLength(2)
    expect(error).toBeInstanceOf(CloudflareError)
    expect(error.status).toBe(502)
    expect(error.attempts).toBe(2)
  })
})

describe('isRetryable', () => {
  const error = (init: Partial<ConstructorParameters<typeof CloudflareError>[0]>): CloudflareError =>
    new CloudflareError({ kind: 'api', endpoint: 'GET /x', message: 'm', ...init })

  it.each([
    ['429', true, error({ status: 429 })],
    ['500', true, error({ status: 500 })],
    ['503 HTML', true, error({ kind: 'invalid-response', status: 503 })],
    ['network', true, error({ kind: 'network' })],
    ['timeout', true, error({ kind: 'timeout' })],
    ['200 not JSON', true, error({ kind: 'invalid-response', status: 200 })],
    ['400', false, error({ status: 400 })],
    ['401', false, error({ status: 401 })],
    ['403', false, error({ status: 403 })],
    ['404', false, error({ status: 404 })],
    ['413 HTML', false, error({ kind: 'invalid-response', status: 413 })],
    ['redirect', false, error({ kind: 'invalid-response', status: 301 })]
    // The error goes last, out of the title: printed there, it would bring its stack.
  ])('%s → retryable: %s', (_name, expected, e) => {
    expect(isRetryable(e)).toBe(expected)
  })
})

describe('readings of an answer', () => {
  it('does not let an empty Retry-After-Ms override Retry-After', async () => {
    emulator.addFault({
      path: VERIFY,
      times: 1,
      action: { status: 429, headers: { 'Retry-After-Ms': '', 'Retry-After': '1' } }
    })
    await expectWaitedOneSecond()
  })

  it('takes success: true as a success, and passes its errors on as a warning, once per text', async () => {
    const body = {
      success: true,
      errors: [{ code: 1234, message: 'Something to know', error_chain: [{ code: 5678, message: 'Why' }] }],
      messages: [],
      result: { id: 'a'.repeat(32) }
    }
    emulator.addFault({ method: 'POST', path: PURGE, action: { status: 200, body } })
    const warnings: Array<{ endpoint: string; detail: string }> = []
    const { http } = client({ onWarning: (w) => warnings.push(w) })
    const one = await http.call<{ id: string }>('POST', PURGE, { body: { tags: ['a'] } })
    await http.call('POST', PURGE, { body: { tags: ['b'] } })
    expect(one.result.id).toBe('a'.repeat(32))
    expect(warnings).toEqual([{ endpoint: `POST ${PURGE}`, detail: '1234 Something to know; 5678 Why' }])
  })

  it('names an answer over 1 MiB as such, and does not retry it', async () => {
    const body = {
      success: true,
      errors: [],
      messages: [],
      result: { id: 'a', padding: 'x'.repeat(1_100_000) }
    }
    emulator.addFault({ path: VERIFY, action: { status: 200, body } })
    const { http, retries } = client()
    const error = (await http.call('GET', VERIFY).catch((e: unknown) => e)) as CloudflareError
    expect(error.code).toBe(ANSWER_TOO_LARGE)
    expect(error.status).toBe(200)
    expect(error.message).toMatch(/larger than 1 MiB/)
    expect(retries).toEqual([])
    expect(isRetryable(error)).toBe(false)
  })

  it('says how much time was left when Cloudflare asks to wait longer, and holds every other call back', async () => {
    emulator.addFault({ path: VERIFY, action: { status: 429, headers: { 'Retry-After': '3600' } } })
    const { http } = client({ deadline: Date.now() + 120_000 })
    const error = (await http.call('GET', VERIFY).catch((e: unknown) => e)) as CloudflareError
    expect(error.retryAfterMs).toBe(3_600_000)
    expect(error.timeLeftMs).toBeGreaterThan(110_000)
    expect(error.timeLeftMs).toBeLessThanOrEqual(120_000)
    // Another call would only meet the same wall: it ends at once, with the 429 that set the pause.
    const started = Date.now()
    const other = await http.call('GET', `/zones/${fixture.zones.free.id}`).catch((e: unknown) => e)
    expect(other).toBe(error)
    expect(Date.now() - started).toBeLessThan(AT_ONCE_MS)
    expect(requestsTo(`/zones/${fixture.zones.free.id}`)).toEqual([])
  })
})

describe('cancellation', () => {
  it('ends a call waiting to retry as soon as its signal aborts', async () => {
    emulator.addFault({ path: VERIFY, action: { status: 429, headers: { 'Retry-After': '40' } } })
    const { http } = client({ deadline: Date.now() + 60_000 })
    const stop = new AbortController()
    const call = http.call('GET', VERIFY, { signal: stop.signal }).catch((e: unknown) => e)
    await new Promise((resolve) => setTimeout(resolve, 200))
    const started = Date.now()
    stop.abort()
    expect(await call).toBeInstanceOf(CancelledError)
    expect(Date.now() - started).toBeLessThan(AT_ONCE_MS)
    expect(requestsTo(VERIFY)).toHaveLength(1)
  })

  it('ends a request waiting for its answer as soon as its signal aborts', async () => {
    emulator.addFault({ path: VERIFY, action: { hang: true } })
    const { http } = client()
    const stop = new AbortController()
    const call = http.call('GET', VERIFY, { signal: stop.signal }).catch((e: unknown) => e)
    await new Promise((resolve) => setTimeout(resolve, 200))
    const started = Date.now()
    stop.abort()
    expect(await call).toBeInstanceOf(CancelledError)
    expect(Date.now() - started).toBeLessThan(AT_ONCE_MS)
  })

  it('ends every call when the client closes', async () => {
    emulator.addFault({ path: VERIFY, action: { status: 429, headers: { 'Retry-After': '40' } } })
    const { http } = client({ deadline: Date.now() + 60_000 })
    const call = http.call('GET', VERIFY).catch((e: unknown) => e)
    await new Promise((resolve) => setTimeout(resolve, 200))
    const started = Date.now()
    await http.close()
    expect(await call).toBeInstanceOf(CancelledError)
    expect(Date.now() - started).toBeLessThan(AT_ONCE_MS)
  })
})

describe('parseRetryAfter', () => {
  const NOW = Date.parse('2026-06-01T12:00:00Z')
  it.each([
    [{ 'retry-after-ms': '300' }, 300],
    [{ 'retry-after-ms': '300', 'retry-after': '4' }, 300],
    [{ 'retry-after-ms': '', 'retry-after': '4' }, 4000],
    [{ 'retry-after-ms': ' ', 'retry-after': '4' }, 4000],
    [{ 'retry-after-ms': 'soon', 'retry-after': '4' }, 4000],
    [{ 'retry-after-ms': '-5', 'retry-after': '4' }, 4000],
    [{ 'retry-after': '' }, undefined],
    [{ 'retry-after': 'Mon, 01 Jun 2026 12:01:00 GMT' }, 60_000],
    [{}, undefined]
  ])('%j → %s', (headers, ms) => {
    expect(parseRetryAfter(headers, NOW)).toBe(ms)
  })
})

describe("the credential's API budget", () => {
  it('reads the Ratelimit headers of every answer, a refusal included, and counts each request', async () => {
    const headers = { ratelimit: '"default";r=80;t=120', 'ratelimit-policy': '"default";q=1200;w=300' }
    emulator.addFault({
      path: PURGE,
      times: 1,
      action: { status: 400, headers, body: { success: false, errors: [{ code: 1016, message: 'x' }] } }
    })
    const { http } = client()
    expect(http.budget.readsHeaders).toBe(false)
    await expect(http.call('POST', PURGE, { body: { files: ['https://example.com/'] } })).rejects.toThrow()
    expect(http.budget.readsHeaders).toBe(true)
    // 80 left, 60 kept for other tools.
    expect(http.budget.available()).toBe(20)
    expect(http.budget.state()).toMatchObject({ quota: 1200, windowSeconds: 300, kept: 60 })
  })

  it('counts its own requests when the answers carry no headers', async () => {
    const { http } = client()
    await http.call('GET', VERIFY)
    await http.call('GET', VERIFY)
    expect(http.budget.readsHeaders).toBe(false)
    expect(http.budget.available()).toBe(1140 - 2)
  })
})

describe('every call waits for the API budget, not only purges', () => {
  // A window of 100 requests keeps 5 for the account's other tools.
  const smallWindow = (windowSeconds: number): Parameters<typeof withEmulator>[0] => ({
    globalRateLimit: { requests: 100, windowSeconds }
  })
  const on = (url: string, extra: Partial<HttpClientOptions> = {}): CloudflareHttpClient =>
    client({ apiUrl: url, ...extra }).http

  it('sends a first wave before any answer: the calls after it wait for an answer to say what is left', async () => {
    // 300 ms per answer: the wave's calls all start well before the first answer, even on a busy machine.
    await withEmulator({ latencyMs: 300 }, async (cf) => {
      const http = on(cf.url)
      await Promise.all(Array.from({ length: FIRST_WAVE + 2 }, () => http.call('GET', VERIFY)))
      const sorted = [...cf.requests].sort((a, b) => a.startedAt - b.startedAt)
      const firstEnd = Math.min(...cf.requests.map((r) => r.endedAt))
      expect(sorted).toHaveLength(FIRST_WAVE + 2)
      for (const early of sorted.slice(0, FIRST_WAVE)) expect(early.startedAt).toBeLessThan(firstEnd)
      for (const later of sorted.slice(FIRST_WAVE)) expect(later.startedAt).toBeGreaterThanOrEqual(firstEnd)
    })
  })

  it('holds a call back when the window frees up only after the deadline, and says when it does', async () => {
    await withEmulator(smallWindow(300), async (cf) => {
      cf.spendGlobal(fixture.tokens.user.value, 94)
      const http = on(cf.url, { deadline: Date.now() + 10_000 })
      // The first call goes: nothing is known before its answer (6 left, then 5: the part kept).
      await http.call('GET', VERIFY)
      const held = http.call('GET', '/zones', { query: { name: 'example.com' } })
      await expect(held).rejects.toBeInstanceOf(OverBudgetError)
      await expect(held).rejects.toMatchObject({
        endpoint: 'GET /zones',
        budget: { quota: 100, windowSeconds: 300, kept: 5, freesInSeconds: expect.any(Number) }
      })
      expect(cf.requests).toHaveLength(1)
      expect(cf.fewestLeft()).toBe(5)
      expect(cf.count429()).toBe(0)
    })
  })

  it('waits for the window when it frees up before the deadline, then calls', async () => {
    await withEmulator(smallWindow(1), async (cf) => {
      cf.spendGlobal(fixture.tokens.user.value, 94)
      const http = on(cf.url)
      await http.call('GET', VERIFY)
      const envelope = await http.call<{ status: string }>('GET', VERIFY)
      expect(envelope.result.status).toBe('active')
      expect(cf.requests.map((r) => r.status)).toEqual([200, 200])
      // The second went only once the window had freed up: the 5 kept were never spent.
      expect(cf.fewestLeft()).toBe(5)
    })
  })

  it('a call waiting for the first answer is not held back by the budget when that answer never comes', async () => {
    emulator.addFault({ path: VERIFY, action: { hang: true } })
    const http = client({ deadline: Date.now() + 1000 }).http
    const wave = Array.from({ length: FIRST_WAVE }, () => http.call('GET', VERIFY))
    const second = http.call('GET', '/user')
    for (const first of wave) await expect(first).rejects.toMatchObject({ kind: 'timeout' })
    // It waited for the first wave's answers, not for the window: the deadline, not the budget, ended it.
    await expect(second).rejects.toMatchObject({ kind: 'timeout', code: 'DEADLINE' })
    expect(requestsTo('/user')).toHaveLength(0)
  })

  it('sends a call whose caller took its request of the budget itself (the purge runner)', async () => {
    await withEmulator(smallWindow(300), async (cf) => {
      cf.spendGlobal(fixture.tokens.user.value, 94)
      const http = on(cf.url)
      await http.call('GET', VERIFY)
      await http.call('GET', VERIFY, { budgeted: true })
      expect(cf.requests).toHaveLength(2)
    })
  })
})
