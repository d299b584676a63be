// Where the planned requests go, and the words the log and summary use for them: a purge deletes cached
// copies, an invalidation marks them stale (Cloudflare's `invalidate_cache`), on the whole zone or in one
// Version Management environment. Batching, pacing and retries are the same for both.
import type { CacheTarget, PurgeBody, PurgeOptions } from '../cloudflare/api.js'
import type { CacheMode, Environment } from '../types.js'
import type { PurgeApi } from './runner.js'

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
  /** "purge requests" / "invalidation requests" */
  requests: string
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
        requests: 'invalidation requests',
        title: 'Cloudflare cache invalidation'
      }
    : {
        verb: 'purge',
        Verb: 'Purge',
        past: 'purged',
        Past: 'Purged',
        requests: 'purge requests',
        title: 'Cloudflare cache purge'
      }
}

/** `Staging (ref 5d41…)`: how an environment is named in the log and the summary. */
export function describeEnvironment(environment: Environment): string {
  return `${environment.name} (ref ${environment.ref})`
}
