// The annotations that close a purge: one per zone and kind of failure, and one per zone and type whose
// batches had to be split. Pure.
import { diagnose } from '../diagnosis/catalogue.js'
import type { BatchOutcome } from '../purge/runner.js'
import type { Finding, PurgeType } from '../types.js'

export interface BatchFailure {
  finding: Finding
  zoneId: string
  /** The zone as the user knows it. */
  label: string
  /** Items the batch left unpurged. */
  items: number
}

const count = (n: number): string => `${n} item${n === 1 ? '' : 's'}`

/**
 * One annotation per zone and kind of failure, counting the items it left unpurged. Items that Cloudflare
 * refused one by one share one annotation per zone (each quotes its own item; failed_items keeps them all).
 */
export function failureAnnotations(failures: BatchFailure[]): Finding[] {
  const groups = new Map<string, { first: Finding; items: number; label: string }>()
  for (const { finding, zoneId, label, items } of failures) {
    const key = `${zoneId} ${finding.id} ${finding.id === 'purge-item-refused' ? '' : finding.message}`
    const group = groups.get(key) ?? { first: finding, items: 0, label }
    group.items += items
    groups.set(key, group)
  }
  return [...groups.values()].map(({ first, items, label }) => ({
    ...first,
    message:
      first.id === 'purge-item-refused' && items > 1
        ? `${count(items)} on ${label} not purged: Cloudflare refused each of them on its own (its words for each ` +
          `are in the failed_items output). The first: ${first.message}`
        : `${count(items)} on ${label} not purged (listed in the failed_items output). ${first.message}`
  }))
}

/** A zone and type whose batches Cloudflare refused as too large. */
export interface Split {
  zoneId: string
  type: PurgeType
  /** The size first refused. */
  size: number
  /** The limit learnt. */
  limit: number
}

/** One warning per zone and type that was split; "nothing was lost" only when nothing of it failed. */
export function splitWarnings(splits: Split[], outcomes: BatchOutcome[]): Finding[] {
  return splits.map(({ zoneId, type, size, limit }) => {
    const lost = outcomes
      .filter((o) => o.error !== undefined && o.batch.zoneId === zoneId && o.batch.type === type)
      .reduce((n, o) => n + Math.max(1, o.batch.items.length), 0)
    return diagnose('too-many-items', { type, size, limit, lost })
  })
}

export type RecordSplit = (zoneId: string, type: PurgeType, size: number, limit: number) => void

/** Records splits as the runner reports them: the first size refused, the last limit learnt. */
export function splitRecorder(): { splits: Split[]; record: RecordSplit } {
  const splits: Split[] = []
  return {
    splits,
    record: (zoneId, type, size, limit) => {
      const known = splits.find((s) => s.zoneId === zoneId && s.type === type)
      if (known) known.limit = limit
      else splits.push({ zoneId, type, size, limit })
    }
  }
}
