import { describe, expect, it } from '@jest/globals'
import {
  describeRateLimit,
  GLOBAL_API_LIMIT,
  PACING_MARGIN_MS,
  PurgePacer,
  RequestWindow,
  TokenBucket,
  withMargin
} from '../../src/purge/pacing.js'

/** A clock the test moves by hand. */
function fakeClock(): { now: () => number; advance: (ms: number) => void } {
  let t = 1000
  return { now: () => t, advance: (ms) => (t += ms) }
}

describe('TokenBucket', () => {
  it('lets a full burst go at once, then paces at the refill rate', () => {
    const clock = fakeClock()
    const bucket = new TokenBucket({ rate: 10, capacity: 5 }, clock.now)
    expect([1, 2, 3, 4, 5].map(() => bucket.reserve(1))).toEqual([0, 0, 0, 0, 0])
    // Reservations queue up: the 6th waits 100 ms, the 7th 200 ms.
    expect(bucket.reserve(1)).toBeCloseTo(100)
    expect(bucket.reserve(1)).toBeCloseTo(200)
    clock.advance(200)
    expect(bucket.reserve(1)).toBeCloseTo(100)
  })

  it('refills no further than its capacity', () => {
    const clock = fakeClock()
    const bucket = new TokenBucket({ rate: 10, capacity: 5 }, clock.now)
    bucket.reserve(5)
    clock.advance(60_000)
    expect(bucket.reserve(5)).toBe(0)
    expect(bucket.reserve(1)).toBeCloseTo(100)
  })

  it('charges a cost larger than the capacity as a debt, not forever', () => {
    const clock = fakeClock()
    const bucket = new TokenBucket({ rate: 100, capacity: 50 }, clock.now)
    expect(bucket.reserve(150)).toBeCloseTo(1000)
  })

  it('takes a refund back, up to the capacity', () => {
    const clock = fakeClock()
    const bucket = new TokenBucket({ rate: 1, capacity: 2 }, clock.now)
    bucket.reserve(2)
    expect(bucket.reserve(1)).toBeCloseTo(1000)
    bucket.refund(1)
    bucket.refund(5)
    expect(bucket.reserve(2)).toBe(0)
    expect(bucket.reserve(1)).toBeCloseTo(1000)
  })
})

describe('withMargin', () => {
  it('holds back the tokens of the margin from the burst, never more than half', () => {
    expect(withMargin({ rate: 800, capacity: 800 }, 200)).toEqual({ rate: 800, capacity: 640 })
    expect(withMargin({ rate: 5, capacity: 25 }, 200)).toEqual({ rate: 5, capacity: 24 })
    expect(withMargin({ rate: 100, capacity: 10 }, 1000)).toEqual({ rate: 100, capacity: 5 })
  })
})

describe('PurgePacer', () => {
  it('paces files by URL at the plan rate (Free: 800/s), keeping the margin in reserve', () => {
    const clock = fakeClock()
    const pacer = new PurgePacer('free', clock.now)
    const held = (800 * PACING_MARGIN_MS) / 1000
    let waited = 0
    // 10,000 URLs in batches of 30 (the last one 10): the last may go after (10,000 - burst) / 800 s.
    for (let sent = 0; sent < 10_000; sent += 30) waited = pacer.reserve('files', Math.min(30, 10_000 - sent))
    expect(waited).toBeCloseTo(((10_000 - (800 - held)) / 800) * 1000, 0)
  })

  it('paces Enterprise files at 3,000 URLs/s', () => {
    const clock = fakeClock()
    const pacer = new PurgePacer('enterprise', clock.now, 0)
    expect(pacer.reserve('files', 3000)).toBe(0)
    expect(pacer.reserve('files', 500)).toBeCloseTo(500 / 3)
  })

  it('counts tags, hosts, prefixes and everything as requests from one bucket (Free: 5/min)', () => {
    const clock = fakeClock()
    const pacer = new PurgePacer('free', clock.now, 0)
    for (let i = 0; i < 25; i++) expect(pacer.reserve(i % 2 ? 'tags' : 'hosts', 100)).toBe(0)
    expect(pacer.reserve('prefixes', 100)).toBeCloseTo(12_000)
    expect(pacer.reserve('everything', 0)).toBeCloseTo(24_000)
  })

  it('keeps files and the other types in separate buckets', () => {
    const clock = fakeClock()
    const pacer = new PurgePacer('pro', clock.now, 0)
    for (let i = 0; i < 25; i++) pacer.reserve('tags', 100)
    expect(pacer.reserve('files', 30)).toBe(0)
    expect(pacer.reserve('tags', 1)).toBeCloseTo(200)
  })

  it('assumes Free when the plan is unknown', () => {
    const clock = fakeClock()
    const pacer = new PurgePacer(undefined, clock.now, 0)
    expect(pacer.reserve('files', 800)).toBe(0)
    expect(pacer.reserve('files', 80)).toBeCloseTo(100)
  })

  it('gives a refunded reservation to the next request', () => {
    const clock = fakeClock()
    const pacer = new PurgePacer('pro', clock.now, 0)
    pacer.reserve('files', 1500)
    expect(pacer.reserve('files', 150)).toBeCloseTo(100)
    pacer.refund('files', 150)
    expect(pacer.reserve('files', 150)).toBeCloseTo(100)
  })
})

describe('RequestWindow', () => {
  it('allows the limit at once, then waits for the oldest send to leave the window', () => {
    const clock = fakeClock()
    const window = new RequestWindow({ requests: 3, windowMs: 10_000 }, 0, clock.now, 0)
    expect([window.reserve(), window.reserve(), window.reserve()]).toEqual([0, 0, 0])
    clock.advance(4000)
    expect(window.reserve()).toBe(6000)
    expect(window.reserve()).toBe(6000)
    clock.advance(6000)
    expect(window.reserve()).toBe(0)
  })

  it('counts requests made before pacing began', () => {
    const clock = fakeClock()
    const window = new RequestWindow({ requests: 3, windowMs: 10_000 }, 2, clock.now, 0)
    expect(window.reserve()).toBe(0)
    expect(window.reserve()).toBe(10_000)
  })

  it('never allows more than 1,200 in any 5 minutes, unlike a bucket refilled at 4/s', () => {
    const clock = fakeClock()
    const window = new RequestWindow(GLOBAL_API_LIMIT, 0, clock.now)
    const sendTimes: number[] = []
    for (let i = 0; i < 3000; i++) {
      const wait = window.reserve()
      sendTimes.push(clock.now() + wait)
      clock.advance(10)
    }
    for (let i = 1200; i < sendTimes.length; i++) {
      expect((sendTimes[i] as number) - (sendTimes[i - 1200] as number)).toBeGreaterThanOrEqual(300_000)
    }
  })
})

describe('describeRateLimit', () => {
  it('names the limit that applies, in words', () => {
    expect(describeRateLimit('free', 'files')).toBe('Free plan: 800 URLs per second per account')
    expect(describeRateLimit('enterprise', 'files')).toBe(
      'Enterprise plan: 3,000 URLs per second per account'
    )
    expect(describeRateLimit('free', 'tags')).toMatch(/^Free plan: 5 requests per minute \(bursts up to 25\)/)
    expect(describeRateLimit('business', 'prefixes')).toMatch(/10 requests per second \(bursts up to 50\)/)
    expect(describeRateLimit(undefined, 'files')).toMatch(/assumed/)
  })
})
