// Verifies the credential and finds the zones (given, or from the items' hostnames) side by side; the
// verdict on the credential is reported first. Until an answer says how much of the API budget is left,
// the HTTP client lets a small first wave go (src/cloudflare/budget.ts, FIRST_WAVE), so the opening calls
// cost one round trip.
import type { CloudflareApi } from '../cloudflare/api.js'
import { candidateZoneNames } from '../cloudflare/hostnames.js'
import { DiagnosedFailure } from '../diagnosis/failure.js'
import type { PurgeRequest, Settings } from '../types.js'
import { verifyCredential, type Verification } from './credential-verifier.js'
import { itemHosts } from './zone-assignment.js'
import {
  findOwnZones,
  findZonesOfHosts,
  resolveZones,
  type HostZones,
  type ZoneResolution
} from './zone-resolver.js'

export interface Access {
  verification: Verification
  zones: ZoneResolution[]
  /**
   * Zones of the account below a zone given by name that serve some of the items' hosts themselves
   * (blog.example.com under example.com): those items go to them (zone-assignment.ts).
   */
  ownZones: ZoneResolution[]
}

/**
 * Zone failures that a refused credential also produces (10000, 9109, an empty listing, …): the verdict
 * on the credential explains them better, so it is waited for. Any other zone failure (the API
 * unreachable, rate limited, an Account ID given as zone) decides the run by itself.
 */
const EXPLAINED_BY_CREDENTIAL = new Set([
  'zone-not-visible',
  // 7000 "No route" on the zone is also what a wrong `api_url` gives: verification tells the two apart.
  'zone-invalid-id',
  'zone-name-not-found',
  'token-ip-restricted',
  'token-invalid',
  'global-key-unknown',
  'bad-auth-header'
])

function explainedByCredential(error: unknown): boolean {
  return error instanceof DiagnosedFailure && error.findings.some((f) => EXPLAINED_BY_CREDENTIAL.has(f.id))
}

/**
 * Throws a DiagnosedFailure when the credential or a zone will not do; `log` gets what was found. A failure
 * that decides the run ends the other side at once (its requests and its retry waits), so that nothing
 * runs on after the verdict.
 */
export async function checkAccess(
  api: CloudflareApi,
  settings: Pick<Settings, 'zones' | 'credential' | 'accountId'> & { apiUrl?: string },
  purge: PurgeRequest,
  log: (line: string) => void
): Promise<Access> {
  const stopZones = new AbortController()
  const stopVerification = new AbortController()
  let zonesSettled = false
  let verificationSettled = false
  let zonesCancelled = false
  let verificationCancelled = false

  const verificationPromise = verifyCredential(api.withSignal(stopVerification.signal), settings.credential, {
    ...(settings.accountId ? { accountId: settings.accountId } : {}),
    ...(settings.apiUrl ? { apiUrl: settings.apiUrl } : {}),
    // Asked only after the verify call's answer, by which time the zone lookups have started.
    zoneAccountId: async () => (await zonesPromise).zones.find((z) => z.zone.accountId)?.zone.accountId
  })
  const zoneApi = api.withSignal(stopZones.signal)
  const zonesPromise: Promise<HostZones> =
    settings.zones.length > 0
      ? resolveZones(zoneApi, settings.zones).then((zones) => ({ zones, byHost: new Map(), errors: [] }))
      : findZonesOfHosts(zoneApi, itemHosts(purge))
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
  // A side ended because the other one decided is never the verdict.
  if (verification.status === 'rejected' && !verificationCancelled) throw verification.reason
  if (found.status === 'rejected') throw found.reason
  if (verification.status === 'rejected') throw verification.reason
  // Every hostname in no visible zone, reported together, before anything is purged.
  if (found.value.errors.length > 0) throw new DiagnosedFailure(found.value.errors)
  const zones = found.value.zones
  const ownZones =
    settings.zones.length > 0
      ? await findOwnZones(
          api,
          itemHosts(purge),
          zones.map((z) => z.zone),
          settings.zones.flatMap((z) => (z.kind === 'name' ? candidateZoneNames(z.name) : []))
        )
      : []
  for (const own of ownZones)
    log(`Zone ${own.label} → ${own.zone.id}: a zone of its own, for the items on it`)
  for (const [host, zoneId] of found.value.byHost) {
    log(`Host ${host} → zone ${zones.find((z) => z.zone.id === zoneId)?.zone.name ?? zoneId}`)
  }
  const v = verification.value
  log(
    v.owner === 'global-key'
      ? 'Global API Key accepted'
      : `API token is active (${v.owner === 'account' ? 'account-owned' : 'user'} token${v.tokenId ? ` ${v.tokenId}` : ''})`
  )
  for (const z of zones) {
    const plan = z.zone.plan ? `${z.zone.plan} plan` : 'plan unknown'
    log(
      `Zone ${z.label} → ${z.zone.id}${z.zone.name && z.zone.name !== z.label ? ` (${z.zone.name})` : ''}, ${plan}`
    )
  }
  return { verification: v, zones, ownZones }
}

function isAccountIdMixup(error: unknown): boolean {
  return error instanceof DiagnosedFailure && error.findings.some((f) => f.id === 'zone-is-account-id')
}
