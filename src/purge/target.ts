// Where the planned requests go, and the words the log and summary use for them: a purge deletes cached
// copies, an invalidation marks them stale (Cloudflare's `invalidate_cache`), on the whole zone or in one
// Version Management environment. Batching, pacing and retries are the same for both.
import { productionEverythingNote, resolveEnvironments, type EnvironmentApi } from '../access/environments.js'
import type { CacheTarget, PurgeBody, PurgeOptions } from '../cloudflare/api.js'
import type { CacheMode, Environment } from '../types.js'
import type { PurgeApi } from './runner.js'
import type { PlannedZone } from './send.js'

/** The call that sends one request to a target: CloudflareApi in the action, a fake in tests. */
export interface CacheApi {
  clearCache(zoneId: string, body: PurgeBody, target: CacheTarget, options?: PurgeOptions): Promise<string>
}

/** The runner's purge call, sent where each zone's requests belong. */
export function targetedApi(api: CacheApi, targetOf: (zoneId: string) => CacheTarget): PurgeApi {
  return { purge: (zoneId, body, options) => api.clearCache(zoneId, body, targetOf(zoneId), options) }
}

/** The target of each zone: the mode for all, and the environment resolved in that zone, if any. */
export function targetsFor(
  mode: CacheMode,
  environments: Map<string, Environment>
): (zoneId: string) => CacheTarget {
  return (zoneId) => {
    const environment = environments.get(zoneId)
    return environment ? { mode, environment } : { mode }
  }
}

export interface CacheWords {
  /** "purge" / "invalidate" */
  verb: string
  /** "Purge" / "Invalidate" */
  Verb: string
  /** "purged" / "invalidated" */
  past: string
  /** "Purged" / "Invalidated" */
  Past: string
  /** "purge request" / "invalidation request", to be counted */
  request: string
  /** The summary's heading. */
  title: string
}

export function wordsFor(mode: CacheMode = 'purge'): CacheWords {
  return mode === 'invalidate'
    ? {
        verb: 'invalidate',
        Verb: 'Invalidate',
        past: 'invalidated',
        Past: 'Invalidated',
        request: 'invalidation request',
        title: 'Cloudflare cache invalidation'
      }
    : {
        verb: 'purge',
        Verb: 'Purge',
        past: 'purged',
        Past: 'Purged',
        request: 'purge request',
        title: 'Cloudflare cache purge'
      }
}

/** `Staging (ref 5d41…)`: how an environment is named in the log and the summary. */
export function describeEnvironment(environment: Environment): string {
  return `${environment.name} (ref ${environment.ref})`
}

/**
 * The plan with the environment named by `wanted` set on each zone that has requests to send (a zone
 * given alongside with nothing to send needs no environment of its own); logs what was found, and that
 * purging everything on Production clears every environment. Throws a DiagnosedFailure when a zone lacks it.
 */
export async function findEnvironments(
  api: EnvironmentApi,
  planned: PlannedZone[],
  request: { wanted: string; mode: CacheMode },
  log: (line: string) => void
): Promise<PlannedZone[]> {
  const busy = planned.filter((p) => p.batches.length > 0)
  const found = await resolveEnvironments(
    api,
    busy.map((p) => p.resolution),
    request.wanted
  )
  return planned.map((zone) => {
    const { resolution, batches } = zone
    const environment = found.get(resolution.zone.id)
    if (!environment) return zone
    log(`Environment on ${resolution.label}: ${describeEnvironment(environment)}`)
    const everything = batches.some((b) => b.type === 'everything')
    const note = productionEverythingNote(environment, resolution.label, { everything, mode: request.mode })
    if (note) log(note)
    return { ...zone, environment }
  })
}

/** Each zone's environment, by zone ID, for targetsFor. */
export function environmentsOf(planned: PlannedZone[]): Map<string, Environment> {
  return new Map(
    planned.flatMap((p) => (p.environment ? [[p.resolution.zone.id, p.environment] as const] : []))
  )
}
