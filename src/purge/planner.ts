// Splits what is to be purged into requests that fit Cloudflare's per-request limits. Pure.
import type { PurgeBody } from '../cloudflare/api.js'
import type { FileItem, Plan, PurgeRequest, PurgeType } from '../types.js'

export interface Limits {
  /** URLs per request. */
  files: number
  /** Tags, hosts or prefixes per request. */
  other: number
}

export type BatchItem = string | FileItem

export interface Batch {
  zoneId: string
  type: PurgeType
  items: BatchItem[]
}

/**
 * Items per request. Cloudflare's purge-cache page (https://developers.cloudflare.com/cache/how-to/purge-cache/)
 * lists 100 URLs (500 on Enterprise) and 100 tags, hosts or prefixes; URLs stay at 30, the limit before
 * April 2025, because some zones were reported to keep it for a while after.
 */
export function limitsForPlan(plan: Plan | undefined, batchSize?: number): Limits {
  return { files: batchSize ?? (plan === 'enterprise' ? 500 : 30), other: 100 }
}

export function planBatches(zoneId: string, purge: PurgeRequest, limits: Limits): Batch[] {
  if (purge.everything) return [{ zoneId, type: 'everything', items: [] }]
  return [
    ...chunk(purge.files, limits.files).map((items) => ({ zoneId, type: 'files' as const, items })),
    ...chunk(purge.tags, limits.other).map((items) => ({ zoneId, type: 'tags' as const, items })),
    ...chunk(purge.hosts, limits.other).map((items) => ({ zoneId, type: 'hosts' as const, items })),
    ...chunk(purge.prefixes, limits.other).map((items) => ({ zoneId, type: 'prefixes' as const, items }))
  ]
}

/** Splits into pieces of at most `size`, as even as possible (45 by 30 gives 23 + 22, not 30 + 15). */
export function chunk<T>(items: T[], size: number): T[][] {
  if (items.length === 0) return []
  const count = Math.ceil(items.length / Math.max(1, size))
  const base = Math.floor(items.length / count)
  const extra = items.length % count
  const out: T[][] = []
  let start = 0
  for (let i = 0; i < count; i++) {
    const length = base + (i < extra ? 1 : 0)
    out.push(items.slice(start, start + length))
    start += length
  }
  return out
}

export function toPurgeBody(batch: Batch): PurgeBody {
  switch (batch.type) {
    case 'everything':
      return { purge_everything: true }
    case 'files':
      return {
        files: batch.items.map((item) =>
          typeof item === 'string' ? item : item.headers ? { url: item.url, headers: item.headers } : item.url
        )
      }
    default:
      return { [batch.type]: batch.items as string[] }
  }
}

/** How many items a request counts for: purge everything counts as one. */
export function itemCount(batch: Batch): number {
  return batch.type === 'everything' ? 1 : batch.items.length
}

/** How an item is shown in logs, outputs and the summary. */
export function describeItem(item: BatchItem): string {
  if (typeof item === 'string') return item
  if (!item.headers) return item.url
  const headers = Object.entries(item.headers)
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ')
  return `${item.url} [${headers}]`
}
