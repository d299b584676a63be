// Splits what is to be purged into requests that fit Cloudflare's per-request limits. Pure.
import type { PurgeBody, PurgeFile } from '../cloudflare/api.js'
import { diagnose } from '../diagnosis/catalogue.js'
import type { FileItem, Finding, Plan, PurgeRequest, PurgeType, ResolvedZone } from '../types.js'

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
 * Items per purge request as Cloudflare's purge-cache page gives them
 * (https://developers.cloudflare.com/cache/how-to/purge-cache/, updated August 2026): 100 URLs on Free,
 * Pro and Business, 500 on Enterprise, and 100 tags, hosts or prefixes on every plan. A zone whose plan
 * could not be read is held to the smaller figure; a zone that takes fewer is learnt from its refusal.
 */
export const FILES_PER_REQUEST: Record<Plan, number> = { free: 100, pro: 100, business: 100, enterprise: 500 }
export const OTHER_PER_REQUEST = 100

/** The plan's limits; `batchSize` (the `batch_size` input) overrides the number of URLs either way. */
export function limitsForPlan(plan: Plan | undefined, batchSize?: number): Limits {
  return { files: batchSize ?? FILES_PER_REQUEST[plan ?? 'free'], other: OTHER_PER_REQUEST }
}

const PLAN_NAMES: Record<Plan, string> = {
  free: 'Free',
  pro: 'Pro',
  business: 'Business',
  enterprise: 'Enterprise'
}

/**
 * A warning for each zone whose known plan documents fewer URLs per request than `batch_size`: such
 * requests are refused and split unless the zone takes more than Cloudflare documents. The size is used
 * all the same (it is an override); a zone whose plan is unknown may well be Enterprise, so no warning.
 */
export function batchSizeFindings(zones: ResolvedZone[], batchSize: number | undefined): Finding[] {
  if (batchSize === undefined) return []
  return zones.flatMap((zone) => {
    const limit = zone.plan ? FILES_PER_REQUEST[zone.plan] : undefined
    if (!zone.plan || limit === undefined || batchSize <= limit) return []
    return [
      diagnose('batch-size-above-limit', {
        batchSize,
        limit,
        plan: PLAN_NAMES[zone.plan],
        zone: zone.name ?? zone.id
      })
    ]
  })
}

export function planBatches(zoneId: string, purge: PurgeRequest, limits: Limits): Batch[] {
  if (purge.everything) return [{ zoneId, type: 'everything', items: [] }]
  // Cloudflare's API schema takes either plain URLs or {url, headers} objects in one request, not a mix.
  const plain = purge.files.filter((f) => !f.headers)
  const withHeaders = purge.files.filter((f) => f.headers)
  return [
    ...chunk(plain, limits.files).map((items) => ({ zoneId, type: 'files' as const, items })),
    ...chunk(withHeaders, limits.files).map((items) => ({ zoneId, type: 'files' as const, items })),
    ...chunk(purge.tags, limits.other).map((items) => ({ zoneId, type: 'tags' as const, items })),
    ...chunk(purge.hosts, limits.other).map((items) => ({ zoneId, type: 'hosts' as const, items })),
    ...chunk(purge.prefixes, limits.other).map((items) => ({ zoneId, type: 'prefixes' as const, items }))
  ]
}

/** Splits into pieces of at most `size`, as even as possible (150 by 100 gives 75 + 75, not 100 + 50). */
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
    case 'files': {
      const files = batch.items.map((item): PurgeFile =>
        typeof item === 'string'
          ? { url: item }
          : item.headers
            ? { url: item.url, headers: item.headers }
            : { url: item.url }
      )
      // A batch holds one form (planBatches); were it ever mixed, every entry goes as an object.
      if (files.some((f) => f.headers)) return { files }
      return { files: files.map((f) => f.url) }
    }
    case 'tags':
      return { tags: batch.items as string[] }
    case 'hosts':
      return { hosts: batch.items as string[] }
    case 'prefixes':
      return { prefixes: batch.items as string[] }
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
