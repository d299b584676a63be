// Token buckets that pace purge requests to Cloudflare's published rate limits, so that a normal
// run never sees a 429. Reservations are first come, first served.
import type { Plan, PurgeType } from './types.js'

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
}

/** Purge rate limits per account (../shared/cloudflare-api.md). Unknown plan: Free, the strictest. */
export const PURGE_RATE_LIMITS: Record<Plan, { urlsPerSecond: number; requests: BucketSpec }> = {
  free: { urlsPerSecond: 800, requests: { rate: 5 / 60, capacity: 25 } },
  pro: { urlsPerSecond: 1500, requests: { rate: 5, capacity: 25 } },
  business: { urlsPerSecond: 1500, requests: { rate: 10, capacity: 50 } },
  enterprise: { urlsPerSecond: 3000, requests: { rate: 50, capacity: 500 } }
}

/** 1,200 requests per 5 minutes per user or token. */
export const GLOBAL_API_LIMIT: BucketSpec = { rate: 4, capacity: 1200 }

/** Paces purge requests of one account: URLs per second for files, a request bucket for the rest. */
export class PurgePacer {
  private readonly urls: TokenBucket
  private readonly requests: TokenBucket

  constructor(plan: Plan | undefined, now?: () => number) {
    const limits = PURGE_RATE_LIMITS[plan ?? 'free']
    this.urls = new TokenBucket({ rate: limits.urlsPerSecond, capacity: limits.urlsPerSecond }, now)
    this.requests = new TokenBucket(limits.requests, now)
  }

  /** Milliseconds to wait before sending a purge of this type with `count` items. */
  reserve(type: PurgeType, count: number): number {
    return type === 'files' ? this.urls.reserve(count) : this.requests.reserve(1)
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
