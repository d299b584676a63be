// Checks the credential with Cloudflare before anything is purged.
import type { CloudflareApi, TokenStatus } from '../cloudflare/api.js'
import { CloudflareError } from '../cloudflare/errors.js'
import { classifySecret } from '../inputs/credential-checks.js'
import { diagnose } from '../diagnosis/catalogue.js'
import { diagnoseError } from '../diagnosis/from-error.js'
import { DiagnosedFailure } from '../diagnosis/failure.js'
import type { Credential, Finding } from '../types.js'

export interface Verification {
  owner: 'user' | 'account' | 'global-key'
  tokenId?: string
  /** Warnings and notices to show even though verification passed. */
  notes: Finding[]
}

export interface VerifyOptions {
  accountId?: string
  /** The zone's account, learnt from the zone lookup running alongside; asked only when needed. */
  zoneAccountId: () => Promise<string | undefined>
  now?: Date
  /** The API base in use, named when even verification has no route there. */
  apiUrl?: string
}

const DAY_MS = 24 * 60 * 60 * 1000

export async function verifyCredential(
  api: CloudflareApi,
  credential: Credential,
  options: VerifyOptions
): Promise<Verification> {
  if (credential.kind === 'global-key') {
    try {
      await api.getUser()
    } catch (error) {
      throw new DiagnosedFailure([verifyFailure(error, options)])
    }
    return { owner: 'global-key', notes: [diagnose('global-key-in-use')] }
  }

  let status: TokenStatus
  let owner: Verification['owner'] = 'user'
  try {
    status = await api.verifyUserToken()
  } catch (error) {
    if (!isUnknownToken(error)) throw new DiagnosedFailure([verifyFailure(error, options)])
    // Account-owned tokens are unknown at the user endpoint; they verify under their account. The
    // token's shape, when it has one, says which kind it is.
    const shape = classifySecret(credential.token)
    if (shape === 'user-token') throw new DiagnosedFailure([diagnose('token-invalid', {})])
    const accountId = options.accountId ?? (await options.zoneAccountId().catch(() => undefined))
    if (!accountId) {
      throw new DiagnosedFailure([
        shape === 'account-token'
          ? diagnose('account-token-no-account')
          : diagnose('token-invalid', { maybeAccountOwned: true })
      ])
    }
    try {
      status = await api.verifyAccountToken(accountId)
      owner = 'account'
    } catch (accountError) {
      const finding = isUnknownToken(accountError)
        ? diagnose('token-invalid', { accountId })
        : diagnoseError(accountError, { stage: 'verify' })
      throw new DiagnosedFailure([finding])
    }
  }
  const notes = checkTokenStatus(status, options.now ?? new Date())
  const out: Verification = { owner, notes }
  if (status.id) out.tokenId = status.id
  return out
}

/**
 * Why verification failed. 7000 "No route for that URI" there means the base itself is wrong: every API
 * base has `/user/tokens/verify` and `/user` (a missing `/client/v4`, most often).
 */
function verifyFailure(error: unknown, options: VerifyOptions): Finding {
  if (options.apiUrl && error instanceof CloudflareError && error.kind === 'api' && error.hasCode(7000)) {
    return diagnose('api-url-wrong', { apiUrl: options.apiUrl })
  }
  return diagnoseError(error, { stage: 'verify' })
}

function isUnknownToken(error: unknown): boolean {
  return (
    error instanceof CloudflareError && error.kind === 'api' && (error.hasCode(1000) || error.status === 401)
  )
}

/** How long before its expiry date a token gets a warning: a deploy that breaks next week deserves one. */
export const EXPIRY_WARNING_DAYS = 14

/**
 * Throws for a token that Cloudflare says cannot work; returns warnings for one that soon may not.
 * Cloudflare's `status` is the verdict: its own API schema answers `active` with an `expires_on` of
 * 2020-01-01, and a runner's clock can be wrong too, so a date in the past only warns.
 */
export function checkTokenStatus(status: TokenStatus, now: Date): Finding[] {
  const day = (iso: string): string => iso.slice(0, 10)
  const minute = (iso: string): string => {
    const t = Date.parse(iso)
    return Number.isNaN(t) ? iso : `${new Date(t).toISOString().slice(0, 16).replace('T', ' ')} UTC`
  }
  if (status.status === 'expired') {
    throw new DiagnosedFailure([
      diagnose('token-inactive', {
        status: 'expired',
        ...(status.expiresOn ? { date: day(status.expiresOn) } : {})
      })
    ])
  }
  if (status.status !== 'active')
    throw new DiagnosedFailure([diagnose('token-inactive', { status: status.status })])
  if (status.notBefore && Date.parse(status.notBefore) > now.getTime()) {
    throw new DiagnosedFailure([diagnose('token-not-yet-valid', { date: minute(status.notBefore) })])
  }
  const expires = status.expiresOn ? Date.parse(status.expiresOn) : NaN
  if (!status.expiresOn || Number.isNaN(expires)) return []
  const left = expires - now.getTime()
  if (left <= 0) return [diagnose('token-expiry-passed', { date: day(status.expiresOn) })]
  if (left < EXPIRY_WARNING_DAYS * DAY_MS) {
    return [
      diagnose('token-expiring', {
        date: day(status.expiresOn),
        days: Math.max(1, Math.ceil(left / DAY_MS))
      })
    ]
  }
  return []
}
