// Verifies the credential and resolves the zones at the same time, and decides which failure is the
// run's verdict. A failure that decides ends the other side at once: its requests and its retry waits.
import type { CloudflareApi } from '../cloudflare/api.js'
import { DiagnosedFailure } from '../diagnosis/failure.js'
import type { Credential, ZoneRef } from '../types.js'
import { verifyCredential, type Verification } from './credential-verifier.js'
import { findZonesOfHosts, resolveZones, type HostZones } from './zone-resolver.js'

export interface AccessRequest {
  /** The zones given; empty when each item's zone is found from its hostname. */
  zones: ZoneRef[]
  /** The hostnames of the items, for zones found from them. */
  hosts: string[]
  credential: Credential
  accountId?: string
}

export interface Access {
  verification: Verification
  found: HostZones
}

/**
 * Zone failures that a refused credential also produces (10000, 9109, an empty listing, …): the verdict
 * on the credential explains them better, so it is waited for. Any other zone failure (the API
 * unreachable, rate limited, an Account ID given as zone) decides the run by itself.
 */
const EXPLAINED_BY_CREDENTIAL = new Set([
  'zone-not-visible',
  'zone-name-not-found',
  'token-ip-restricted',
  'token-invalid',
  'global-key-unknown',
  'bad-auth-header'
])

function explainedByCredential(error: unknown): boolean {
  return error instanceof DiagnosedFailure && error.findings.some((f) => EXPLAINED_BY_CREDENTIAL.has(f.id))
}

function isAccountIdMixup(error: unknown): boolean {
  return error instanceof DiagnosedFailure && error.findings.some((f) => f.id === 'zone-is-account-id')
}

/** The credential's verdict and the zones; throws the failure that decides the run. */
export async function checkAccess(api: CloudflareApi, request: AccessRequest): Promise<Access> {
  const stopZones = new AbortController()
  const stopVerification = new AbortController()
  let zonesSettled = false
  let verificationSettled = false
  let zonesCancelled = false
  let verificationCancelled = false

  const zoneApi = api.withSignal(stopZones.signal)
  const zonesPromise: Promise<HostZones> =
    request.zones.length > 0
      ? resolveZones(zoneApi, request.zones).then((zones) => ({ zones, byHost: new Map(), errors: [] }))
      : findZonesOfHosts(zoneApi, request.hosts)
  const verificationPromise = verifyCredential(api.withSignal(stopVerification.signal), request.credential, {
    ...(request.accountId ? { accountId: request.accountId } : {}),
    zoneAccountId: async () => (await zonesPromise).zones.find((z) => z.zone.accountId)?.zone.accountId
  })

  // A refused credential is the verdict: the zone lookups can only end the same way.
  verificationPromise.then(
    () => (verificationSettled = true),
    () => {
      verificationSettled = true
      if (!zonesSettled) {
        zonesCancelled = true
        stopZones.abort()
      }
    }
  )
  zonesPromise.then(
    () => (zonesSettled = true),
    (error: unknown) => {
      zonesSettled = true
      if (!verificationSettled && !explainedByCredential(error)) {
        verificationCancelled = true
        stopVerification.abort()
      }
    }
  )

  const [verification, found] = await Promise.allSettled([verificationPromise, zonesPromise])
  // An Account ID given as zone was recognised by reading that account with this very credential,
  // so it is the real problem even when the token could not be verified (no account to verify under).
  if (found.status === 'rejected' && !zonesCancelled && isAccountIdMixup(found.reason)) throw found.reason
  if (verification.status === 'rejected' && !verificationCancelled) throw verification.reason
  if (found.status === 'rejected') throw found.reason
  if (verification.status === 'rejected') throw verification.reason
  return { verification: verification.value, found: found.value }
}
