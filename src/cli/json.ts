// The result for scripts (--json): the action's outputs under the same names and with the same values,
// except that `zones` and `failed_items` are JSON arrays rather than JSON text, and that failed_items is
// never cut (standard output has no size limit, so the action's failed_items_file has no counterpart);
// with the run's status and every finding shown. Pure.
import type { Redactor } from '../report/redactor.js'
import {
  groupFailedItems,
  outputsOf,
  verifiedCounts,
  type FailedGroup,
  type VerifiedCounts
} from '../report/outputs.js'
import { zoneCounts, type RunResult, type RunStatus, type ZoneCount } from '../report/result.js'
import type { Finding } from '../types.js'

export interface JsonResult {
  status: RunStatus
  zone_id: string
  zones: ZoneCount[]
  purge_ids: string
  purged_count: number
  failed_count: number
  /** The items not purged, grouped by zone, type and reason as in the action's output. */
  failed_items: FailedGroup[]
  /** The edge check's counts by verdict (--verify); empty when nothing was checked. */
  verified: VerifiedCounts | Record<string, never>
  findings: Finding[]
}

/** The JSON object for the run, every string in it masked. */
export function jsonResult(result: RunResult, findings: Finding[], redactor: Redactor): JsonResult {
  const outputs = outputsOf(result)
  return masked(
    {
      status: result.status,
      zone_id: outputs.zone_id,
      zones: zoneCounts(result.zones),
      purge_ids: outputs.purge_ids,
      purged_count: outputs.purged_count,
      failed_count: outputs.failed_count,
      failed_items: groupFailedItems(result.failed),
      verified: result.verify ? verifiedCounts(result.verify) : {},
      findings
    },
    redactor
  )
}

/** Each string masked on its own, so that the JSON text around it stays valid whatever a secret holds. */
function masked<T>(value: T, redactor: Redactor): T {
  if (typeof value === 'string') return redactor.redact(value) as T
  if (Array.isArray(value)) return value.map((v: unknown) => masked(v, redactor)) as T
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, masked(v, redactor)])) as T
  return value
}
