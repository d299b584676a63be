// Public types of the local Cloudflare API v4 emulator. Re-exported by ./index.ts.

export type Plan = 'free' | 'pro' | 'business' | 'enterprise'

export interface EmulatorZone {
  id: string
  name: string
  /** Default 'free'. */
  plan?: Plan
  accountId: string
  /** Default 'active'. */
  status?: string
  /** Extension: URLs this zone takes in one purge request, instead of its plan's (`filesPerRequest`). */
  filesPerRequest?: number
  /**
   * The zone uses Version Management with these environments. Absent: a zone without Version Management,
   * whose environment endpoints answer 400, code 1140 (invented).
   */
  environments?: EmulatorEnvironment[]
}

/** A Version Management environment of a zone. */
export interface EmulatorEnvironment {
  name: string
  /** The environment ID in paths; Cloudflare's schema allows at most 32 characters. */
  ref: string
  /** The traffic filter, echoed by the listing. Default `(cf.zone.name eq "<zone name>")`. */
  expression?: string
  /**
   * The environment selects requests by IP, country, ASN or threat score: invalidating it by URL answers
   * 400, code 1136, as Cloudflare documents.
   */
  refusesUrlInvalidation?: boolean
}

export interface EmulatorAccount {
  id: string
  name: string
}

export type TokenPermission = 'zone.read' | 'cache.purge' | 'zone.versioning.read'

export interface EmulatorToken {
  /** The secret sent as `Authorization: Bearer <value>`. */
  value: string
  /** Token id returned by verify (default: derived from the value). */
  id?: string
  /** Default 'user'. Account-owned tokens verify only at /accounts/{accountId}/tokens/verify. */
  owner?: 'user' | 'account'
  /** Owning account (account tokens) / an account a user token may read. */
  accountId?: string
  /** Accounts whose GET /accounts/{id} this token may read. */
  accountIds?: string[]
  /** Default 'active'. */
  status?: 'active' | 'disabled' | 'expired'
  /** ISO timestamp, echoed by verify as expires_on. */
  expiresOn?: string
  /**
   * false: `expiresOn` is only echoed, and the token stays active past it (Cloudflare's own API schema
   * answers `status: "active"` with `expires_on: "2020-01-01T00:00:00Z"`). Default true.
   */
  expiryEnforced?: boolean
  /** ISO timestamp, echoed by verify as not_before. */
  notBefore?: string
  /** Zone IDs in scope; 'all' = every zone (of its account, for account-owned tokens). Default 'all'. */
  zones?: string[] | 'all'
  /** Default all three. */
  permissions?: TokenPermission[]
  /** Verify answers active, but every other call answers 403 code 9109. */
  ipRestricted?: boolean
}

export interface EmulatorGlobalKey {
  email: string
  key: string
  /** The key sees the zones of these accounts and may read these accounts. */
  accountIds: string[]
}

export type FaultAction =
  /**
   * A string body is sent verbatim (e.g. HTML), an object as JSON. With `cutAfterBytes`, the headers
   * announce the whole body but the connection is closed after that many bytes of it.
   */
  | { status: number; body?: string | object; headers?: Record<string, string>; cutAfterBytes?: number }
  /** Destroy the socket without answering. */
  | { reset: true }
  /** Accept and never answer (until close()). */
  | { hang: true }

export interface FaultRule {
  method?: string
  /** A string is the exact path after the base, e.g. '/zones/abc/purge_cache'. */
  path?: string | RegExp
  /** Only requests whose raw body contains this text, e.g. one URL of one purge batch. */
  bodyContains?: string
  /** Let this many matching requests through first. */
  skip?: number
  /** Then affect this many; default unlimited. */
  times?: number
  action: FaultAction
}

/**
 * How the URL limit of purges by URL is counted. Cloudflare calls it a moving average without naming
 * the window, so the emulator can count each way: a token bucket holding one second of URLs (the
 * default), or at most rate × seconds URLs in any sliding window of that many seconds (1 for a sliding
 * one-second window, 10 for an average over ten seconds).
 */
export type UrlCounting = { kind: 'bucket' } | { kind: 'window'; seconds: number }

export interface RateLimitSpec {
  filesPerSecond: number
  requestsPerSecond: number
  bucket: number
}

/** Extension: the global API limit (default 1200 requests per 300 s per credential). */
export interface GlobalRateLimitSpec {
  requests: number
  windowSeconds: number
}

export interface EmulatorOptions {
  zones?: EmulatorZone[]
  accounts?: EmulatorAccount[]
  tokens?: EmulatorToken[]
  globalKeys?: EmulatorGlobalKey[]
  /** Added before every answer. */
  latencyMs?: number
  faults?: FaultRule[]
  /** false disables every rate limit (the global one too); default: Cloudflare's documented limits. */
  rateLimits?: Partial<Record<Plan, RateLimitSpec>> | false
  /** How URLs are counted against `filesPerSecond`; default a bucket with a second of burst. */
  urlCounting?: UrlCounting
  /** Extension: the global per-credential limit; false disables it. Default 1200 per 300 s. */
  globalRateLimit?: GlobalRateLimitSpec | false
  /**
   * false: answers carry no `Ratelimit` / `Ratelimit-Policy` headers, as behind an old proxy that strips
   * them (the global limit still applies). Default true.
   */
  rateLimitHeaders?: boolean
  /** Default free/pro/business 100, enterprise 500 (Cloudflare's purge-cache page, August 2026). */
  filesPerRequest?: Partial<Record<Plan, number>>
  /** Tags/hosts/prefixes per request, default 100. */
  itemsPerRequest?: number
  /**
   * Extension: items Cloudflare refuses although they are well formed (a URL too long, a host it will not
   * purge, …). A purge request holding one is refused whole with 400, as Cloudflare does.
   */
  refuseItems?: ItemRefusal[]
  /** false: no invalidate endpoint (zone or environment), they answer 404, code 7000. Default true. */
  invalidation?: boolean
  /** Default 0 (random). */
  port?: number
  /**
   * Extension for tests on a busy machine: count rate limits at the moment the client sent a request, as
   * its `x-emulator-sent-at` header says (ms since the epoch; e2e/send-clock.cjs adds it), instead of when
   * the emulator reads it. Default false: arrival, as Cloudflare counts.
   */
  countAtSendTime?: boolean
}

/** An item that purge requests are refused for. */
export interface ItemRefusal {
  /** A URL (the `url` of a `{url, headers}` entry counts), tag, host or prefix, exactly as sent. */
  item: string
  /** Default: the emulator's code for an invalid item of that kind (1016 files, 1102, 1112, 1107). */
  code?: number
  /** Default: the emulator's words for an invalid item of that kind, naming the item. */
  message?: string
}

export interface RecordedRequest {
  method: string
  /** After the /client/v4 base, without query. */
  path: string
  query: Record<string, string>
  /** As received (Node lowercases the names). */
  headers: Record<string, string>
  /** Parsed JSON, the raw text when it is not JSON, undefined when empty. */
  body: unknown
  /** 0 for reset/hang (or while still pending). */
  status: number
  /** ms, performance.now() based. */
  startedAt: number
  endedAt: number
  /** When the rate limits counted it (performance.now() based): its send time with `countAtSendTime`. */
  countedAt: number
}

/** A purge (or invalidation) the emulator accepted, as the edge stand-in (edge.ts) hears of it. */
export interface RecordedPurge {
  zoneId: string
  zoneName: string
  kind: 'everything' | 'files' | 'tags' | 'hosts' | 'prefixes'
  /** As sent: URLs or {url, headers} objects, tags, hosts, prefixes, or 'everything'. */
  items: unknown[]
  action: 'purge' | 'invalidate'
}

export interface RunningEmulator {
  /** 'http://127.0.0.1:PORT/client/v4' */
  url: string
  /** Every request, in arrival order. */
  requests: RecordedRequest[]
  /** POST .../purge_cache requests (zone or environment) that succeeded (status 200, not faked by a fault). */
  purgeRequests(): RecordedRequest[]
  /** All items (files entries, tags, hosts, prefixes, or 'everything') successfully purged. */
  purgedItems(zoneId?: string): unknown[]
  /** POST .../invalidate_cache requests (zone or environment) that succeeded. */
  invalidateRequests(): RecordedRequest[]
  /** All items successfully invalidated, as purgedItems. */
  invalidatedItems(zoneId?: string): unknown[]
  count429(): number
  /**
   * Counts `requests` calls of the bearer token `token` in the global window now, as other tools of the
   * account would have made them before the run (accepted up to the limit).
   */
  spendGlobal(token: string, requests: number): void
  /** The fewest requests left in the global window that any answer since the start (or reset) reported. */
  fewestLeft(): number | undefined
  addFault(rule: FaultRule): void
  clearFaults(): void
  /** Forget recorded requests and refill rate buckets. */
  reset(): void
  /** Ends hanging sockets too and returns promptly. */
  close(): Promise<void>
  /** Calls `listener` with each purge or invalidation accepted from now on (the edge stand-in listens). */
  onPurge(listener: (purge: RecordedPurge) => void): void
}
