import { describe, expect, it } from '@jest/globals'
import { TokenBucket as EmulatorBucket, WeightedWindow } from '../../emulator/ratelimit.js'
import {
  AdaptiveShare,
  CUT_SLACK_MS,
  cutUrlRate,
  describeRateLimit,
  pacersByAccount,
  PurgePacer,
  TokenBucket,
  URL_QUIET_MS,
  WindowPacer,
  withMargin
} from '../../src/purge/pacing.js'
import type { Plan, ResolvedZone } from '../../src/types.js'

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

/** Send times (ms) of `counts`, reserved one after another on a clock that stands still. */
function schedule(reserve: (count: number) => number, counts: number[], clock = fakeClock()): number[] {
  return counts.map((count) => clock.now() + reserve(count))
}

/**
 * The strictest reading of a moving average: no window of W ≥ 1 s holds more than rate × W URLs, and
 * no shorter one more than rate × 1 s. Windows that start and end at sends are the fullest; returns the
 * first that holds too many.
 */
function overfullWindow(times: number[], counts: number[], rate: number): string | undefined {
  for (let j = 0; j < times.length; j++) {
    let sum = 0
    for (let k = j; k < times.length; k++) {
      if ((times[k] as number) < (times[j] as number)) continue
      sum += counts[k] as number
      const seconds = ((times[k] as number) - (times[j] as number)) / 1000
      if (sum > rate * Math.max(1, seconds) + 1e-6)
        return `${sum} URLs in ${seconds.toFixed(3)} s from send ${j}`
    }
  }
  return undefined
}

/** How each reading of "moving average" would answer sends at these times: the indices it refuses. */
function refusedBy(
  counting: 'bucket' | 'sliding1s' | 'average10s',
  times: number[],
  counts: number[],
  rate: number
): number[] {
  const counter =
    counting === 'bucket'
      ? new EmulatorBucket(rate, rate, times[0] ?? 0)
      : new WeightedWindow(
          rate * (counting === 'sliding1s' ? 1 : 10),
          counting === 'sliding1s' ? 1000 : 10_000
        )
  const order = times.map((t, i) => [t, i] as const).sort((a, b) => a[0] - b[0])
  return order.filter(([t, i]) => counter.take(counts[i] as number, t) > 0).map(([, i]) => i)
}

const COUNTINGS = ['bucket', 'sliding1s', 'average10s'] as const

describe('WindowPacer (URLs: a moving average over a window Cloudflare does not name)', () => {
  const free = (pacer: WindowPacer) => (count: number) => pacer.reserve(count, 800)

  it('never lets a window of W ≥ 1 s carry more than rate × W URLs, from the first request on', () => {
    const clock = fakeClock()
    const counts = Array.from({ length: 100 }, () => 100)
    const times = schedule(free(new WindowPacer(clock.now)), counts, clock)
    expect(overfullWindow(times, counts, 800)).toBeUndefined()
    // No burst: the first second's 800 URLs go one request every 125 ms.
    expect(times.slice(0, 9).map((t) => t - 1000)).toEqual([0, 125, 250, 375, 500, 625, 750, 875, 1125])
    // 10,000 URLs in lumps of 100: the 100th request goes at 13.875 s, the least any spacing allows
    // (every 9 requests need 1.125 s), against 12.5 s for a fluid 800 URLs/s.
    expect((times[99] as number) - 1000).toBeCloseTo(13_875)
  })

  it.each(COUNTINGS)(
    'is never refused by a server counting as a %s, even with arrivals up to half a send off',
    (counting) => {
      const clock = fakeClock()
      const counts = Array.from({ length: 100 }, (_, i) => (i % 7 === 3 ? 37 : 100))
      const times = schedule(free(new WindowPacer(clock.now)), counts, clock)
      expect(refusedBy(counting, times, counts, 800)).toEqual([])
      // Every 100 URLs at 800/s leave 125 ms of slack: arrivals 60 ms early or late still fit.
      const lumps = Array.from({ length: 100 }, () => 100)
      const even = schedule(free(new WindowPacer(clock.now)), lumps, clock)
      let seed = 7
      const jitter = (): number => ((seed = (seed * 48271) % 2147483647) / 2147483647 - 0.5) * 120
      expect(
        refusedBy(
          counting,
          even.map((t) => t + jitter()),
          lumps,
          800
        )
      ).toEqual([])
    }
  )

  it('keeps the rule for sends of any size, and for Enterprise lumps of 500 at 3,000 URLs/s', () => {
    const clock = fakeClock()
    let seed = 11
    const counts = Array.from({ length: 300 }, () => 1 + ((seed = (seed * 48271) % 2147483647) % 100))
    const pacer = new WindowPacer(clock.now)
    const times = counts.map((count) => {
      clock.advance(seed % 40) // requests come in at uneven moments too
      return clock.now() + pacer.reserve(count, 800)
    })
    expect(overfullWindow(times, counts, 800)).toBeUndefined()
    const enterprise = new WindowPacer(clock.now)
    const lumps = Array.from({ length: 20 }, () => 500)
    const sent = schedule((n) => enterprise.reserve(n, 3000), lumps, clock)
    expect(overfullWindow(sent, lumps, 3000)).toBeUndefined()
    for (const counting of COUNTINGS) expect(refusedBy(counting, sent, lumps, 3000)).toEqual([])
  })

  it('keeps the rule at the documented rate while 429s slow the pace down and it climbs back', () => {
    const clock = fakeClock()
    const pacer = new PurgePacer('free', clock.now)
    let seed = 5
    const random = (): number => (seed = (seed * 48271) % 2147483647) / 2147483647
    const counts: number[] = []
    const times: number[] = []
    for (let i = 0; i < 400; i++) {
      if (random() < 0.05) pacer.rateLimited('files', random() < 0.5 ? 1000 : 0)
      const count = 1 + Math.floor(random() * 100)
      const at = clock.now() + pacer.reserve('files', count)
      counts.push(count)
      times.push(at)
      clock.advance(Math.max(0, at - clock.now()) * random()) // some reserve ahead, some when due
    }
    expect(overfullWindow(times, counts, 800)).toBeUndefined()
  })

  it('lets a later request go at once after a pause longer than its window', () => {
    const clock = fakeClock()
    const pacer = new WindowPacer(clock.now)
    for (let i = 0; i < 20; i++) pacer.reserve(100, 800)
    clock.advance(60_000)
    expect(pacer.reserve(100, 800)).toBe(0)
  })

  it('spaces the next sends from when a late send really went', () => {
    const clock = fakeClock()
    const pacer = new WindowPacer(clock.now)
    const sent: number[] = []
    for (let i = 0; i < 20; i++) {
      clock.advance(pacer.reserve(100, 800) + (i === 3 ? 150 : 0)) // the fourth goes 150 ms late
      pacer.sending()
      sent.push(clock.now())
    }
    expect(
      overfullWindow(
        sent,
        Array.from({ length: 20 }, () => 100),
        800
      )
    ).toBeUndefined()
    expect((sent[4] as number) - (sent[3] as number)).toBe(125)
  })

  it('forgets a refunded reservation, so that the next request takes its place', () => {
    const clock = fakeClock()
    const pacer = new WindowPacer(clock.now)
    expect(pacer.reserve(100, 800)).toBe(0)
    expect(pacer.reserve(100, 800)).toBe(125)
    clock.advance(125)
    pacer.refund(100)
    expect(pacer.reserve(100, 800)).toBe(0)
  })

  it('counts what went in the second before the latest send made, not the sends still planned', () => {
    const clock = fakeClock()
    const pacer = new WindowPacer(clock.now)
    expect(pacer.sentBeforeLast()).toBe(0)
    for (const count of [100, 100, 50, 100]) clock.advance(pacer.reserve(count, 800))
    // Sends at 0, 125, 250 and 312.5 ms: before the last, 250 URLs.
    expect(pacer.sentBeforeLast()).toBe(250)
    pacer.reserve(100, 800) // planned for 437.5 ms, not made yet
    expect(pacer.sentBeforeLast()).toBe(250)
    clock.advance(1000) // the planned one is made: all four before it are within its second
    expect(pacer.sentBeforeLast()).toBe(350)
    // Two more sends, at 1,312.5 ms and 0.3 s later: before the latest, only the one 0.3 s earlier is
    // within its second.
    clock.advance(pacer.reserve(100, 800) + 300)
    clock.advance(pacer.reserve(100, 800))
    expect(pacer.sentBeforeLast()).toBe(100)
  })
})

describe('AdaptiveShare', () => {
  it('halves after a 429, once for the answers of one moment, and climbs back after the pause', () => {
    const clock = fakeClock()
    const share = new AdaptiveShare(clock.now)
    expect(share.current()).toBe(1)
    share.decrease(1000)
    clock.advance(500)
    share.decrease(1000) // another answer to a request sent before the pause
    expect(share.current()).toBe(0.5)
    clock.advance(500) // the pause is over: the climb starts, half the rate per second
    expect(share.current()).toBe(0.5)
    clock.advance(200)
    expect(share.current()).toBeCloseTo(0.6)
    share.decrease(1000) // a request paced after the pause was refused too
    expect(share.current()).toBeCloseTo(0.3)
    clock.advance(1000 + 1400)
    expect(share.current()).toBe(1)
  })

  it('without a Retry-After, holds for a second before another halving counts', () => {
    const clock = fakeClock()
    const share = new AdaptiveShare(clock.now)
    share.decrease()
    clock.advance(999)
    share.decrease()
    expect(share.current()).toBeCloseTo(0.5 + 0.4995)
    clock.advance(1)
    share.decrease()
    expect(share.current()).toBeCloseTo(0.5)
  })

  it('with a quiet time, holds its first halving that long after the pause; halved again, climbs at once', () => {
    const clock = fakeClock()
    const share = new AdaptiveShare(clock.now, 10_000)
    share.decrease(1000)
    clock.advance(1000 + 9999) // the pause, then the quiet time all but its last millisecond
    expect(share.current()).toBe(0.5)
    clock.advance(1 + 200)
    expect(share.current()).toBeCloseTo(0.6)
    // Back at full pace, a new first halving holds again.
    clock.advance(800)
    expect(share.current()).toBe(1)
    share.decrease(1000)
    clock.advance(1000 + 500)
    expect(share.current()).toBe(0.5)
    // Halved again while holding: the climb starts when that pause is over.
    share.decrease(1000)
    expect(share.current()).toBe(0.25)
    clock.advance(1000 + 200)
    expect(share.current()).toBeCloseTo(0.35)
  })

  it('cuts first to the part it measured when that is below half, and holds less the less it got', () => {
    const clock = fakeClock()
    const pause = 1000
    const hold = (measured: number): { share: number; climbsAfterMs: number } => {
      const share = new AdaptiveShare(clock.now, 10_000)
      const start = clock.now()
      share.decrease(pause, measured)
      const cut = share.current()
      clock.advance(pause)
      while (share.current() === cut) clock.advance(1)
      return { share: cut, climbsAfterMs: clock.now() - 1 - start - pause }
    }
    // Three runs that filled a sliding second 3, 3 and 2 sends of 100 (Free, 800 URLs/s).
    expect(hold(3 / 8)).toEqual({ share: 3 / 8, climbsAfterMs: Math.round(10_000 * 0.75 ** 0.75) })
    expect(hold(2 / 8)).toEqual({ share: 2 / 8, climbsAfterMs: Math.round(10_000 * 0.5 ** 0.75) })
    // Half or more measured, or nothing through at all: the halving and the whole quiet time.
    expect(hold(0.5)).toEqual({ share: 0.5, climbsAfterMs: 10_000 })
    expect(hold(0.9)).toEqual({ share: 0.5, climbsAfterMs: 10_000 })
    expect(hold(0)).toEqual({ share: 0.5, climbsAfterMs: 10_000 })
  })

  it('halves a cut share again whatever was measured', () => {
    const clock = fakeClock()
    const share = new AdaptiveShare(clock.now, 10_000)
    share.decrease(1000, 0.375)
    clock.advance(1000 + 500)
    share.decrease(1000, 0.01)
    expect(share.current()).toBeCloseTo(0.1875)
  })

  it('never drops below its floor', () => {
    const clock = fakeClock()
    const share = new AdaptiveShare(clock.now)
    for (let i = 0; i < 20; i++) {
      share.decrease(1000)
      clock.advance(1000)
    }
    expect(share.current()).toBe(AdaptiveShare.FLOOR)
  })
})

describe('cutUrlRate', () => {
  it('is the documented rate at full share', () => {
    expect(cutUrlRate(800, 1, 100)).toBe(800)
    expect(cutUrlRate(3000, 1, 500)).toBe(3000)
  })

  it('paces a cut rate as fast as its whole sends a second allow, with the slack to spare', () => {
    const slack = 1 + CUT_SLACK_MS / 1000
    // Half of Free's 800/s: 4 sends of 100 a second, a fifth after 1.05 s.
    expect(cutUrlRate(800, 0.5, 100)).toBeCloseTo(500 / slack)
    // Half of Pro's 1,500/s: 7 sends a second; half of Enterprise's 3,000/s: 3 sends of 500.
    expect(cutUrlRate(1500, 0.5, 100)).toBeCloseTo(800 / slack)
    expect(cutUrlRate(3000, 0.5, 500)).toBeCloseTo(2000 / slack)
    // Never slower than the cut rate, never faster than the documented one.
    expect(cutUrlRate(800, 0.55, 1)).toBeCloseTo(440)
    expect(cutUrlRate(800, 0.99, 100)).toBeCloseTo(792)
  })

  it('leaves a rate that buys no whole send a second as it is', () => {
    expect(cutUrlRate(800, 1 / 16, 100)).toBe(50)
  })
})

describe('PurgePacer', () => {
  it('paces Free URLs at 800/s without a burst, and Enterprise at 3,000/s', () => {
    const free = new PurgePacer('free', fakeClock().now)
    expect([free.reserve('files', 100), free.reserve('files', 100), free.reserve('files', 400)]).toEqual([
      0, 125, 250
    ])
    const enterprise = new PurgePacer('enterprise', fakeClock().now)
    expect([enterprise.reserve('files', 500), enterprise.reserve('files', 500)]).toEqual([
      0,
      expect.closeTo(500 / 3, 6)
    ])
  })

  it('halves the URL rate after a 429, holds it for the quiet time, and the pace comes back', () => {
    const clock = fakeClock()
    const pacer = new PurgePacer('free', clock.now)
    pacer.reserve('files', 100)
    clock.advance(2000)
    pacer.rateLimited('files', 1000)
    clock.advance(1000)
    expect(pacer.share('files')).toBe(0.5)
    expect(pacer.share('tags')).toBe(1)
    expect(pacer.reserve('files', 100)).toBe(0)
    // Half of 800/s buys 4 whole sends of 100 a second, paced so that a fifth needs 1.05 s.
    expect(pacer.reserve('files', 100)).toBeCloseTo(1050 / 5)
    clock.advance(URL_QUIET_MS + 1000)
    expect(pacer.share('files')).toBe(1)
  })

  it('two runs at half share meet no refusal under any reading, with arrivals 20 ms off', () => {
    // Free and Pro in sends of 100, Enterprise in sends of 500: each run gets its first 429, then both
    // send at half share, starting at different moments.
    for (const [plan, rate, size] of [
      ['free', 800, 100],
      ['pro', 1500, 100],
      ['enterprise', 3000, 500]
    ] as const) {
      for (const offset of [0, 37, 125, 333]) {
        const clock = fakeClock()
        const runs = [new PurgePacer(plan, clock.now), new PurgePacer(plan, clock.now)]
        for (const run of runs) run.rateLimited('files', 1000)
        clock.advance(1000)
        const times: number[] = []
        const counts: number[] = []
        runs.forEach((run, r) => {
          // The second run starts `offset` ms later; every run's sends fit in its quiet time.
          const start = clock.now() + r * offset
          for (let i = 0; i < 30; i++) {
            times.push(start + run.reserve('files', size) + (i % 2 ? 20 : -20))
            counts.push(size)
          }
        })
        for (const counting of COUNTINGS)
          expect([plan, offset, counting, refusedBy(counting, times, counts, rate)]).toEqual([
            plan,
            offset,
            counting,
            []
          ])
        // Between them, the runs keep the account at 85% of its rate or more.
        const span = (Math.max(...times) - Math.min(...times)) / 1000
        expect((30 * 2 * size) / span).toBeGreaterThanOrEqual(0.85 * rate)
      }
    }
  })

  it('three runs that meet the limit together take their measured parts, which then fit', () => {
    // Free: three runs start at full pace 0, 40 and 110 ms apart under a sliding second; each sends
    // until its first 429 (a 1 s pause), as the emulator's window would refuse it.
    const clock = fakeClock()
    const runs = [0, 1, 2].map(() => new PurgePacer('free', clock.now))
    const ready = [0, 40, 110].map((offset) => clock.now() + offset)
    const resume = [Infinity, Infinity, Infinity]
    const window = new WeightedWindow(800, 1000)
    while (resume.some((t) => t === Infinity)) {
      const r = [0, 1, 2]
        .filter((i) => resume[i] === Infinity)
        .reduce((a, b) => ((ready[a] as number) <= (ready[b] as number) ? a : b))
      const run = runs[r] as PurgePacer
      clock.advance((ready[r] as number) - clock.now())
      expect(run.reserve('files', 100)).toBeCloseTo(0)
      run.sending('files')
      ready[r] = clock.now() + 125
      if (window.take(100, clock.now()) > 0) {
        run.rateLimited('files', 1000)
        resume[r] = clock.now() + 1000
      }
    }
    // 8 sends filled the second: 3, 3 and 2 of them went through.
    expect(runs.map((run) => run.share('files'))).toEqual([3 / 8, 3 / 8, 2 / 8])
    // After the pauses, all three at once: 20 sends each, arrivals 20 ms off.
    clock.advance(Math.max(...resume) - clock.now())
    const times: number[] = []
    for (const run of runs)
      for (let i = 0; i < 20; i++) times.push(clock.now() + run.reserve('files', 100) + (i % 2 ? 20 : -20))
    const counts = times.map(() => 100)
    for (const counting of COUNTINGS)
      expect([counting, refusedBy(counting, times, counts, 800)]).toEqual([counting, []])
  })

  it('counts tags, hosts, prefixes and everything as requests from one bucket (Free: 5/min)', () => {
    const clock = fakeClock()
    const pacer = new PurgePacer('free', clock.now, 0)
    for (let i = 0; i < 25; i++) expect(pacer.reserve(i % 2 ? 'tags' : 'hosts', 100)).toBe(0)
    expect(pacer.reserve('prefixes', 100)).toBeCloseTo(12_000)
    expect(pacer.reserve('everything', 0)).toBeCloseTo(24_000)
  })

  it('halves the refill of the request bucket after a 429 on tags', () => {
    const clock = fakeClock()
    const pacer = new PurgePacer('pro', clock.now, 0)
    for (let i = 0; i < 25; i++) pacer.reserve('tags', 100)
    pacer.rateLimited('tags', 0)
    // Pro refills 5 a second; at half of it, the next request waits 400 ms instead of 200.
    expect(pacer.reserve('tags', 100)).toBeCloseTo(400)
  })

  it('keeps files and the other types apart', () => {
    const clock = fakeClock()
    const pacer = new PurgePacer('pro', clock.now, 0)
    for (let i = 0; i < 25; i++) pacer.reserve('tags', 100)
    expect(pacer.reserve('files', 100)).toBe(0)
    expect(pacer.reserve('tags', 1)).toBeCloseTo(200)
  })

  it('assumes Free when the plan is unknown', () => {
    const pacer = new PurgePacer(undefined, fakeClock().now, 0)
    expect(pacer.reserve('files', 100)).toBe(0)
    expect(pacer.reserve('files', 80)).toBeCloseTo(125)
  })

  it('gives a refunded reservation to the next request', () => {
    const clock = fakeClock()
    const pacer = new PurgePacer('pro', clock.now, 0)
    pacer.reserve('files', 1500)
    // 1,650 URLs need 1.1 s at 1,500/s.
    expect(pacer.reserve('files', 150)).toBe(1100)
    clock.advance(1100)
    pacer.refund('files', 150)
    expect(pacer.reserve('files', 150)).toBe(0)
  })
})

describe('pacersByAccount', () => {
  const zone = (id: string, accountId: string | undefined, plan?: Plan): ResolvedZone => ({
    id,
    ...(accountId ? { accountId } : {}),
    ...(plan ? { plan } : {})
  })

  it('gives the zones of one account one pacer, at the strictest of their plans', () => {
    const pacerFor = pacersByAccount([
      zone('a', 'acc1', 'enterprise'),
      zone('b', 'acc1', 'pro'),
      zone('c', 'acc2', 'enterprise'),
      zone('d', undefined),
      zone('e', undefined, 'business')
    ])
    expect(pacerFor('a')).toBe(pacerFor('b'))
    expect(pacerFor('a').plan).toBe('pro')
    expect(pacerFor('c')).not.toBe(pacerFor('a'))
    expect(pacerFor('c').plan).toBe('enterprise')
    // Zones whose account is unknown share one pacer, at Free unless every plan is known.
    expect(pacerFor('d')).toBe(pacerFor('e'))
    expect(pacerFor('d').plan).toBe('free')
  })

  it('makes two zones of one account share the budget', () => {
    const clock = fakeClock()
    const pacerFor = pacersByAccount([zone('a', 'acc1', 'free'), zone('b', 'acc1', 'free')], clock.now)
    expect(pacerFor('a').reserve('files', 100)).toBe(0)
    expect(pacerFor('b').reserve('files', 100)).toBe(125)
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
