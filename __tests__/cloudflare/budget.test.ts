// The credential's API-wide budget: the Ratelimit headers read as structured fields, and the decision
// whether one more request may go.
import { describe, expect, it } from '@jest/globals'
import {
  ApiBudget,
  FIRST_WAVE,
  OverBudgetError,
  parseFieldList,
  parseRateLimitHeaders
} from '../../src/cloudflare/budget.js'

function fakeClock(): { now: () => number; advance: (ms: number) => void } {
  let t = 0
  return { now: () => t, advance: (ms) => (t += ms) }
}

describe('parseRateLimitHeaders', () => {
  it("reads Cloudflare's form", () => {
    expect(
      parseRateLimitHeaders({
        ratelimit: '"default";r=50;t=30',
        'ratelimit-policy': '"default";q=1200;w=300'
      })
    ).toEqual({ remaining: 50, resetSeconds: 30, quota: 1200, windowSeconds: 300 })
  })

  it('takes the item with the fewest left, whatever its name, and the policy of that name', () => {
    expect(
      parseRateLimitHeaders({
        ratelimit: 'burst;r=90;t=1, "day";r=7;t=3600',
        'ratelimit-policy': 'burst;q=100;w=1, "day";q=5000;w=86400'
      })
    ).toEqual({ remaining: 7, resetSeconds: 3600, quota: 5000, windowSeconds: 86400 })
  })

  it('reads the parameters in any order, with spaces and unknown ones beside them', () => {
    expect(parseRateLimitHeaders({ ratelimit: ' "default" ; t=12 ; pk=:YWJj: ; r=3 ' })).toEqual({
      remaining: 3,
      resetSeconds: 12
    })
  })

  it.each([[{}], [{ ratelimit: '' }], [{ ratelimit: '"default";t=30' }], [{ ratelimit: 'garbage;r=x' }]])(
    'says nothing when there is nothing readable: %j',
    (headers) => {
      expect(parseRateLimitHeaders(headers)).toBeUndefined()
    }
  )

  it('keeps a comma inside a quoted name within its item', () => {
    expect(parseFieldList('"a,b";r=1, c;r=2').map((i) => i.name)).toEqual(['a,b', 'c'])
  })
})

describe('ApiBudget', () => {
  it('lets requests go while the headers leave more than the 5% kept for other tools', () => {
    const clock = fakeClock()
    const budget = new ApiBudget(clock.now)
    budget.answered(budget.sending(), { remaining: 100, resetSeconds: 200, quota: 1200, windowSeconds: 300 })
    // 100 left, 60 kept: 40 more.
    expect(budget.available()).toBe(40)
    let granted = 0
    while (budget.reserve() === 0) {
      granted++
      budget.sending()
    }
    expect(granted).toBe(40)
    expect(budget.reserve()).toBe(200_000)
    expect(budget.state()).toMatchObject({ quota: 1200, windowSeconds: 300, kept: 60, fromHeaders: true })
  })

  it('counts requests sent since the answer it last read, and those granted but not yet sent', () => {
    const budget = new ApiBudget(fakeClock().now)
    const first = budget.sending()
    budget.sending()
    budget.sending()
    budget.answered(first, { remaining: 70, resetSeconds: 100 })
    expect(budget.available()).toBe(70 - 2 - 60)
    expect(budget.reserve()).toBe(0)
    expect(budget.available()).toBe(7)
    budget.refund()
    expect(budget.available()).toBe(8)
  })

  it('once the window frees up, lets one request go alone to read the new figure', () => {
    const clock = fakeClock()
    const budget = new ApiBudget(clock.now)
    budget.answered(budget.sending(), { remaining: 60, resetSeconds: 10 })
    expect(budget.reserve()).toBe(10_000)
    clock.advance(10_000)
    expect(budget.reserve()).toBe(0)
    const probe = budget.sending()
    expect(budget.reserve()).toBeGreaterThan(0)
    budget.answered(probe, { remaining: 1199, resetSeconds: 300 })
    expect(budget.available()).toBe(1199 - 60)
  })

  it('without headers, never lets more than 1,140 of its own requests go in any 5 minutes', () => {
    const clock = fakeClock()
    const budget = new ApiBudget(clock.now)
    const sendTimes: number[] = []
    for (let i = 0; i < 3000; i++) {
      const wait = budget.reserve()
      if (wait > 0) clock.advance(wait)
      else {
        sendTimes.push(clock.now())
        budget.answered(budget.sending())
        clock.advance(10)
      }
    }
    expect(sendTimes.length).toBeGreaterThan(1140)
    for (let i = 1140; i < sendTimes.length; i++)
      expect((sendTimes[i] as number) - (sendTimes[i - 1140] as number)).toBeGreaterThanOrEqual(300_000)
    expect(budget.state()).toMatchObject({ quota: 1200, kept: 60, fromHeaders: false })
  })

  it('counts the calls made before the purges (verify, zone lookups) without headers too', () => {
    const budget = new ApiBudget(fakeClock().now)
    for (let i = 0; i < 5; i++) budget.answered(budget.sending())
    expect(budget.available()).toBe(1140 - 5)
  })

  it('before the first answer, lets the first wave go and no more: nothing is known of the window yet', () => {
    const budget = new ApiBudget(fakeClock().now)
    for (let i = 0; i < FIRST_WAVE; i++) expect(budget.reserve()).toBe(0)
    // Granted, not yet sent: the next waits a moment and looks again.
    expect(budget.reserve()).toBe(50)
    const first = budget.sending()
    expect(budget.reserve()).toBe(50)
    expect(budget.state().freesInMs).toBe(50)
    budget.answered(first, { remaining: 500, resetSeconds: 100 })
    // What was left, less the 7 granted and not yet sent, less the 60 kept.
    expect(budget.available()).toBe(500 - (FIRST_WAVE - 1) - 60)
  })

  it('after an answer without headers, counts its own calls and lets several go', () => {
    const budget = new ApiBudget(fakeClock().now)
    budget.answered(budget.sending())
    expect(budget.reserve()).toBe(0)
    expect(budget.reserve()).toBe(0)
    expect(budget.available()).toBe(1140 - 1 - 2)
  })

  it('after a request that failed without an answer, the first wave is still all that may go', () => {
    const budget = new ApiBudget(fakeClock().now)
    expect(budget.reserve()).toBe(0)
    budget.sending()
    budget.unanswered()
    for (let i = 0; i < FIRST_WAVE; i++) expect(budget.reserve()).toBe(0)
    expect(budget.reserve()).toBe(50)
  })

  it('tells a wait for an answer in flight from a wait for the window', () => {
    const clock = fakeClock()
    const budget = new ApiBudget(clock.now)
    const wave = Array.from({ length: FIRST_WAVE }, () => (budget.reserve(), budget.sending()))
    expect(budget.reserve()).toBeGreaterThan(0)
    expect(budget.awaitingAnswer).toBe(true)
    // Each answer of the wave reads one fewer left, the last 60: the part kept.
    for (const index of wave) budget.answered(index, { remaining: 60 + FIRST_WAVE - index, resetSeconds: 10 })
    // Spent down to the part kept: the wait is for the window.
    expect(budget.reserve()).toBe(10_000)
    expect(budget.awaitingAnswer).toBe(false)
    clock.advance(10_000)
    budget.reserve()
    budget.sending()
    // Freed up, and one request reads the new figure: the others wait for its answer.
    expect(budget.reserve()).toBe(50)
    expect(budget.awaitingAnswer).toBe(true)
  })

  it('names the limit and when it frees up for a call it holds back', () => {
    const clock = fakeClock()
    const budget = new ApiBudget(clock.now)
    budget.answered(budget.sending(), { remaining: 60, resetSeconds: 90, quota: 1200, windowSeconds: 300 })
    clock.advance(500)
    const error = budget.heldBack('GET /zones')
    expect(error).toBeInstanceOf(OverBudgetError)
    expect(error.endpoint).toBe('GET /zones')
    expect(error.budget).toEqual({ quota: 1200, windowSeconds: 300, kept: 60, freesInSeconds: 90 })
  })
})
