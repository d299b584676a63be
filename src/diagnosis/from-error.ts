// Turns an error from the Cloudflare client into the catalogue entry that explains it.
// The codes matched are those Cloudflare's answers carry for each case, as observed and recorded with
// their messages in emulator/README.md (credential, zone and route codes) and src/cloudflare/refusals.ts;
// 971 "Please wait and consider throttling your request speed" comes with every 429 of the API, and
// 10100 is the older code of that answer that API users reported.
import { OverBudgetError } from '../cloudflare/budget.js'
import { ANSWER_TOO_LARGE, CloudflareError } from '../cloudflare/errors.js'
import { classifyRefusal } from '../cloudflare/refusals.js'
import { diagnose } from './catalogue.js'
import { NotSentError } from './failure.js'
import { diagnoseTargetError } from './target-errors.js'
import type { Finding } from '../types.js'

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
  /** The items of the purge request, as sent: one item refused alone is named as such. */
  items?: string[]
  /** The Version Management environment the request went to, for messages. */
  environment?: string
}

/** The API-wide limit, in words, for a 429 outside the purge itself. */
const GLOBAL_LIMIT_WORDS =
  'the API limit of 1,200 requests per 5 minutes per user or token (going over it blocks for 5 minutes)'

export function diagnoseError(error: unknown, context: ErrorContext): Finding {
  if (error instanceof OverBudgetError) return diagnose('api-budget-exhausted', error.budget)
  if (error instanceof NotSentError) {
    return diagnose('purge-not-sent', {
      limit: context.rateLimit ?? "the purge rate limit of the zone's plan"
    })
  }
  if (!(error instanceof CloudflareError)) {
    return diagnose('unexpected-error', { detail: error instanceof Error ? error.message : String(error) })
  }
  const zone = context.zone ?? 'this zone'
  const retried = error.attempts > 1 ? `, still after ${error.attempts} attempts` : ''
  // An answer too large to be the API's: named as such, not as a network failure.
  if (error.code === ANSWER_TOO_LARGE) {
    return diagnose('unreadable-answer', {
      detail: `${error.message} (${error.endpoint})`,
      purge: context.stage === 'purge'
    })
  }
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
      ...(error.timeLeftMs !== undefined ? { timeLeftSeconds: Math.floor(error.timeLeftMs / 1000) } : {}),
      answers: error.attempts,
      limit:
        context.rateLimit ??
        (context.stage === 'purge'
          ? `the purge rate limit of the zone's plan, and ${GLOBAL_LIMIT_WORDS}`
          : GLOBAL_LIMIT_WORDS)
    })
  }
  if (error.hasCode(6003, 6111, 6102, 6103)) return diagnose('bad-auth-header', { detail: error.describe() })
  if (error.hasCode(9103)) return diagnose('global-key-unknown')
  if (error.hasCode(9109)) {
    // Past the verify stage the token was found active (its verdict is reported first), so a refusal
    // now is about where the request comes from.
    return context.stage !== 'verify' || context.verified
      ? diagnose('token-ip-restricted', { detail: error.describe() })
      : diagnose('token-invalid', {})
  }
  const target = diagnoseTargetError(error, context)
  if (target) return target
  if (error.hasCode(7003, 7000) && context.stage !== 'verify') return diagnose('zone-invalid-id', { zone })
  if (error.hasCode(10000) && context.stage === 'purge' && context.zoneReadable) {
    return diagnose('purge-not-permitted', { zone })
  }
  if (error.hasCode(10000) && context.stage !== 'verify') return diagnose('zone-not-visible', { zone })
  if (error.hasCode(1000) || (error.status === 401 && context.stage === 'verify'))
    return diagnose('token-invalid', {})
  if (error.kind === 'invalid-response') {
    return diagnose('unreadable-answer', {
      detail: `${error.describe()}${retried}`,
      purge: context.stage === 'purge'
    })
  }
  if (context.stage === 'purge') {
    const items = context.items ?? []
    if (items.length === 1 && classifyRefusal(error, items)?.about === 'item')
      return diagnose('purge-item-refused', { detail: error.describe() })
    return diagnose('purge-failed', { detail: `${error.describe()}${retried}` })
  }
  return diagnose('cloudflare-error', { detail: `${error.describe()}${retried}` })
}
