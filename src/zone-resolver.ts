// Finds the zone the user meant: by ID (reading its plan and account when allowed) or by name,
// trying a hostname's parent names at the same time and keeping the most specific match.
import type { CloudflareApi } from './cloudflare/api.js'
import { CloudflareError } from './cloudflare/errors.js'
import { diagnose } from './diagnoses.js'
import { diagnoseError } from './error-diagnosis.js'
import { DiagnosedFailure } from './failure.js'
import { candidateZoneNames, toAsciiHostname } from './hostnames.js'
import type { Finding, ResolvedZone, ZoneRef } from './types.js'

export interface ZoneResolution {
  zone: ResolvedZone
  /** False when the zone's details could not be read: safe default limits apply. */
  readable: boolean
  /** How the user wrote it, for messages. */
  label: string
  notes: Finding[]
}

export async function resolveZone(api: CloudflareApi, ref: ZoneRef): Promise<ZoneResolution> {
  return ref.kind === 'id' ? resolveZoneById(api, ref.id) : resolveZoneByName(api, ref.name)
}

async function resolveZoneById(api: CloudflareApi, id: string): Promise<ZoneResolution> {
  try {
    return { zone: await api.getZone(id), readable: true, label: id, notes: [] }
  } catch (error) {
    if (!(error instanceof CloudflareError) || error.kind !== 'api') throw failure(error, id)
    if (error.hasCode(9109)) throw failure(error, id)
    const unroutable = error.hasCode(7003, 7000)
    if (!unroutable && !error.hasCode(10000) && error.status !== 403) throw failure(error, id)
    // 10000 means "not yours", "no Zone Read" or "not a zone", and 7003 "no such zone": either way
    // an Account ID is the classic mix-up.
    if (await isAccount(api, id)) throw new DiagnosedFailure([diagnose('zone-is-account-id', { zone: id })])
    if (unroutable) throw new DiagnosedFailure([diagnose('zone-invalid-id', { zone: id })])
    return { zone: { id }, readable: false, label: id, notes: [diagnose('zone-unreadable', { zone: id })] }
  }
}

async function isAccount(api: CloudflareApi, id: string): Promise<boolean> {
  try {
    await api.getAccount(id)
    return true
  } catch {
    return false
  }
}

async function resolveZoneByName(api: CloudflareApi, name: string): Promise<ZoneResolution> {
  const tried = candidateZoneNames(name)
  const lookups = await Promise.allSettled(tried.map((candidate) => api.findZonesByName(candidate)))
  for (const [i, lookup] of lookups.entries()) {
    if (lookup.status === 'fulfilled') {
      // Only an exact match: a listing that ignored the filter must never pick some other zone to purge.
      const zone = lookup.value.find((z) => z.name !== undefined && toAsciiHostname(z.name) === tried[i])
      if (zone) return { zone: { ...zone, name: tried[i] }, readable: true, label: name, notes: [] }
    }
  }
  const failed = lookups.find((l): l is PromiseRejectedResult => l.status === 'rejected')
  // A listing refused for lack of permission reads, to the user, the same as an empty one; an IP
  // filter (9109) does not.
  if (
    failed &&
    !(
      failed.reason instanceof CloudflareError &&
      failed.reason.kind === 'api' &&
      failed.reason.status === 403 &&
      !failed.reason.hasCode(9109)
    )
  ) {
    throw failure(failed.reason, name)
  }
  throw new DiagnosedFailure([diagnose('zone-name-not-found', { tried })])
}

function failure(error: unknown, zone: string): DiagnosedFailure {
  return new DiagnosedFailure([diagnoseError(error, { stage: 'zone', zone })])
}
