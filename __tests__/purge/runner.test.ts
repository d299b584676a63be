import { describe, expect, it } from '@jest/globals'
import type { PurgeBody, PurgeOptions } from '../../src/cloudflare/api.js'
import { ApiBudget } from '../../src/cloudflare/budget.js'
import { CancelledError, CloudflareError } from '../../src/cloudflare/errors.js'
import { NotSentError } from '../../src/diagnosis/failure.js'
import { chunk, type Batch } from '../../src/purge/planner.js'
import {
  executeBatches,
  nextLimit,
  type Pacer,
  type PurgeApi,
  type RunnerOptions
} from '../../src/purge/runner.js'

const ZONE = 'f00d0000000000000000000000000001'

const fileBatches = (count: number, size: number): Batch[] =>
  chunk(
    Array.from({ length: count }, (_, i) => ({ url: `https://example.com/${i}` })),
    size
  ).map((items) => ({ zoneId: ZONE, type: 'files' as const, items }))

const urlsOf = (body: PurgeBody): string[] =>
  (body.files ?? []).map((f) => (typeof f === 'string' ? f : f.url))

const noPacing: Pacer = { reserve: () => 0 }

const options = (extra: Partial<RunnerOptions> = {}): RunnerOptions => ({
  concurrency: 4,
  pacerFor: () => noPacing,
  deadline: Date.now() + 60_000,
  ...extra
})

const tick = (ms = 1): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** Records every call; `answer` decides each one (resolve with an ID or throw). */
class FakeApi implements PurgeApi {
  readonly calls: Array<{ zoneId: string; body: PurgeBody; options?: PurgeOptions }> = []
  inFlight = 0
  maxInFlight = 0

  constructor(private readonly answer: (body: PurgeBody, call: number) => Promise<string> | string) {}

  async purge(zoneId: string, body: PurgeBody, options?: PurgeOptions): Promise<string> {
    const call = this.calls.push({ zoneId, body, ...(options ? { options } : {}) })
    this.inFlight++
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight)
    try {
      await tick()
      return await this.answer(body, call)
    } finally {
      this.inFlight--
    }
  }
}

const tooMany = (limit: number): CloudflareError =>
  new CloudflareError({
    kind: 'api',
    endpoint: `POST /zones/${ZONE}/purge_cache`,
    status: 400,
    errors: [
      { code: 1094, message: `Too many files in purge request: only ${limit} are allowed per request` }
    ],
    message: 'Too many files'
  })

const refused = (status: number, code: number, message: string): CloudflareError =>
  new CloudflareError({
    kind: 'api',
    endpoint: `POST /zones/${ZONE}/purge_cache`,
    status,
    errors: [{ code, message }],
    message
  })

/** A 1094 refusal that does not say how many files a request may hold. */
const tooManyUnstated = (message: string): CloudflareError =>
  new CloudflareError({
    kind: 'api',
    endpoint: 'POST',
    status: 400,
    errors: [{ code: 1094, message }],
    message: 'Too many files'
  })

/** A 429 with the wait Cloudflare asks for. */
const tooFastFor = (retryAfterMs: number): CloudflareError =>
  new CloudflareError({
    kind: 'api',
    endpoint: `POST /zones/${ZONE}/purge_cache`,
    status: 429,
    errors: [{ code: 971, message: 'Please wait and consider throttling your request speed' }],
    retryAfterMs,
    message: 'Please wait'
  })

const serverError = (): CloudflareError =>
  new CloudflareError({
    kind: 'invalid-response',
    endpoint: `POST /zones/${ZONE}/purge_cache`,
    status: 502,
    message: 'the API answered HTTP 502 with an HTML page "502 Bad Gateway" instead of JSON'
  })

describe('executeBatches', () => {
  it('sends every batch once, in the order of the plan, and returns outcomes in that order', async () => {
    const batches = fileBatches(300, 30)
    // Later batches answer sooner, so completion order differs from the plan.
    const api = new FakeApi(async (_body, call) => {
      await tick(20 - call * 2)
      return `id-${call}`
    })
    const outcomes = await executeBatches(api, batches, options({ concurrency: 3 }))
    expect(api.calls.map((c) => urlsOf(c.body)[0])).toEqual(
      batches.map((b) => (b.items[0] as { url: string }).url)
    )
    expect(outcomes.map((o) => o.batch)).toEqual(batches)
    expect(outcomes.every((o) => o.purgeId && !o.error)).toBe(true)
    expect(new Set(outcomes.map((o) => o.purgeId)).size).toBe(10)
  })

  it('keeps at most `concurrency` requests in flight', async () => {
    const api = new FakeApi(async () => {
      await tick(5)
      return 'id'
    })
    await executeBatches(api, fileBatches(600, 30), options({ concurrency: 8 }))
    expect(api.calls).toHaveLength(20)
    expect(api.maxInFlight).toBe(8)
  })

  it('waits as long as the pacer says before each request', async () => {
    const reserved: number[] = []
    const pacer: Pacer = {
      reserve: (_type, count) => {
        reserved.push(count)
        return reserved.length > 2 ? 30 : 0
      }
    }
    const api = new FakeApi(() => 'id')
    const started = Date.now()
    await executeBatches(api, fileBatches(90, 30), options({ concurrency: 1, pacerFor: () => pacer }))
    expect(reserved).toEqual([30, 30, 30])
    expect(Date.now() - started).toBeGreaterThanOrEqual(29)
  })

  it('reports a batch that fails with its error while the others succeed', async () => {
    const batches = fileBatches(120, 30)
    const failing = (batches[2]?.items[0] as { url: string }).url
    const api = new FakeApi((body) => {
      if (urlsOf(body).includes(failing)) throw serverError()
      return 'id'
    })
    const outcomes = await executeBatches(api, batches, options())
    expect(outcomes.map((o) => Boolean(o.purgeId))).toEqual([true, true, false, true])
    expect(outcomes[2]?.error).toBeInstanceOf(CloudflareError)
    expect(outcomes[2]?.batch.items).toEqual(batches[2]?.items)
    expect(api.calls).toHaveLength(4)
  })

  it('splits a batch Cloudflare finds too large to the limit it states, warns once, and loses nothing', async () => {
    const batches = fileBatches(120, 30)
    const api = new FakeApi((body) => {
      if (urlsOf(body).length > 10) throw tooMany(10)
      return 'id'
    })
    const splits: Array<[number, number]> = []
    const outcomes = await executeBatches(
      api,
      batches,
      options({ onSplit: (batch, limit) => splits.push([batch.items.length, limit]) })
    )
    expect(splits).toEqual([[30, 10]])
    expect(outcomes.every((o) => o.purgeId && o.batch.items.length <= 10)).toBe(true)
    expect(outcomes.flatMap((o) => o.batch.items)).toEqual(batches.flatMap((b) => b.items))
    const accepted = api.calls.filter((c) => urlsOf(c.body).length <= 10).flatMap((c) => urlsOf(c.body))
    expect(accepted.sort()).toEqual(
      batches.flatMap((b) => b.items.map((i) => (i as { url: string }).url)).sort()
    )
  })

  it('halves a batch when Cloudflare does not say its limit, until it fits', async () => {
    const api = new FakeApi((body) => {
      if (urlsOf(body).length > 7) throw tooManyUnstated('Too many files')
      return 'id'
    })
    const outcomes = await executeBatches(api, fileBatches(30, 30), options({ concurrency: 1 }))
    expect(outcomes.flatMap((o) => o.batch.items)).toHaveLength(30)
    expect(Math.max(...outcomes.map((o) => o.batch.items.length))).toBeLessThanOrEqual(7)
    expect(outcomes.every((o) => o.purgeId)).toBe(true)
  })

  it('uses more workers when a single batch is split', async () => {
    const api = new FakeApi(async (body) => {
      if (urlsOf(body).length > 5) throw tooMany(5)
      await tick(10)
      return 'id'
    })
    await executeBatches(api, fileBatches(30, 30), options({ concurrency: 8 }))
    expect(api.maxInFlight).toBeGreaterThan(1)
  })

  it('stops a zone at its first refusal (10000): one request, every batch failed with that reason', async () => {
    // Before: every batch was sent and refused the same way. Now the zone's first request goes alone.
    const refusal = refused(403, 10000, 'Authentication error')
    const api = new FakeApi(() => {
      throw refusal
    })
    const outcomes = await executeBatches(api, fileBatches(300, 30), options({ concurrency: 8 }))
    expect(api.calls).toHaveLength(1)
    expect(outcomes).toHaveLength(10)
    expect(outcomes.every((o) => o.error === refusal)).toBe(true)
  })

  it('reports batches the deadline leaves no time for as not sent, without sending them', async () => {
    const pacer: Pacer = { reserve: (_t, count) => count * 100 }
    const refunds: number[] = []
    pacer.refund = (_t, count) => refunds.push(count)
    const api = new FakeApi(() => 'id')
    const outcomes = await executeBatches(
      api,
      [{ zoneId: ZONE, type: 'files', items: [{ url: 'https://example.com/a' }] }, ...fileBatches(60, 30)],
      options({ pacerFor: () => pacer, deadline: Date.now() + 1000, concurrency: 1 })
    )
    expect(api.calls).toHaveLength(1)
    expect(outcomes[0]?.purgeId).toBe('id')
    expect(outcomes.slice(1).every((o) => o.error instanceof NotSentError)).toBe(true)
    expect(refunds).toEqual([30, 30])
  })

  it('reports every batch as not sent when the global request limit leaves no time', async () => {
    const api = new FakeApi(() => 'id')
    const outcomes = await executeBatches(
      api,
      fileBatches(60, 30),
      options({ globalLimit: { reserve: () => 10 * 60_000 } })
    )
    expect(api.calls).toEqual([])
    expect(outcomes.map((o) => o.error instanceof NotSentError)).toEqual([true, true])
  })

  it('sends what the API-wide budget allows, then ends every batch left with its reason', async () => {
    let left = 3
    const reason = new Error('over budget')
    const refunds: number[] = []
    const api = new FakeApi(() => 'id')
    const outcomes = await executeBatches(
      api,
      fileBatches(100, 10),
      options({
        concurrency: 2,
        globalLimit: {
          reserve: () => (left > 0 ? (left--, 0) : 10 * 60_000),
          refund: () => refunds.push(1),
          exhausted: () => reason
        }
      })
    )
    expect(api.calls).toHaveLength(3)
    expect(outcomes.filter((o) => o.purgeId)).toHaveLength(3)
    expect(outcomes.slice(3).every((o) => o.error === reason)).toBe(true)
    expect(refunds).toEqual([])
  })

  it('with the real budget and 8 in flight, never spends the 60 requests kept for other tools', async () => {
    const budget = new ApiBudget()
    let left = 100
    let fewest = left
    const api = new FakeApi(() => {
      // The client's side of each request: counted as it goes, the server's figure read from its answer.
      const index = budget.sending()
      left--
      fewest = Math.min(fewest, left)
      budget.answered(index, { remaining: left, resetSeconds: 300 })
      return 'id'
    })
    const reason = new Error('over budget')
    const outcomes = await executeBatches(
      api,
      fileBatches(100 * 100, 100),
      options({
        concurrency: 8,
        globalLimit: {
          reserve: () => budget.reserve(),
          refund: () => budget.refund(),
          exhausted: () => reason
        }
      })
    )
    expect(fewest).toBe(60)
    expect(outcomes.filter((o) => o.purgeId)).toHaveLength(40)
    expect(outcomes.filter((o) => o.error === reason)).toHaveLength(60)
  })

  it('waits for the API-wide budget when it frees up in time', async () => {
    let freeAt = Date.now() + 50
    const api = new FakeApi(() => 'id')
    const outcomes = await executeBatches(
      api,
      fileBatches(20, 10),
      options({ globalLimit: { reserve: () => Math.max(0, freeAt - Date.now()) } })
    )
    expect(outcomes.every((o) => o.purgeId)).toBe(true)
    expect(Date.now()).toBeGreaterThanOrEqual(freeAt)
    freeAt = 0
  })

  it('re-paces a request held back by a 429 pause instead of sending it in a burst after the pause', async () => {
    // The pause lasts until it has been waited for (50 ms), however late a busy machine runs the timers.
    let paused = false
    const pause = {
      isPaused: () => paused,
      waitForPause: async () => {
        await tick(50)
        paused = false
      }
    }
    const reserves: number[] = []
    const refunds: number[] = []
    const pacer: Pacer = {
      reserve: () => {
        reserves.push(Date.now())
        // The first reservation waits 30 ms; a pause starts meanwhile.
        if (reserves.length === 1) {
          setTimeout(() => (paused = true), 5)
          return 30
        }
        return 0
      },
      refund: (_t, count) => refunds.push(count)
    }
    const api = new FakeApi(() => 'id')
    const outcomes = await executeBatches(
      api,
      fileBatches(30, 30),
      options({ pacerFor: () => pacer, pause, concurrency: 1 })
    )
    expect(outcomes[0]?.purgeId).toBe('id')
    expect(refunds).toEqual([30])
    expect(reserves).toHaveLength(2)
    expect((reserves[1] as number) - (reserves[0] as number)).toBeGreaterThanOrEqual(50)
  })

  it('paces each retry like a new request through the beforeRetry hook', async () => {
    const reserved: number[] = []
    const pacer: Pacer = { reserve: (_t, count) => (reserved.push(count), 0) }
    const api = new FakeApi(() => 'id')
    await executeBatches(api, fileBatches(30, 30), options({ pacerFor: () => pacer }))
    expect(reserved).toEqual([30])
    await api.calls[0]?.options?.beforeRetry?.()
    expect(reserved).toEqual([30, 30])
  })

  it('asks a pacer for one reservation at a time, each when the request before it may go', async () => {
    // So that a pace changed by a 429, or by the climb back after it, applies to every request not sent.
    const reservedAt: number[] = []
    const sending: number[] = []
    const pacer: Pacer = {
      reserve: () => (reservedAt.push(Date.now()), 40),
      sending: (_type, count) => sending.push(count)
    }
    await executeBatches(new FakeApi(() => 'id'), fileBatches(120, 30), options({ pacerFor: () => pacer }))
    expect(reservedAt).toHaveLength(4)
    expect(sending).toEqual([30, 30, 30, 30])
    for (let i = 1; i < reservedAt.length; i++)
      expect((reservedAt[i] as number) - (reservedAt[i - 1] as number)).toBeGreaterThanOrEqual(35)
  })

  it("tells the zone's pacer of each 429 as it arrives, with the type of purge and the pause", async () => {
    const limited: string[] = []
    const pacer: Pacer = {
      reserve: () => 0,
      rateLimited: (type, pauseMs) => limited.push(`${type} ${pauseMs}`)
    }
    const tooFast = tooFastFor(2000)
    const api: PurgeApi = {
      purge: async (_zone, _body, options) => {
        options?.onAttemptFailed?.(tooFast)
        options?.onAttemptFailed?.(serverError())
        return 'id'
      }
    }
    await executeBatches(
      api,
      [...fileBatches(30, 30), { zoneId: ZONE, type: 'tags', items: ['a'] }],
      options({ pacerFor: () => pacer, concurrency: 1 })
    )
    expect(limited).toEqual(['files 2000', 'tags 2000'])
  })

  it('reports progress after each batch, in items', async () => {
    const seen: Array<[number, number]> = []
    await executeBatches(
      new FakeApi(() => 'id'),
      [...fileBatches(45, 30), { zoneId: ZONE, type: 'everything', items: [] }],
      options({ concurrency: 1, onProgress: (done, total) => seen.push([done, total]) })
    )
    expect(seen).toEqual([
      [23, 46],
      [45, 46],
      [46, 46]
    ])
  })
})

const OTHER_ZONE = 'f00d0000000000000000000000000002'
const inZone = (zoneId: string, batches: Batch[]): Batch[] => batches.map((b) => ({ ...b, zoneId }))

describe('failing small', () => {
  it('stops every zone when the credential itself is refused (9109), one request per zone at most', async () => {
    const refusal = refused(403, 9109, 'Invalid access token')
    const api = new FakeApi(async () => {
      await tick(5)
      throw refusal
    })
    const batches = [...fileBatches(300, 30), ...inZone(OTHER_ZONE, fileBatches(300, 30))]
    const outcomes = await executeBatches(api, batches, options({ concurrency: 8 }))
    for (const zone of [ZONE, OTHER_ZONE]) {
      expect(api.calls.filter((c) => c.zoneId === zone).length).toBeLessThanOrEqual(1)
    }
    expect(outcomes).toHaveLength(20)
    expect(outcomes.every((o) => o.error === refusal)).toBe(true)
  })

  it('stops only the kind of request refused as such (1136): URLs stop, tags go on', async () => {
    const refusal = refused(400, 1136, 'Invalidating by URL is not supported for this environment')
    const api = new FakeApi((body) => {
      if (body.files) throw refusal
      return 'id'
    })
    const tags = { zoneId: ZONE, type: 'tags' as const, items: ['a', 'b'] }
    const outcomes = await executeBatches(api, [...fileBatches(300, 30), tags], options({ concurrency: 8 }))
    expect(api.calls.filter((c) => c.body.files)).toHaveLength(1)
    expect(outcomes.slice(0, 10).every((o) => o.error === refusal)).toBe(true)
    expect(outcomes[10]?.purgeId).toBe('id')
  })

  it('stops only the refused zone; the others are purged', async () => {
    const refusal = refused(403, 10000, 'Authentication error')
    const api = new FakeApi((_body, call) => {
      if (api.calls[call - 1]?.zoneId === OTHER_ZONE) throw refusal
      return 'id'
    })
    const batches = [...fileBatches(90, 30), ...inZone(OTHER_ZONE, fileBatches(90, 30))]
    const outcomes = await executeBatches(api, batches, options())
    expect(api.calls.filter((c) => c.zoneId === OTHER_ZONE)).toHaveLength(1)
    expect(outcomes.slice(0, 3).every((o) => o.purgeId)).toBe(true)
    expect(outcomes.slice(3).every((o) => o.error === refusal)).toBe(true)
  })

  it('ends the requests of a zone still in flight when the zone is refused mid-run', async () => {
    const refusal = refused(403, 10000, 'Authentication error')
    const api = new FakeApi(async (body, call) => {
      if (call === 1) return 'id'
      if (call === 3) {
        await tick(5)
        throw refusal
      }
      // The others would take far longer than the test: only the refusal can end them.
      const signal = api.calls[call - 1]?.options?.signal
      await new Promise((_resolve, reject) =>
        signal?.addEventListener('abort', () => reject(new CancelledError()), { once: true })
      )
      return urlsOf(body)[0] ?? ''
    })
    const started = Date.now()
    const outcomes = await executeBatches(api, fileBatches(600, 30), options({ concurrency: 4 }))
    expect(Date.now() - started).toBeLessThan(1000)
    expect(outcomes[0]?.purgeId).toBe('id')
    expect(outcomes.slice(1).every((o) => o.error === refusal)).toBe(true)
    expect(api.calls.length).toBeLessThanOrEqual(5) // the first, then at most 4 in flight
  })

  it('isolates one refused URL its answer names, purges the rest, and keeps the batch size', async () => {
    const bad = 'https://example.com/17'
    const api = new FakeApi((body) => {
      if (urlsOf(body).includes(bad))
        throw refused(400, 1016, `Unable to purge ${bad}, which is an invalid URL.`)
      return 'id'
    })
    const batches = fileBatches(120, 30)
    const outcomes = await executeBatches(api, batches, options({ concurrency: 1 }))
    const failed = outcomes.filter((o) => o.error)
    expect(failed.map((o) => o.batch.items)).toEqual([[{ url: bad }]])
    expect((failed[0]?.error as CloudflareError).errors[0]?.message).toContain(bad)
    const purged = outcomes.filter((o) => o.purgeId).flatMap((o) => o.batch.items)
    expect(purged).toHaveLength(119)
    // Named in the answer: the rest of its batch goes again once.
    expect(api.calls.length - batches.length).toBe(1)
    // The other batches went whole: an item refusal says nothing about the size.
    expect(api.calls.filter((c) => urlsOf(c.body).length === 30)).toHaveLength(4)
  })

  it('isolates every refused tag, in the same bound per refused item', async () => {
    const bad = new Set(['t3', 't40', 't41'])
    const api = new FakeApi((body) => {
      const hit = (body.tags ?? []).find((t) => bad.has(t))
      if (hit) throw refused(400, 1102, `Invalid tag ${hit}: tags are printable ASCII without spaces`)
      return 'id'
    })
    const tags = Array.from({ length: 100 }, (_, i) => `t${i}`)
    const outcomes = await executeBatches(api, [{ zoneId: ZONE, type: 'tags', items: tags }], options())
    expect(
      outcomes
        .filter((o) => o.error)
        .flatMap((o) => o.batch.items)
        .sort()
    ).toEqual([...bad].sort())
    expect(outcomes.filter((o) => o.purgeId).flatMap((o) => o.batch.items)).toHaveLength(97)
    expect(api.calls.length - 1).toBeLessThanOrEqual(bad.size * 2 * Math.ceil(Math.log2(100)))
  })

  it('fails every item the errors of one answer name, in their own words, and resends the rest once', async () => {
    const bad = new Set(Array.from({ length: 10 }, (_, i) => `https://example.com/${i * 20 + 3}`))
    const api = new FakeApi((body) => {
      const hits = urlsOf(body).filter((u) => bad.has(u))
      if (hits.length === 0) return 'id'
      // One error per item, the last ones nested in the first one's chain, quoted as Cloudflare quotes.
      const [first, ...others] = hits.map((u) => ({ code: 1082, message: `Unable to purge '${u}'.` }))
      throw new CloudflareError({
        kind: 'api',
        endpoint: `POST /zones/${ZONE}/purge_cache`,
        status: 400,
        errors: [{ code: 1016, message: 'One or more cache purge errors', error_chain: [first!, ...others] }],
        message: 'One or more cache purge errors'
      })
    })
    const outcomes = await executeBatches(api, fileBatches(200, 100), options())
    const failed = outcomes.filter((o) => o.error)
    expect(failed.flatMap((o) => o.batch.items.map((i) => (i as { url: string }).url)).sort()).toEqual(
      [...bad].sort()
    )
    // Each failed item carries the words about it alone.
    for (const { batch, error } of failed) {
      const url = (batch.items[0] as { url: string }).url
      expect((error as CloudflareError).errors).toEqual([
        { code: 1082, message: `Unable to purge '${url}'.` }
      ])
    }
    expect(outcomes.filter((o) => o.purgeId).flatMap((o) => o.batch.items)).toHaveLength(190)
    // Two batches: each refused once, then sent again without its refused items.
    expect(api.calls.map((c) => urlsOf(c.body).length).sort()).toEqual([100, 100, 95, 95])
  })

  it('never takes a longer URL in the words for the one sent: …/1 is not named by …/10', async () => {
    const api = new FakeApi((body) => {
      if (urlsOf(body).includes('https://example.com/10'))
        throw refused(400, 1016, 'Unable to purge https://example.com/10, which is an invalid URL.')
      return 'id'
    })
    const outcomes = await executeBatches(api, fileBatches(20, 20), options())
    expect(outcomes.filter((o) => o.error).map((o) => o.batch.items)).toEqual([
      [{ url: 'https://example.com/10' }]
    ])
    expect(api.calls).toHaveLength(2)
  })

  it('halves a batch whose refusal about an item names none of them, until it stands alone', async () => {
    const bad = 'https://example.com/5'
    const api = new FakeApi((body) => {
      if (urlsOf(body).includes(bad)) throw refused(400, 1016, 'URL length exceeds the maximum allowed')
      return 'id'
    })
    const outcomes = await executeBatches(api, fileBatches(16, 16), options({ concurrency: 1 }))
    expect(outcomes.filter((o) => o.error).map((o) => o.batch.items)).toEqual([[{ url: bad }]])
    // 16 → 8 → 4 → 2 → 1: two requests a level.
    expect(api.calls).toHaveLength(1 + 2 * 4)
  })

  it('does not bisect a 400 that is about neither size nor an item', async () => {
    const api = new FakeApi(() => {
      throw refused(400, 1234, 'Something new')
    })
    const outcomes = await executeBatches(api, fileBatches(30, 30), options())
    expect(api.calls).toHaveLength(1)
    expect(outcomes).toHaveLength(1)
  })

  it('learns a limit Cloudflare does not state with at most three refused requests, 8 in flight', async () => {
    const api = new FakeApi((body) => {
      if (urlsOf(body).length > 3) throw tooManyUnstated('Too many files in this request')
      return 'id'
    })
    const outcomes = await executeBatches(api, fileBatches(600, 100), options({ concurrency: 8 }))
    const refusals = api.calls.filter((c) => urlsOf(c.body).length > 3)
    expect(refusals.length).toBeLessThanOrEqual(3)
    expect(outcomes.every((o) => o.purgeId)).toBe(true)
    expect(outcomes.flatMap((o) => o.batch.items)).toHaveLength(600)
  })

  it('learns a stated limit with one refused request although 8 are allowed in flight', async () => {
    const api = new FakeApi((body) => {
      if (urlsOf(body).length > 20) throw tooMany(20)
      return 'id'
    })
    const splits: number[] = []
    const outcomes = await executeBatches(
      api,
      fileBatches(3000, 100),
      options({ concurrency: 8, onSplit: (_b, limit) => splits.push(limit) })
    )
    expect(api.calls.filter((c) => urlsOf(c.body).length > 20)).toHaveLength(1)
    expect(splits).toEqual([20])
    expect(outcomes.every((o) => o.purgeId && o.batch.items.length <= 20)).toBe(true)
    expect(api.maxInFlight).toBe(8)
  })

  it('fails what a 429 pause longer than the time left holds back, without sending it', async () => {
    const limited = tooFastFor(3_600_000)
    const pause = { isPaused: () => true, waitForPause: () => Promise.reject(limited) }
    const api = new FakeApi(() => 'id')
    const outcomes = await executeBatches(api, fileBatches(60, 30), options({ pause }))
    expect(api.calls).toEqual([])
    expect(outcomes.every((o) => o.error === limited)).toBe(true)
  })
})

describe('nextLimit', () => {
  it.each([
    [100, 20, 1, 20],
    [100, 500, 1, 30],
    [100, undefined, 1, 30],
    [500, undefined, 1, 100],
    [30, undefined, 1, 15],
    [30, undefined, 2, 8],
    [15, undefined, 2, 4],
    [8, 5, 3, 1],
    [2, undefined, 1, 1]
  ])('a refusal of %i items (stated %s, refusal %i) → %i', (size, stated, refusals, limit) => {
    expect(nextLimit(size, stated, refusals)).toBe(limit)
  })
})
