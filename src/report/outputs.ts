// The action's outputs (declared in action.yml), built from the run result in this one place so that
// every run, whatever way it ends, sets all of them; failed_items in a form GitHub can hold (items grouped
// under their reason, bounded in size, the whole list in a file beside it); and text made safe for the
// job summary's HTML. Pure, but for the file writer it is given.
import type { PurgeType } from '../types.js'
import type { VerifyResult } from '../verify/check.js'
import { zoneCounts, type FailedItem, type RunResult } from './result.js'

export interface ActionOutputs {
  /** The zones purged (or planned), comma-separated. */
  zone_id: string
  /** JSON: one ZoneCount per zone. */
  zones: string
  purge_ids: string
  purged_count: number
  failed_count: number
  /** JSON: the items not purged, grouped under their reason (FailedGroup), at most FAILED_ITEMS_MAX_BYTES. */
  failed_items: string
  /** Path of the file with every item not purged; empty when nothing failed. */
  failed_items_file: string
  /** JSON: the edge check's counts by verdict (VerifiedCounts); `{}` when nothing was checked. */
  verified: string
}

export interface OutputFiles {
  /** Writes the whole list of items not purged where later steps can read it; returns its path. */
  save: (json: string) => string
  /** Told when failed_items holds only part of the list. */
  onCut?: (shown: number, total: number, file: string) => void
}

export function outputsOf(result: RunResult, files: OutputFiles = { save: () => '' }): ActionOutputs {
  const failed = failedItemsOutputs(result.failed, files.save)
  if (failed.shown < failed.total) files.onCut?.(failed.shown, failed.total, failed.failed_items_file)
  return {
    zone_id: result.zones.map((z) => z.id).join(','),
    zones: JSON.stringify(zoneCounts(result.zones)),
    purge_ids: result.purgeIds.join(','),
    purged_count: result.purgedCount,
    failed_count: result.failed.length,
    failed_items: failed.failed_items,
    failed_items_file: failed.failed_items_file,
    verified: JSON.stringify(result.verify ? verifiedCounts(result.verify) : {})
  }
}

/** The `verified` output: URLs checked at the edge, how many had each verdict, and how many were warmed. */
export interface VerifiedCounts {
  checked: number
  fresh: number
  stale: number
  not_cached: number
  not_proxied: number
  unchecked: number
  /** Only with `warm`. */
  warmed?: number
}

export function verifiedCounts(verify: VerifyResult): VerifiedCounts {
  const { counts } = verify
  return {
    checked: verify.checks.length,
    fresh: counts.fresh,
    stale: counts.stale,
    not_cached: counts['not-cached'],
    not_proxied: counts['not-proxied'],
    unchecked: counts.unchecked,
    ...(verify.warmed !== undefined ? { warmed: verify.warmed } : {})
  }
}

/** Items of one zone and type that failed for the same reason, the reason given once. */
export interface FailedGroup {
  zone: string
  type: PurgeType
  reason: string
  /** How many items the group has; `items` holds fewer when the output was cut to fit. */
  count: number
  items: string[]
}

/**
 * GitHub keeps at most 1 MB of outputs per job, counting in UTF-16 (2 bytes a character for plain
 * text): https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/passing-information-between-jobs
 * failed_items takes a quarter of that at most, so that it fits beside the other outputs and steps.
 */
export const FAILED_ITEMS_MAX_BYTES = 256 * 1024

/** An output's size as GitHub counts it. */
export function outputBytes(text: string): number {
  return text.length * 2
}

/** Groups the items by zone, type and reason, in the order they first appear. */
export function groupFailedItems(items: FailedItem[]): FailedGroup[] {
  const groups = new Map<string, FailedGroup>()
  for (const { zone, type, item, reason } of items) {
    const key = JSON.stringify([zone, type, reason])
    let group = groups.get(key)
    if (!group) groups.set(key, (group = { zone, type, reason, count: 0, items: [] }))
    group.count++
    group.items.push(item)
  }
  return [...groups.values()]
}

export interface BoundedList {
  /** A JSON array of groups, at most `maxBytes` as GitHub counts. */
  json: string
  /** Items it lists. */
  shown: number
  /** Items in all the groups. */
  total: number
}

/**
 * The groups as JSON within `maxBytes`: every group and item while they fit; then what fits, each group
 * keeping its `count` so that a reader knows how many items it had. Groups that do not fit at all are left
 * out (`failed_count` still counts their items).
 */
export function boundFailedItems(groups: FailedGroup[], maxBytes = FAILED_ITEMS_MAX_BYTES): BoundedList {
  const total = groups.reduce((n, g) => n + g.count, 0)
  const whole = JSON.stringify(groups)
  if (outputBytes(whole) <= maxBytes) return { json: whole, shown: total, total }
  const parts: string[] = []
  let size = outputBytes('[]')
  let shown = 0
  for (const group of groups) {
    // The group without its items, ending in `"items":`.
    const head = JSON.stringify({ ...group, items: [] }).slice(0, -3)
    const separator = parts.length > 0 ? 2 : 0 // the comma between groups
    const headBytes = outputBytes(`${head}[]}`) + separator
    if (size + headBytes > maxBytes) break
    const items: string[] = []
    let itemsBytes = 0
    for (const item of group.items) {
      const text = JSON.stringify(item)
      const more = outputBytes(text) + (items.length > 0 ? 2 : 0)
      if (size + headBytes + itemsBytes + more > maxBytes) break
      items.push(text)
      itemsBytes += more
    }
    parts.push(`${head}[${items.join(',')}]}`)
    size += headBytes + itemsBytes
    shown += items.length
    if (items.length < group.items.length) break
  }
  return { json: `[${parts.join(',')}]`, shown, total }
}

export interface FailedItemsOutputs {
  failed_items: string
  /** Path of the JSON file with every group and item; empty when nothing failed. */
  failed_items_file: string
}

/**
 * The failed_items and failed_items_file outputs. `save` writes the whole list (the same JSON form, never
 * cut) and returns its path.
 */
export function failedItemsOutputs(
  items: FailedItem[],
  save: (json: string) => string,
  maxBytes = FAILED_ITEMS_MAX_BYTES
): FailedItemsOutputs & { shown: number; total: number } {
  if (items.length === 0) return { failed_items: '[]', failed_items_file: '', shown: 0, total: 0 }
  const groups = groupFailedItems(items)
  const bounded = boundFailedItems(groups, maxBytes)
  const file = save(JSON.stringify(groups, null, 1))
  return { failed_items: bounded.json, failed_items_file: file, shown: bounded.shown, total: bounded.total }
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;'
}

/** Text for the job summary, which is HTML: Cloudflare's words and names shown, never interpreted. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] as string)
}
