// Paces purge requests to Cloudflare's published rate limits, per account, so that a run alone on its
// account never sees a 429, and runs that share one slow down together. Reservations are first come,
// first served.
import type { Plan, PurgeType, ResolvedZone } from '../types.js'

export interface BucketSpec {
  /** Tokens added per second. */
  rate: number
  /** Most tokens held. */
  capacity: number
}

export class TokenBucket {
  private tokens: number
  private updated: number

  constructor(
    readonly spec: BucketSpec,
    private readonly now: () => number = () => performance.now(),
    /** The share of `spec.rate` in force (an AdaptiveShare after a 429); 1 by default. */
    private readonly share: () => number = () => 1
  ) {
    this.tokens = spec.capacity
    this.updated = now()
  }

  private refill(): number {
    const t = this.now()
    const rate = this.spec.rate * this.share()
    this.tokens = Math.min(this.spec.capacity, this.tokens + ((t - this.updated) / 1000) * rate)
    this.updated = t
    return rate
  }

  /** Reserves `cost` tokens and returns how many milliseconds to wait before using them. */
  reserve(cost: number): number {
    const rate = this.refill()
    this.tokens -= cost
    return this.tokens >= 0 ? 0 : (-this.tokens / rate) * 1000
  }

  /** Gives back tokens reserved for a request that was not sent after all. */
  refund(cost: number): void {
    this.tokens = Math.min(this.spec.capacity, this.tokens + cost)
  }
}

/**
 * How much earlier than planned a request may count at Cloudflare: connection set-up, scheduling and
 * the server's own clock shift arrivals by tens of milliseconds. The request bucket keeps this much in
 * reserve, so that such jitter never turns into a 429 (and its Retry-After of a second or more). URL
 * pacing needs none: its rule leaves a whole request's worth of slack (WindowPacer).
 */
export const PACING_MARGIN_MS = 200

/** The same limit with `marginMs` worth of tokens held back from the burst. */
export function withMargin(spec: BucketSpec, marginMs: number): BucketSpec {
  const held = (spec.rate * marginMs) / 1000
  return { rate: spec.rate, capacity: Math.max(spec.capacity / 2, spec.capacity - held) }
}

/**
 * Purge rate limits per account, as Cloudflare's purge-cache page lists them
 * (https://developers.cloudflare.com/cache/how-to/purge-cache/). Unknown plan: Free, the strictest.
 */
export const PURGE_RATE_LIMITS: Record<Plan, { urlsPerSecond: number; requests: BucketSpec }> = {
  free: { urlsPerSecond: 800, requests: { rate: 5 / 60, capacity: 25 } },
  pro: { urlsPerSecond: 1500, requests: { rate: 5, capacity: 25 } },
  business: { urlsPerSecond: 1500, requests: { rate: 10, capacity: 50 } },
  enterprise: { urlsPerSecond: 3000, requests: { rate: 50, capacity: 500 } }
}

/**
 * Paces URL purges against Cloudflare's "moving average" URL limit. Cloudflare does not say over what
 * window it averages, so the pacer takes the strictest reading: no window of W seconds (W ≥ 1) carries
 * more than rate × W URLs, and no shorter one more than a second's worth, from the first request on. A
 * send goes at the earliest moment at which every window ending there holds no more than that, and no
 * sooner than the previous send's share of a second after it (count / rate), so nothing goes in a burst.
 * That holds under a token bucket with a second of burst, a sliding 1 s window and an average over any
 * longer window alike; and any 9 sends of 100 URLs at 800/s span at least 1.125 s, so a send that
 * reaches Cloudflare up to 125 ms (one send's share of a second) early or late still fits. The rate is the one in force when
 * the send is reserved (lower after a 429): the sends before it are measured against it too.
 */
export class WindowPacer {
  /** Planned sends within the last two windows, oldest first. */
  private readonly sends: Array<{ at: number; count: number }> = []

  constructor(
    private readonly now: () => number = () => performance.now(),
    readonly windowMs = 1000
  ) {}

  /** Reserves a send of `count` URLs at `rate` URLs per second; returns the ms to wait before it. */
  reserve(count: number, rate: number): number {
    const t = this.now()
    const ms = (urls: number): number => (urls / rate) * 1000
    // A window longer than two seconds splits into windows of one to two seconds, each within its
    // limit, so sends older than that constrain nothing any more.
    while (this.sends.length > 0 && (this.sends[0]?.at ?? t) < t - 2 * this.windowMs) this.sends.shift()
    const last = this.sends[this.sends.length - 1]
    let at = last ? Math.max(t, last.at + ms(last.count)) : t
    let urls = count
    for (let i = this.sends.length - 1; i >= 0; i--) {
      const send = this.sends[i] as { at: number; count: number }
      urls += send.count
      // The window from that send to this one holds `urls`: more than a window's worth needs as long.
      const needed = ms(urls)
      if (needed > this.windowMs) at = Math.max(at, send.at + needed)
    }
    this.sends.push({ at, count })
    return at - t
  }

  /**
   * The last reservation goes now: when that is later than planned (a busy process wakes late), the
   * sends after it are spaced from when it really went, not from when it should have.
   */
  sending(): void {
    const last = this.sends[this.sends.length - 1]
    if (last) last.at = Math.max(last.at, this.now())
  }

  /** Forgets a reservation that was not sent: the latest one of that size already due, else the latest. */
  refund(count: number): void {
    const t = this.now()
    let index = -1
    for (let i = this.sends.length - 1; i >= 0 && index < 0; i--) {
      const send = this.sends[i] as { at: number; count: number }
      if (send.count === count && send.at <= t + 1) index = i
    }
    if (index < 0) index = this.sends.findLastIndex((s) => s.count === count)
    if (index >= 0) this.sends.splice(index, 1)
  }

  /**
   * The URLs of the sends made within a window before the latest one made so far. After a 429, that
   * latest send is most likely the refused one, and this is what got through before it: the run's
   * measured part of the account's budget.
   */
  sentBeforeLast(): number {
    const t = this.now()
    const made = this.sends.filter((s) => s.at <= t)
    const last = made[made.length - 1]
    if (!last) return 0
    return made.filter((s) => s !== last && s.at > last.at - this.windowMs).reduce((n, s) => n + s.count, 0)
  }
}

/**
 * Additive increase, multiplicative decrease: the share of the documented rate that the account's
 * pacer spends. Other runs on the same account (a matrix of deploys) spend the same budget, and the
 * action cannot see them: a 429 says they exist. A 429 halves the share (the answers to requests sent
 * before it tell nothing new, so one halving per pause), and once the pause is over the share climbs
 * back linearly, by half the documented rate per second. With `quietMs`, the first halving (from full
 * pace) holds that long after the pause before the climb starts. A run alone on its account never sees
 * a 429, so none of this slows it.
 *
 * The first cut also takes the run's measured part (`measuredShare`: what it got through in the second
 * before the refusal, as a share of the rate) when that is below half and above nothing. Three runs that start together
 * under a sliding 1 s window fill it 3, 3 and 2 sends of 100: halved, each kept half (4 sends a second,
 * 12 between them) and went over again, and a run halved again climbs at once, so they never settled
 * below the limit: 20 or 21 answers 429 in 3 measurements, 1.65 to 1.68 times the least time.
 * Measured, they take 3/8, 3/8 and 2/8 (8 sends a second between them): 3 answers 429 in all, the
 * ones at the start. Two runs measure half or more, and keep half as before.
 */
export class AdaptiveShare {
  static readonly DECREASE = 0.5
  static readonly RECOVERY_PER_SECOND = 0.5
  static readonly FLOOR = 1 / 32
  static readonly HOLD_MS = 1000
  /**
   * A first cut below half holds for `quietMs` × (cut / half) ^ QUIET_EXPONENT: the run with the
   * smallest part has the most left to do when the others finish, so it climbs first. Measured, three
   * runs of 2,000 URLs under a sliding 1 s window: in proportion (exponent 1, 5 s at a quarter), the
   * quarter run climbed while the other two were still sending, met a 429 and its pause, and all
   * finished in 1.27 to 1.32 times the least time; with 0.75 (about 6 s at a quarter) no such 429, 1.22
   * to 1.23. A cut to half holds the whole `quietMs` either way.
   */
  static readonly QUIET_EXPONENT = 0.75
  private base = 1
  private since = -Infinity
  private holdUntil = -Infinity

  constructor(
    private readonly now: () => number = () => performance.now(),
    /** How long the share stays at its first halving, after the pause, before it climbs. */
    readonly quietMs = 0
  ) {}

  /** The share in force now, between FLOOR and 1. */
  current(): number {
    const elapsed = Math.max(0, this.now() - this.since) / 1000
    return Math.min(1, this.base + AdaptiveShare.RECOVERY_PER_SECOND * elapsed)
  }

  /**
   * A 429 answered a request of this account; nothing is sent for `pauseMs` (its Retry-After).
   * `measuredShare`: the part of the documented rate this run got through in the second before it.
   */
  decrease(pauseMs = 0, measuredShare = Infinity): void {
    const t = this.now()
    // The other answers to requests sent before this one tell nothing new.
    if (t < this.holdUntil) return
    const share = this.current()
    const first = share >= 1
    const halved = share * AdaptiveShare.DECREASE
    // Nothing through (the refused send was the run's first in the second) measures nothing.
    const measured = first && measuredShare > 0 ? measuredShare : Infinity
    this.base = Math.max(AdaptiveShare.FLOOR, Math.min(halved, measured))
    // The climb starts when sending does: a pause is no evidence that the budget has room. A run halved
    // again while it holds is losing the budget to faster runs, which may never see a 429 themselves
    // (under a bucket, the run that sends into the empty bucket gets it): it climbs at once, or it
    // would crawl on after the others have finished.
    const quiet = first
      ? this.quietMs * Math.min(1, this.base / AdaptiveShare.DECREASE) ** AdaptiveShare.QUIET_EXPONENT
      : 0
    this.since = t + Math.max(0, pauseMs) + quiet
    this.holdUntil = t + Math.max(pauseMs, AdaptiveShare.HOLD_MS)
  }
}

/**
 * After its first 429 on URLs, a run holds half the rate for 10 s before it climbs (less of both when
 * it measured less than half: AdaptiveShare). Climbing sooner
 * sends runs that started together (a matrix) over the limit again: two runs of 3,000 URLs on Free
 * that climbed back right after their pause met the limit every 2 s or so under a sliding 1 s window,
 * 14 answers 429 in all, each with a pause of at least a second (Retry-After is in whole seconds). The
 * cost: a run left alone at half the rate gets its full pace back some 12 s after that 429 (the pause,
 * the 10 s, a second's climb).
 */
export const URL_QUIET_MS = 10_000

/**
 * How much of a second a cut pace keeps in reserve (cutUrlRate), for sends that reach Cloudflare a
 * little early or late. Measured: two runs on one Free account, each at half the rate, met no further
 * 429 under a sliding 1 s window, also with the machine twice as busy.
 */
export const CUT_SLACK_MS = 50

/**
 * The pace of sends of `count` URLs at `share` of the documented rate. The window rule (WindowPacer)
 * keeps one send of slack in every second: at a cut rate that send is long, and the rate buys fewer
 * whole sends than it seems (at half of Free's 800/s, 4 sends of 100 in each 1.25 s: 320 URLs/s, so
 * two runs at half use 80% of the account's budget). The cut rate allows `sends` whole sends in a second, no
 * more; the pace goes up to the fastest at which one more send needs a second and CUT_SLACK_MS
 * (4 sends in each 1.05 s on Free at half, 95% between two runs), which still puts no more than
 * `sends` in any second, and never above the documented rate. Full share: the documented rate.
 */
export function cutUrlRate(urlsPerSecond: number, share: number, count: number): number {
  const rate = urlsPerSecond * share
  const sends = Math.floor(rate / count)
  if (share >= 1 || sends < 1) return rate
  const fastest = ((sends + 1) * count) / (1 + CUT_SLACK_MS / 1000)
  return Math.min(urlsPerSecond, Math.max(rate, fastest))
}

/**
 * Paces the purge requests of one account, which Cloudflare limits as a whole: URLs by a moving
 * average (WindowPacer), tags, hosts, prefixes and everything by a bucket of requests. Each slows down
 * after a 429 and recovers (AdaptiveShare).
 */
export class PurgePacer {
  private readonly urlsPerSecond: number
  private readonly urls: WindowPacer
  private readonly requests: TokenBucket
  private readonly urlShare: AdaptiveShare
  private readonly requestShare: AdaptiveShare

  constructor(
    readonly plan: Plan | undefined,
    now: () => number = () => performance.now(),
    marginMs = PACING_MARGIN_MS
  ) {
    const limits = PURGE_RATE_LIMITS[plan ?? 'free']
    this.urlsPerSecond = limits.urlsPerSecond
    this.urls = new WindowPacer(now)
    this.urlShare = new AdaptiveShare(now, URL_QUIET_MS)
    this.requestShare = new AdaptiveShare(now)
    this.requests = new TokenBucket(withMargin(limits.requests, marginMs), now, () =>
      this.requestShare.current()
    )
  }

  /** Milliseconds to wait before sending a purge of this type with `count` items. */
  reserve(type: PurgeType, count: number): number {
    if (type !== 'files') return this.requests.reserve(1)
    return this.urls.reserve(count, cutUrlRate(this.urlsPerSecond, this.urlShare.current(), count))
  }

  /** The request reserved last goes now. */
  sending(type: PurgeType): void {
    if (type === 'files') this.urls.sending()
  }

  /** Gives back a reservation whose request was held back (by a pause after a 429). */
  refund(type: PurgeType, count: number): void {
    if (type === 'files') this.urls.refund(count)
    else this.requests.refund(1)
  }

  /** Cloudflare answered 429 to a purge of this type, asking for a pause of `pauseMs`: slow down. */
  rateLimited(type: PurgeType, pauseMs?: number): void {
    if (type === 'files')
      this.urlShare.decrease(
        pauseMs,
        this.urls.sentBeforeLast() / ((this.urlsPerSecond * this.urls.windowMs) / 1000)
      )
    else this.requestShare.decrease(pauseMs)
  }

  /** The share of the documented rate in force for this type. */
  share(type: PurgeType): number {
    return (type === 'files' ? this.urlShare : this.requestShare).current()
  }
}

const STRICTEST_FIRST: readonly Plan[] = ['free', 'pro', 'business', 'enterprise']

/**
 * One pacer per account, as Cloudflare limits purges per account: every zone of an account spends one
 * budget. Which plan's figures apply to an account whose zones are on different plans is not
 * documented, so its pacer follows the strictest plan among the zones this run purges there (an unknown
 * plan counts as Free). Zones whose account could not be read share one pacer: they are most likely
 * in one account, and sharing errs on the slow side.
 */
export function pacersByAccount(zones: ResolvedZone[], now?: () => number): (zoneId: string) => PurgePacer {
  const accountOf = (zone: ResolvedZone | undefined): string => zone?.accountId ?? 'unknown account'
  const pacers = new Map<string, PurgePacer>()
  return (zoneId) => {
    const account = accountOf(zones.find((z) => z.id === zoneId))
    let pacer = pacers.get(account)
    if (!pacer) {
      const plans = zones.filter((z) => accountOf(z) === account).map((z) => z.plan ?? 'free')
      const strictest = STRICTEST_FIRST.find((plan) => plans.includes(plan)) ?? 'free'
      pacers.set(account, (pacer = new PurgePacer(strictest, now)))
    }
    return pacer
  }
}

const PLAN_NAMES: Record<Plan, string> = {
  free: 'Free',
  pro: 'Pro',
  business: 'Business',
  enterprise: 'Enterprise'
}

/** The limit that applies to a purge type on a plan, in words for an error message. */
export function describeRateLimit(plan: Plan | undefined, type: PurgeType): string {
  const limits = PURGE_RATE_LIMITS[plan ?? 'free']
  const name = plan ? `${PLAN_NAMES[plan]} plan` : 'Free plan (assumed: the zone plan could not be read)'
  if (type === 'files')
    return `${name}: ${limits.urlsPerSecond.toLocaleString('en-US')} URLs per second per account`
  const { rate, capacity } = limits.requests
  const perUnit = rate < 1 ? `${Math.round(rate * 60)} requests per minute` : `${rate} requests per second`
  return `${name}: ${perUnit} (bursts up to ${capacity}) for tags, hosts, prefixes and everything, per account`
}
