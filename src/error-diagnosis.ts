// Turns an error from the Cloudflare client into the catalogue entry that explains it.
import { CloudflareError } from './cloudflare/errors.js'
import { diagnose } from './diagnoses.js'
import { NotSentError } from './failure.js'
import type { Finding } from './types.js'

export type Stage = 'verify' | 'zone' | 'purge'

export interface ErrorContext {
  stage: Stage
  /** The zone as the user gave it, for messages. */
  zone?: string
  /** The credential verified successfully earlier in the run. */
  verified?: boolean
  /** The zone was read successfully earlier in the run. */
  zoneReadable?: boolean
  /** The rate limit that applies, in words, for 429s. */
  rateLimit?: string
}

/** Codes Cloudflare uses for a purge request carrying more items than the plan allows. */
export const TOO_MANY_ITEMS_CODES = [1094, 1101, 1106, 1111]

export function isTooManyItems(error: unknown): boolean {
  return (
    error instanceof CloudflareError &&
    error.status === 400 &&
    (error.hasCode(...TOO_MANY_ITEMS_CODES) || error.errors.some((e) => /too many|exceed/i.test(e.message)))
  )
}

export function diagnoseError(error: unknown, context: ErrorContext): Finding {
  if (error instanceof NotSentError) {
    return diagnose('purge-not-sent', {
      limit: context.rateLimit ?? "the purge rate limit of the zone's plan"
    })
  }
  if (!(error instanceof CloudflareError)) {
    return diagnose('cloudflare-error', { detail: error instanceof Error ? error.message : String(error) })
  }
  const zone = context.zone ?? 'this zone'
  if (
    error.kind === 'network' ||
    error.kind === 'timeout' ||
    (error.kind === 'invalid-response' && error.status !== 200)
  ) {
    const tries = error.attempts > 1 ? ` after ${error.attempts} attempts` : ''
    return diagnose('network-error', { detail: `${error.message} (${error.endpoint}${tries})` })
  }
  if (error.status === 429 || error.hasCode(971, 10100)) {
    return diagnose('rate-limited', {
      waitSeconds: error.retryAfterMs !== undefined ? Math.ceil(error.retryAfterMs / 1000) : undefined,
      limit:
        context.rateLimit ?? "the purge rate limit of the zone's plan, and 1,200 API requests per 5 minutes"
    })
  }
  if (error.hasCode(6003, 6111, 6102, 6103)) return diagnose('bad-auth-header', { detail: error.describe() })
  if (error.hasCode(9103)) return diagnose('global-key-unknown')
  if (error.hasCode(9109)) {
    return context.verified
      ? diagnose('token-ip-restricted', { detail: error.describe() })
      : diagnose('token-invalid')
  }
  if (error.hasCode(7003, 7000) && context.stage !== 'verify') return diagnose('zone-invalid-id', { zone })
  if (error.hasCode(10000) && context.stage === 'purge' && context.zoneReadable) {
    return diagnose('purge-not-permitted', { zone })
  }
  if (error.hasCode(10000) && context.stage !== 'verify') return diagnose('zone-not-visible', { zone })
  if (error.hasCode(1000) || (error.status === 401 && context.stage === 'verify'))
    return diagnose('token-invalid')
  const retried = error.attempts > 1 ? `, still after ${error.attempts} attempts` : ''
  return diagnose('cloudflare-error', { detail: `${error.describe()}${retried}` })
}
