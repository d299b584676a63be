// Token buckets and a sliding window that pace purge requests to Cloudflare's published rate limits,
// so that a normal run never sees a 429. Reservations are first come, first served.
import type { Plan, PurgeType } from '../types.js'

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
    private readonly now: () => number = () => performance.now()
  ) {
    this.tokens = spec.capacity
    this.updated = now()
  }

  /** Reserves `cost` tokens and returns how many milliseconds to wait before using them. */
  reserve(cost: number): number {
    const t = this.now()
    this.tokens = Math.min(this.spec.capacity, this.tokens + ((t - this.updated) / 1000) * this.spec.rate)
    this.updated = t
    this.tokens -= cost
    return this.tokens >= 0 ? 0 : (-this.tokens / this.spec.rate) * 1000
  }

  /** Gives back tokens reserved for a request that was not sent after all. */
  refund(cost: number): void {
    this.tokens = Math.min(this.spec.capacity, this.tokens + cost)
  }
}

/**
 * How much earlier than planned a request may count at Cloudflare: connection set-up, scheduling and
 * the server's own clock shift arrivals by tens of milliseconds. The pacer keeps this much of every
 * bucket in reserve, so that such jitter never turns into a 429 (and its Retry-After of a second or more).
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

export interface WindowSpec {
  requests: number
  windowMs: number
}

/**
 * 1,200 requests per 5 minutes per user or token; going over blocks the credential for 5 minutes.
 * A sliding window, not a bucket: a bucket refilling at 4/s would allow more than 1,200 in 5 minutes.
 */
export const GLOBAL_API_LIMIT: WindowSpec = { requests: 1200, windowMs: 300_000 }

/** At most `requests` sends in any `windowMs`, counting the ones already made before pacing began. */
export class RequestWindow {
  /** Planned send times, oldest first; only the last `requests` matter. */
  private readonly sends: number[] = []

  constructor(
    readonly spec: WindowSpec,
    alreadySent = 0,
    private readonly now: () => number = () => performance.now(),
    private readonly marginMs = PACING_MARGIN_MS
  ) {
    const t = now()
    for (let i = 0; i < Math.min(alreadySent, spec.requests); i++) this.sends.push(t)
  }

  /** Reserves one send and returns how many milliseconds to wait before making it. */
  reserve(): number {
    const t = this.now()
    const { requests, windowMs } = this.spec
    const oldest = this.sends.length >= requests ? this.sends[this.sends.length - requests] : undefined
    const at = oldest === undefined ? t : Math.max(t, oldest + windowMs + this.marginMs)
    this.sends.push(at)
    if (this.sends.length > requests) this.sends.splice(0, this.sends.length - requests)
    return at - t
  }
}

/** Paces purge requests of one account: URLs per second for files, a request bucket for the rest. */
export class PurgePacer {
  private readonly urls: TokenBucket
  private readonly requests: TokenBucket

  constructor(plan: Plan | undefined, now?: () => number, marginMs = PACING_MARGIN_MS) {
    const limits = PURGE_RATE_LIMITS[plan ?? 'free']
    const urls = { rate: limits.urlsPerSecond, capacity: limits.urlsPerSecond }
    this.urls = new TokenBucket(withMargin(urls, marginMs), now)
    this.requests = new TokenBucket(withMargin(limits.requests, marginMs), now)
  }

  /** Milliseconds to wait before sending a purge of this type with `count` items. */
  reserve(type: PurgeType, count: number): number {
    return type === 'files' ? this.urls.reserve(count) : this.requests.reserve(1)
  }

  /** Gives back a reservation whose request was held back (by a pause after a 429). */
  refund(type: PurgeType, count: number): void {
    if (type === 'files') this.urls.refund(count)
    else this.requests.refund(1)
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
