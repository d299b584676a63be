// What Cloudflare's refusals mean on the invalidate and environment endpoints. Cloudflare documents
// code 1136 for invalidating by URL; its answers for a zone without Version Management are not
// documented, so those are recognised by status and words as well as by the routing codes.
import { CloudflareError } from '../cloudflare/errors.js'
import { diagnose } from './catalogue.js'
import type { Finding } from '../types.js'

/** Cloudflare's routing error: 7003 "Could not route to …" with 7000 "No route for that URI". */
export function isRoutingError(error: CloudflareError): boolean {
  return error.kind === 'api' && (error.hasCode(7000, 7003) || error.status === 404)
}

/** Code 1136: invalidating by URL in an environment that selects requests by IP, country, ASN or threat score. */
export const URL_INVALIDATION_REFUSED = 1136

/**
 * The finding for a failed invalidation or environment request, or undefined when the generic diagnosis
 * fits (a rate limit, a network failure, a permission refused on the purge).
 */
export function diagnoseTargetError(
  error: CloudflareError,
  context: { zone?: string; environment?: string }
): Finding | undefined {
  if (error.kind !== 'api') return undefined
  const zone = context.zone ?? 'this zone'
  const path = error.endpoint.replace(/^[A-Z]+ /, '')
  if (path.endsWith('/invalidate_cache')) {
    if (error.hasCode(URL_INVALIDATION_REFUSED)) {
      return diagnose('invalidate-url-refused', {
        zone,
        ...(context.environment ? { environment: context.environment } : {})
      })
    }
    if (isRoutingError(error)) return diagnose('invalidate-unavailable', { zone, detail: error.describe() })
  }
  // A routing error on an environment's purge is not about the zone ID, which was read already.
  if (path.includes('/environments/') && isRoutingError(error))
    return diagnose('purge-failed', { detail: error.describe() })
  return undefined
}

/** Why listing a zone's environments failed: no Version Management, refused, or something else. */
export type EnvironmentsRefusal = 'not-enabled' | 'not-readable' | undefined

const VERSIONING_WORDS = /version|environment|not enabled|not entitled|entitlement|enterprise/i

export function classifyEnvironmentsError(error: unknown): EnvironmentsRefusal {
  if (!(error instanceof CloudflareError) || error.kind !== 'api') return undefined
  // An IP filter (9109) and a malformed credential are not about environments.
  if (error.hasCode(9109, 9103, 6003, 6111, 6102, 6103, 971) || error.status === 429) return undefined
  const words = error.errors.some((e) => VERSIONING_WORDS.test(e.message))
  if (words || isRoutingError(error)) return 'not-enabled'
  if (error.status === 403 || error.hasCode(10000)) return 'not-readable'
  // Other 4xx answers on this endpoint: most likely the feature is missing, as far as anyone can tell.
  if (error.status !== undefined && error.status >= 400 && error.status < 500) return 'not-enabled'
  return undefined
}
