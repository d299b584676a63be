// The emulated world: zones, accounts, credentials, their scopes, and the rate limiters.

import { createHash } from 'node:crypto'
import { SlidingWindow, TokenBucket, WeightedWindow } from './ratelimit.js'
import type {
  EmulatorAccount,
  EmulatorGlobalKey,
  EmulatorOptions,
  EmulatorToken,
  EmulatorZone,
  GlobalRateLimitSpec,
  ItemRefusal,
  Plan,
  RateLimitSpec,
  TokenPermission,
  UrlCounting
} from './types.js'

export const PLANS: readonly Plan[] = ['free', 'pro', 'business', 'enterprise']

export const DEFAULT_RATE_LIMITS: Record<Plan, RateLimitSpec> = {
  free: { filesPerSecond: 800, requestsPerSecond: 5 / 60, bucket: 25 },
  pro: { filesPerSecond: 1500, requestsPerSecond: 5, bucket: 25 },
  business: { filesPerSecond: 1500, requestsPerSecond: 10, bucket: 50 },
  enterprise: { filesPerSecond: 3000, requestsPerSecond: 50, bucket: 500 }
}

export const DEFAULT_FILES_PER_REQUEST: Record<Plan, number> = {
  free: 100,
  pro: 100,
  business: 100,
  enterprise: 500
}

/** The three readings of Cloudflare's "moving average" that the emulator can apply to URLs. */
export const URL_COUNTINGS = {
  bucket: { kind: 'bucket' },
  sliding1s: { kind: 'window', seconds: 1 },
  average10s: { kind: 'window', seconds: 10 }
} as const satisfies Record<string, UrlCounting>

export const DEFAULT_ITEMS_PER_REQUEST = 100

export const DEFAULT_GLOBAL_RATE_LIMIT: GlobalRateLimitSpec = { requests: 1200, windowSeconds: 300 }

export const ID_PATTERN = /^[0-9a-f]{32}$/

export const IP_RESTRICTED_LOCATION = '203.0.113.7'

export type Credential =
  | { kind: 'token'; token: EmulatorToken; key: string }
  | { kind: 'globalKey'; globalKey: EmulatorGlobalKey; key: string }

/** Where a token stands now, for every endpoint but verify. */
export type TokenCondition = 'active' | 'disabled' | 'expired' | 'notYetValid'

export function hexDigest(text: string, length = 32): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length)
}

export function tokenId(token: EmulatorToken): string {
  return token.id ?? hexDigest(`token-id:${token.value}`)
}

export function tokenOwner(token: EmulatorToken): 'user' | 'account' {
  return token.owner ?? 'user'
}

export function tokenPermissions(token: EmulatorToken): readonly TokenPermission[] {
  return token.permissions ?? ['zone.read', 'cache.purge', 'zone.versioning.read']
}

export function tokenCondition(token: EmulatorToken, nowMs = Date.now()): TokenCondition {
  if (token.status === 'disabled') return 'disabled'
  if (token.status === 'expired') return 'expired'
  const enforced = token.expiryEnforced !== false
  if (enforced && token.expiresOn !== undefined && Date.parse(token.expiresOn) <= nowMs) return 'expired'
  if (token.notBefore !== undefined && Date.parse(token.notBefore) > nowMs) return 'notYetValid'
  return 'active'
}

export function zonePlan(zone: EmulatorZone): Plan {
  return zone.plan ?? 'free'
}

export class EmulatorState {
  readonly zones = new Map<string, EmulatorZone>()
  readonly accounts = new Map<string, EmulatorAccount>()
  readonly tokens = new Map<string, EmulatorToken>()
  readonly globalKeys: EmulatorGlobalKey[]
  readonly rateLimits: Record<Plan, RateLimitSpec> | false
  readonly globalRateLimit: GlobalRateLimitSpec | false
  readonly filesPerRequest: Record<Plan, number>
  readonly itemsPerRequest: number
  readonly urlCounting: UrlCounting
  readonly refusedItems: readonly ItemRefusal[]
  readonly invalidation: boolean
  readonly rateLimitHeaders: boolean
  /** The fewest requests left in a global window that an answer reported. */
  fewestLeft: number | undefined

  private readonly fileBuckets = new Map<string, TokenBucket | WeightedWindow>()
  private readonly requestBuckets = new Map<string, TokenBucket>()
  private readonly globalWindows = new Map<string, SlidingWindow>()

  constructor(options: EmulatorOptions) {
    for (const account of options.accounts ?? []) this.accounts.set(account.id, account)
    for (const zone of options.zones ?? []) {
      this.zones.set(zone.id, zone)
      if (!this.accounts.has(zone.accountId)) {
        this.accounts.set(zone.accountId, {
          id: zone.accountId,
          name: `Account ${zone.accountId.slice(0, 8)}`
        })
      }
    }
    for (const token of options.tokens ?? []) this.tokens.set(token.value, token)
    this.globalKeys = [...(options.globalKeys ?? [])]

    const limits = options.rateLimits
    if (limits === false) {
      this.rateLimits = false
    } else {
      const merged = { ...DEFAULT_RATE_LIMITS }
      for (const plan of PLANS) merged[plan] = limits?.[plan] ?? DEFAULT_RATE_LIMITS[plan]
      this.rateLimits = merged
    }
    this.globalRateLimit =
      limits === false || options.globalRateLimit === false
        ? false
        : (options.globalRateLimit ?? DEFAULT_GLOBAL_RATE_LIMIT)
    this.filesPerRequest = { ...DEFAULT_FILES_PER_REQUEST, ...definedOnly(options.filesPerRequest ?? {}) }
    this.itemsPerRequest = options.itemsPerRequest ?? DEFAULT_ITEMS_PER_REQUEST
    this.urlCounting = options.urlCounting ?? URL_COUNTINGS.bucket
    this.refusedItems = [...(options.refuseItems ?? [])]
    this.invalidation = options.invalidation ?? true
    this.rateLimitHeaders = options.rateLimitHeaders ?? true
  }

  findGlobalKey(email: string, key: string): EmulatorGlobalKey | undefined {
    return this.globalKeys.find((g) => g.key === key && g.email.toLowerCase() === email.toLowerCase())
  }

  /** Whether the zone is within the credential's reach (ignoring permissions). */
  zoneInScope(credential: Credential, zone: EmulatorZone): boolean {
    if (credential.kind === 'globalKey') return credential.globalKey.accountIds.includes(zone.accountId)
    const token = credential.token
    if (tokenOwner(token) === 'account' && zone.accountId !== token.accountId) return false
    const zones = token.zones ?? 'all'
    return zones === 'all' || zones.includes(zone.id)
  }

  hasPermission(credential: Credential, permission: TokenPermission): boolean {
    return credential.kind === 'globalKey' || tokenPermissions(credential.token).includes(permission)
  }

  canReadAccount(credential: Credential, accountId: string): boolean {
    if (credential.kind === 'globalKey') return credential.globalKey.accountIds.includes(accountId)
    const token = credential.token
    return token.accountId === accountId || (token.accountIds ?? []).includes(accountId)
  }

  accountName(accountId: string): string {
    return this.accounts.get(accountId)?.name ?? `Account ${accountId.slice(0, 8)}`
  }

  /** The global per-credential limit: 0 when the request may go, else the seconds to wait. */
  takeGlobal(credentialKey: string, now: number): number {
    const window = this.globalWindow(credentialKey)
    return window ? window.take(now) : 0
  }

  /** Counts `requests` calls made before the run in the credential's global window. */
  spendGlobal(credentialKey: string, requests: number, now: number): void {
    const window = this.globalWindow(credentialKey)
    for (let i = 0; i < requests; i++) if (window?.take(now) !== 0) break
  }

  /** Values for the Ratelimit / Ratelimit-Policy headers, or undefined when the limit is off. */
  globalHeaders(credentialKey: string, now: number): Record<string, string> | undefined {
    const window = this.globalWindow(credentialKey)
    if (!window || !this.globalRateLimit) return undefined
    const left = window.remaining(now)
    this.fewestLeft = Math.min(this.fewestLeft ?? Infinity, left)
    if (!this.rateLimitHeaders) return undefined
    return {
      ratelimit: `"default";r=${left};t=${window.resetSeconds(now)}`,
      'ratelimit-policy': `"default";q=${this.globalRateLimit.requests};w=${this.globalRateLimit.windowSeconds}`
    }
  }

  private globalWindow(credentialKey: string): SlidingWindow | undefined {
    if (!this.globalRateLimit) return undefined
    let window = this.globalWindows.get(credentialKey)
    if (!window) {
      window = new SlidingWindow(this.globalRateLimit.requests, this.globalRateLimit.windowSeconds * 1000)
      this.globalWindows.set(credentialKey, window)
    }
    return window
  }

  /**
   * The purge limits of the zone's account, one pair of counters per account and plan. `files` costs one
   * per URL from the URL counter (a bucket or a window: `urlCounting`); every other purge costs one
   * from the request bucket.
   */
  takePurge(zone: EmulatorZone, files: number | undefined, now: number): number {
    if (!this.rateLimits) return 0
    const plan = zonePlan(zone)
    const spec = this.rateLimits[plan]
    const key = `${zone.accountId}:${plan}`
    if (files !== undefined) {
      let counter = this.fileBuckets.get(key)
      if (!counter) {
        const counting = this.urlCounting
        counter =
          counting.kind === 'bucket'
            ? new TokenBucket(spec.filesPerSecond, spec.filesPerSecond, now)
            : new WeightedWindow(spec.filesPerSecond * counting.seconds, counting.seconds * 1000)
        this.fileBuckets.set(key, counter)
      }
      return counter.take(files, now)
    }
    let bucket = this.requestBuckets.get(key)
    if (!bucket) {
      bucket = new TokenBucket(spec.requestsPerSecond, spec.bucket, now)
      this.requestBuckets.set(key, bucket)
    }
    return bucket.take(1, now)
  }

  /** Refills every bucket and forgets the global windows. */
  resetLimits(): void {
    this.fileBuckets.clear()
    this.requestBuckets.clear()
    this.globalWindows.clear()
    this.fewestLeft = undefined
  }
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}
