// Verifies the credential and finds the zones (given, or from the items' hostnames) at the same time,
// so that a run spends one round trip on both; the verdict on the credential is reported first.
import type { CloudflareApi } from '../cloudflare/api.js'
import { DiagnosedFailure } from '../diagnosis/failure.js'
import type { PurgeRequest, Settings } from '../types.js'
import { verifyCredential, type Verification } from './credential-verifier.js'
import { itemHosts } from './zone-assignment.js'
import { findZonesOfHosts, resolveZones, type HostZones, type ZoneResolution } from './zone-resolver.js'

export interface Access {
  verification: Verification
  zones: ZoneResolution[]
}

/** Throws a DiagnosedFailure when the credential or a zone will not do; `log` gets what was found. */
export async function checkAccess(
  api: CloudflareApi,
  settings: Pick<Settings, 'zones' | 'credential' | 'accountId'>,
  purge: PurgeRequest,
  log: (line: string) => void
): Promise<Access> {
  const zonesPromise: Promise<HostZones> =
    settings.zones.length > 0
      ? resolveZones(api, settings.zones).then((zones) => ({ zones, byHost: new Map(), errors: [] }))
      : findZonesOfHosts(api, itemHosts(purge))
  zonesPromise.catch(() => undefined) // awaited below; this only keeps an early rejection from going unhandled
  const verificationPromise = verifyCredential(api, settings.credential, {
    ...(settings.accountId ? { accountId: settings.accountId } : {}),
    zoneAccountId: async () => (await zonesPromise).zones.find((z) => z.zone.accountId)?.zone.accountId
  })
  const [verification, found] = await Promise.allSettled([verificationPromise, zonesPromise])
  // An Account ID given as zone was recognised by reading that account with this very credential,
  // so it is the real problem even when the token could not be verified (no account to verify under).
  if (verification.status === 'rejected' && found.status === 'rejected' && isAccountIdMixup(found.reason))
    throw found.reason
  if (verification.status === 'rejected') throw verification.reason
  if (found.status === 'rejected') throw found.reason
  // Every hostname in no visible zone, reported together, before anything is purged.
  if (found.value.errors.length > 0) throw new DiagnosedFailure(found.value.errors)
  const zones = found.value.zones
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
  return { verification: v, zones }
}

function isAccountIdMixup(error: unknown): boolean {
  return error instanceof DiagnosedFailure && error.findings.some((f) => f.id === 'zone-is-account-id')
}
