// The Cloudflare API calls the action makes, with their answers checked into plain types.
import { HEX32_ID } from '../patterns.js'
import type { CacheMode, Environment, Plan, ResolvedZone } from '../types.js'
import { CloudflareError } from './errors.js'
import type { CloudflareHttpClient, Envelope } from './http-client.js'

export interface TokenStatus {
  id?: string
  status: string
  expiresOn?: string
  notBefore?: string
}

/** A URL with the request headers its cache key uses (CF-Device-Type, CF-IPCountry, Accept-Language…). */
export interface PurgeFile {
  url: string
  headers?: Record<string, string>
}

type PurgeKey = 'purge_everything' | 'files' | 'tags' | 'hosts' | 'prefixes'
/** One purge type per request: the other keys are absent. */
type OneOf<K extends PurgeKey, V> = Record<K, V> & Partial<Record<Exclude<PurgeKey, K>, never>>

/**
 * A purge_cache body as Cloudflare's API schema has it: `files` holds plain URLs or {url, headers}
 * objects, not both (__tests__/cloudflare/sdk-contract.test.ts holds this to the official SDK's types).
 */
export type PurgeBody =
  | OneOf<'purge_everything', true>
  | OneOf<'files', string[]>
  | OneOf<'files', PurgeFile[]>
  | OneOf<'tags', string[]>
  | OneOf<'hosts', string[]>
  | OneOf<'prefixes', string[]>

export interface PurgeOptions {
  /** Paces each retry like a new request. */
  beforeRetry?: () => Promise<void>
  /** Told of each failed attempt as it fails (a 429 slows the account's pace down). */
  onAttemptFailed?: (error: CloudflareError) => void
  /** Ends the request and its retries (its zone or the credential was refused meanwhile). */
  signal?: AbortSignal
  /** Each attempt already holds a request of the API budget, taken by the caller (see CallInit). */
  budgeted?: boolean
}

/** Where a purge or an invalidation goes: the whole zone, or one Version Management environment of it. */
export interface CacheTarget {
  mode: CacheMode
  environment?: Environment
}

/**
 * Environment refs are 32 hex characters in Cloudflare's examples, at most 32 characters in its API
 * schema; anything outside this safe set is refused before it reaches a URL path.
 */
const ENVIRONMENT_REF = /^[A-Za-z0-9_-]{1,32}$/

/**
 * `/zones/{zone_id}/purge_cache`, `/zones/{zone_id}/invalidate_cache`, or the same under
 * `/environments/{ref}` (Cloudflare's API reference: "Purge / Invalidate Cached Content by Environment").
 */
export function cachePath(zoneId: string, target: CacheTarget): string {
  const zone = `/zones/${assertId(zoneId, 'zone ID')}`
  const ref = target.environment?.ref
  if (ref !== undefined && !ENVIRONMENT_REF.test(ref)) {
    throw new Error('internal: refusing to put an invalid environment ref into a URL path')
  }
  const verb = target.mode === 'invalidate' ? 'invalidate_cache' : 'purge_cache'
  return ref === undefined ? `${zone}/${verb}` : `${zone}/environments/${ref}/${verb}`
}

/** IDs go into URL paths: anything but 32 hex characters is refused before a request is built. */
function assertId(id: string, what: string): string {
  if (!HEX32_ID.test(id)) throw new Error(`internal: refusing to put an invalid ${what} into a URL path`)
  return id
}

export class CloudflareApi {
  constructor(
    readonly http: CloudflareHttpClient,
    /** Ends every call made through this object (see withSignal). */
    readonly signal?: AbortSignal
  ) {}

  /** The same API whose calls also end when `signal` aborts: siblings of a failure stop with it. */
  withSignal(signal: AbortSignal): CloudflareApi {
    return new CloudflareApi(this.http, this.signal ? AbortSignal.any([this.signal, signal]) : signal)
  }

  private get<T>(path: string, query?: Record<string, string>): Promise<Envelope<T>> {
    return this.http.call<T>('GET', path, {
      ...(query ? { query } : {}),
      ...(this.signal ? { signal: this.signal } : {})
    })
  }

  async verifyUserToken(): Promise<TokenStatus> {
    return toTokenStatus((await this.get<unknown>('/user/tokens/verify')).result, 'GET /user/tokens/verify')
  }

  async verifyAccountToken(accountId: string): Promise<TokenStatus> {
    const path = `/accounts/${assertId(accountId, 'account ID')}/tokens/verify`
    return toTokenStatus((await this.get<unknown>(path)).result, `GET ${path}`)
  }

  async getUser(): Promise<void> {
    await this.get<unknown>('/user')
  }

  async getAccount(accountId: string): Promise<{ id: string; name?: string }> {
    const path = `/accounts/${assertId(accountId, 'account ID')}`
    const result = (await this.get<{ id?: string; name?: string } | null>(path)).result
    return { id: accountId, ...(typeof result?.name === 'string' ? { name: result.name } : {}) }
  }

  async getZone(zoneId: string): Promise<ResolvedZone> {
    const path = `/zones/${assertId(zoneId, 'zone ID')}`
    return toZone((await this.get<unknown>(path)).result, `GET ${path}`)
  }

  /** Zones with exactly this name that the credential can read (an empty list when none). */
  async findZonesByName(name: string): Promise<ResolvedZone[]> {
    const envelope = await this.get<unknown>('/zones', { name, per_page: '50' })
    if (!Array.isArray(envelope.result)) throw malformed('GET /zones', 'a list of zones')
    return envelope.result.map((z) => toZone(z, 'GET /zones'))
  }

  /** A POST whose request and retries end with this object's signal or the call's own. */
  private post<T>(path: string, body: PurgeBody, options: PurgeOptions): Promise<Envelope<T>> {
    const signals = [this.signal, options.signal].filter((s): s is AbortSignal => s !== undefined)
    return this.http.call<T>('POST', path, {
      body,
      ...(options.beforeRetry ? { beforeRetry: options.beforeRetry } : {}),
      ...(options.onAttemptFailed ? { onAttemptFailed: options.onAttemptFailed } : {}),
      ...(options.budgeted ? { budgeted: true } : {}),
      ...(signals.length > 0 ? { signal: AbortSignal.any(signals) } : {})
    })
  }

  /** Posts one purge or invalidation to the zone or one of its environments; returns Cloudflare's ID. */
  async clearCache(
    zoneId: string,
    body: PurgeBody,
    target: CacheTarget,
    options: PurgeOptions = {}
  ): Promise<string> {
    const path = cachePath(zoneId, target)
    const { result } = await this.post<{ id?: unknown } | null>(path, body, options)
    if (!result || typeof result.id !== 'string') {
      throw malformed(`POST ${path}`, target.mode === 'invalidate' ? 'an invalidation ID' : 'a purge ID')
    }
    return result.id
  }

  /**
   * The zone's Version Management environments (`result.environments`). Entries without a usable name
   * and ref are left out; an answer without a list is taken as no environments at all.
   */
  async listEnvironments(zoneId: string): Promise<Environment[]> {
    const path = `/zones/${assertId(zoneId, 'zone ID')}/environments`
    const { result } = await this.get<unknown>(path)
    const list = (result as { environments?: unknown } | null)?.environments ?? result
    if (!Array.isArray(list)) return []
    const environments: Environment[] = []
    for (const entry of list as Array<{ name?: unknown; ref?: unknown } | null>) {
      if (typeof entry?.name === 'string' && typeof entry.ref === 'string' && ENVIRONMENT_REF.test(entry.ref))
        environments.push({ name: entry.name, ref: entry.ref })
    }
    return environments
  }
}

function malformed(endpoint: string, expected: string): CloudflareError {
  return new CloudflareError({
    kind: 'invalid-response',
    endpoint,
    status: 200,
    message: `the API reported success but its answer did not contain ${expected}`
  })
}

function toTokenStatus(result: unknown, endpoint: string): TokenStatus {
  const r = result as Record<string, unknown> | null
  if (!r || typeof r.status !== 'string') throw malformed(endpoint, 'the token status')
  const out: TokenStatus = { status: r.status }
  if (typeof r.id === 'string') out.id = r.id
  if (typeof r.expires_on === 'string') out.expiresOn = r.expires_on
  if (typeof r.not_before === 'string') out.notBefore = r.not_before
  return out
}

const PLANS: readonly Plan[] = ['free', 'pro', 'business', 'enterprise']

function toZone(value: unknown, endpoint: string): ResolvedZone {
  const z = value as {
    id?: unknown
    name?: unknown
    plan?: { legacy_id?: unknown }
    account?: { id?: unknown }
    status?: unknown
  } | null
  if (!z || typeof z.id !== 'string' || !HEX32_ID.test(z.id)) throw malformed(endpoint, 'a zone')
  const zone: ResolvedZone = { id: z.id }
  if (typeof z.name === 'string') zone.name = z.name.toLowerCase()
  const plan = z.plan?.legacy_id
  if (typeof plan === 'string' && (PLANS as readonly string[]).includes(plan)) zone.plan = plan as Plan
  if (typeof z.account?.id === 'string' && HEX32_ID.test(z.account.id)) zone.accountId = z.account.id
  if (typeof z.status === 'string') zone.status = z.status
  return zone
}
