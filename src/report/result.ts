// What one run did, as both edges (the action, the command line) report it: the engine returns a
// RunResult, and the outputs, the summary and the log are built from it. Pure.
import { describeItem, itemCount, type Batch } from '../purge/planner.js'
import type { CacheMode, Environment, Finding, Plan, PurgeRequest, PurgeType, ZoneRef } from '../types.js'
import type { VerifyResult } from '../verify/check.js'

/** One request to Cloudflare as planned, and what came of it. */
export interface RequestOutcome {
  batch: Batch
  /** Cloudflare's ID of the purge: the request was accepted. */
  purgeId?: string
  /** Why its items were not purged: the request failed or was never sent. */
  reason?: string
  /** What kind of failure that is, for grouping and for whether running again helps. */
  cause?: FailureCause
}

/** The kind of failure behind a reason. */
export interface FailureCause {
  /** The catalogue's title for it ("Time ran out", "Item refused by Cloudflare"). */
  title: string
  /** Running again can fix it: a 429, a 5xx, the network, the time or the API budget ran out. */
  rerun: boolean
  /** Each item has words of its own (Cloudflare's about it): its items are counted together under the title. */
  perItem?: boolean
}

/** One zone of the run and its requests; on a dry run the requests carry neither purgeId nor reason. */
export interface ZoneRun {
  id: string
  /** The zone's name at Cloudflare; absent when the zone could not be read. */
  name?: string
  /** The zone as the user wrote it, or its name when it was found from a hostname. */
  label: string
  plan?: Plan
  /** The Version Management environment its requests went to; absent: the whole zone. */
  environment?: Environment
  requests: RequestOutcome[]
}

/** An item that was not purged, as the failed_items output lists it. */
export interface FailedItem {
  zone: string
  type: PurgeType
  item: string
  reason: string
  cause?: FailureCause
}

export type RunStatus =
  /** The purge (or invalidation) requests were sent (some may have failed: see `failed`). */
  | 'purged'
  /** A dry run: `zones` holds the plan, nothing was sent. */
  | 'planned'
  /** The lists were empty (an empty files_from file, nothing changed): no request at all. */
  | 'nothing-to-purge'
  /** The run stopped before any purge request: see `stoppedBy`. */
  | 'stopped'

export interface RunResult {
  status: RunStatus
  /** `invalidate`: the requests marked content stale instead of deleting it; absent: purge. */
  mode?: CacheMode
  zones: ZoneRun[]
  /** Items purged (or invalidated); purge everything counts as one. */
  purgedCount: number
  /** Every item not purged, with the reason; on a stopped run, every valid item requested. */
  failed: FailedItem[]
  /** Cloudflare's IDs of the accepted purge (or invalidation) requests, in the order of the plan. */
  purgeIds: string[]
  /** How the credential verified, once it did. */
  credential?: { owner: 'user' | 'account' | 'global-key'; tokenId?: string }
  /** Warnings and notices about the credential and the zones (a token about to expire, an unreadable zone). */
  notes: Finding[]
  /** The findings that stopped the run before purging. */
  stoppedBy?: Finding[]
  timings: {
    /** Epoch milliseconds when the run began. */
    startedAt: number
    /** From the start to the end of the run. */
    totalMs: number
    /** Sending the purge requests, pacing included. */
    purgeMs?: number
    /** Epoch milliseconds when the first purge request could go. */
    purgeStartedAt?: number
  }
  /** Purge (or invalidate) requests that went out, retries and resends included; absent when none was due. */
  requestsSent?: number
  /** Requests made to Cloudflare's API, and how many of them were answered 429. */
  apiRequests: { total: number; rateLimited: number }
  /** What the purged URLs answered at the edge afterwards (`verify`); absent when they were not checked. */
  verify?: VerifyResult
}

/** Sums up what was purged and what was not; requests only planned (dry run) count as neither. */
export function totals(zones: ZoneRun[]): Pick<RunResult, 'purgedCount' | 'failed' | 'purgeIds'> {
  const out: Pick<RunResult, 'purgedCount' | 'failed' | 'purgeIds'> = {
    purgedCount: 0,
    failed: [],
    purgeIds: []
  }
  for (const zone of zones) {
    for (const { batch, purgeId, reason, cause } of zone.requests) {
      if (purgeId) {
        out.purgedCount += itemCount(batch)
        out.purgeIds.push(purgeId)
      } else if (reason !== undefined) {
        const items = batch.type === 'everything' ? ['everything'] : batch.items.map(describeItem)
        for (const item of items)
          out.failed.push({ zone: zone.id, type: batch.type, item, reason, ...(cause ? { cause } : {}) })
      }
    }
  }
  return out
}

/** A result with nothing purged, planned or failed (yet). */
export function emptyRun(status: RunStatus, startedAt: number): RunResult {
  return {
    status,
    zones: [],
    purgedCount: 0,
    failed: [],
    purgeIds: [],
    notes: [],
    timings: { startedAt, totalMs: Date.now() - startedAt },
    apiRequests: { total: 0, rateLimited: 0 }
  }
}

/**
 * The result of a run that stopped before any purge request: every valid item requested (an invalid one
 * is named by its error instead) is reported as not purged; none on a dry run.
 */
export function stoppedRun(
  findings: Finding[],
  startedAt: number,
  requested?: { zones: ZoneRef[]; purge: PurgeRequest; dryRun: boolean; mode?: CacheMode }
): RunResult {
  const first = findings.find((f) => f.severity === 'error') ?? findings[0]
  const reason = first ? `${first.title}: ${first.message}` : 'the run stopped before purging'
  const failed =
    requested && !requested.dryRun ? requestedItems(requested.zones, requested.purge, reason) : []
  const mode = requested?.mode ? { mode: requested.mode } : {}
  return { ...emptyRun('stopped', startedAt), ...mode, failed, stoppedBy: findings }
}

/** Everything requested, as failed items with the zone as the user gave it. */
export function requestedItems(zones: ZoneRef[], purge: PurgeRequest, reason: string): FailedItem[] {
  const zone = zones.map((z) => (z.kind === 'id' ? z.id : z.name)).join(',')
  if (purge.everything) return [{ zone, type: 'everything', item: 'everything', reason }]
  return [
    ...purge.files.map((f) => ({ zone, type: 'files' as const, item: describeItem(f), reason })),
    ...purge.tags.map((item) => ({ zone, type: 'tags' as const, item, reason })),
    ...purge.hosts.map((item) => ({ zone, type: 'hosts' as const, item, reason })),
    ...purge.prefixes.map((item) => ({ zone, type: 'prefixes' as const, item, reason }))
  ]
}

/** One line per zone and purge type: the table of the job summary. */
export interface SummaryRow {
  zone: string
  type: PurgeType
  items: number
  requests: number
  purged: number
  failed: number
  ids: string[]
}

export function summaryRows(zones: ZoneRun[]): SummaryRow[] {
  const rows = new Map<string, SummaryRow>()
  for (const zone of zones) {
    for (const { batch, purgeId, reason } of zone.requests) {
      const key = `${zone.id} ${batch.type}`
      const row = rows.get(key) ?? {
        zone: zone.name ?? zone.id,
        type: batch.type,
        items: 0,
        requests: 0,
        purged: 0,
        failed: 0,
        ids: []
      }
      const count = itemCount(batch)
      row.items += count
      row.requests += 1
      if (purgeId) {
        row.purged += count
        row.ids.push(purgeId)
      } else if (reason !== undefined) row.failed += count
      rows.set(key, row)
    }
  }
  return [...rows.values()]
}

/** The `zones` output: per zone, how many items it was given, purged and not purged. */
export interface ZoneCount {
  id: string
  name: string
  items: number
  purged_count: number
  failed_count: number
  purge_ids: string[]
}

export function zoneCounts(zones: ZoneRun[]): ZoneCount[] {
  return zones.map((zone) => {
    const sum = totals([zone])
    return {
      id: zone.id,
      name: zone.name ?? '',
      items: zone.requests.reduce((n, r) => n + itemCount(r.batch), 0),
      purged_count: sum.purgedCount,
      failed_count: sum.failed.length,
      purge_ids: sum.purgeIds
    }
  })
}
