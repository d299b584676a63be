// The action's outputs (declared in action.yml), built from the run result in this one place so that
// every run, whatever way it ends, sets all of them. Pure.
import { zoneCounts, type RunResult } from './result.js'

export interface ActionOutputs {
  /** The zones purged (or planned), comma-separated. */
  zone_id: string
  /** JSON: one ZoneCount per zone. */
  zones: string
  purge_ids: string
  purged_count: number
  failed_count: number
  /** JSON: one FailedItem per item not purged. */
  failed_items: string
}

export function outputsOf(result: RunResult): ActionOutputs {
  return {
    zone_id: result.zones.map((z) => z.id).join(','),
    zones: JSON.stringify(zoneCounts(result.zones)),
    purge_ids: result.purgeIds.join(','),
    purged_count: result.purgedCount,
    failed_count: result.failed.length,
    failed_items: JSON.stringify(result.failed)
  }
}
