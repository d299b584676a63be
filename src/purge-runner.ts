// Sends the planned batches: several at a time, paced to the rate limits, splitting a batch that
// Cloudflare finds too large, and recording for every batch whether it was purged or why not.
import type { CloudflareApi } from './cloudflare/api.js'
import { CloudflareError } from './cloudflare/errors.js'
import { sleep } from './cloudflare/http-client.js'
import { isTooManyItems } from './error-diagnosis.js'
import { chunk, toPurgeBody, type Batch } from './purge-planner.js'
import type { TokenBucket } from './rate-limiter.js'
import type { PurgeType } from './types.js'

export interface BatchOutcome {
  batch: Batch
  purgeId?: string
  error?: unknown
}

export interface Pacer {
  reserve(type: PurgeType, count: number): number
}

export interface RunnerOptions {
  /** Requests in flight at once. */
  concurrency: number
  /** The pacer of the account that owns the zone. */
  pacerFor: (zoneId: string) => Pacer
  /** The API-wide limit shared by every request of this credential. */
  globalBucket?: TokenBucket
  deadline: number
  onProgress?: (itemsDone: number, itemsTotal: number) => void
  /** Called the first time Cloudflare rejects a batch of a zone and type as too large. */
  onSplit?: (batch: Batch, newLimit: number) => void
}

export async function executeBatches(
  api: CloudflareApi,
  batches: Batch[],
  options: RunnerOptions
): Promise<BatchOutcome[]> {
  const queue = [...batches]
  const outcomes: BatchOutcome[] = []
  const learnedLimits = new Map<string, number>()
  const itemsTotal = batches.reduce((n, b) => n + Math.max(1, b.items.length), 0)
  let itemsDone = 0

  const finish = (outcome: BatchOutcome): void => {
    outcomes.push(outcome)
    itemsDone += Math.max(1, outcome.batch.items.length)
    options.onProgress?.(itemsDone, itemsTotal)
  }

  const worker = async (): Promise<void> => {
    for (let batch = queue.shift(); batch; batch = queue.shift()) {
      const key = `${batch.zoneId} ${batch.type}`
      const limit = learnedLimits.get(key)
      if (limit !== undefined && batch.items.length > limit) {
        queue.unshift(...chunk(batch.items, limit).map((items) => ({ ...batch!, items })))
        continue
      }
      const wait = Math.max(
        options.pacerFor(batch.zoneId).reserve(batch.type, batch.items.length),
        options.globalBucket?.reserve(1) ?? 0
      )
      if (Date.now() + wait >= options.deadline) {
        finish({ batch, error: notSent(batch) })
        continue
      }
      if (wait > 0) await sleep(wait)
      try {
        finish({ batch, purgeId: await api.purge(batch.zoneId, toPurgeBody(batch)) })
      } catch (error) {
        if (isTooManyItems(error) && batch.items.length > 1) {
          const stated = limitFromMessage(error as CloudflareError)
          const newLimit =
            stated !== undefined && stated < batch.items.length ? stated : Math.ceil(batch.items.length / 2)
          if (!learnedLimits.has(key)) options.onSplit?.(batch, newLimit)
          learnedLimits.set(key, Math.min(newLimit, learnedLimits.get(key) ?? Infinity))
          queue.unshift(batch)
          continue
        }
        finish({ batch, error })
      }
    }
  }

  const workers = Array.from({ length: Math.max(1, Math.min(options.concurrency, batches.length)) }, () =>
    worker()
  )
  await Promise.all(workers)
  return outcomes
}

/** "only 30 are allowed" → 30, when Cloudflare says how many it accepts. */
function limitFromMessage(error: CloudflareError): number | undefined {
  for (const e of error.errors) {
    const match = /(?:only|maximum of|max(?:imum)?|up to|limit(?: is)?)\s*(\d+)/i.exec(e.message)
    if (match) return Number(match[1])
  }
  return undefined
}

function notSent(batch: Batch): CloudflareError {
  return new CloudflareError({
    kind: 'timeout',
    endpoint: `POST /zones/${batch.zoneId}/purge_cache`,
    message:
      'not sent: the time allowed by `timeout` ran out before this batch could go within the rate limit'
  })
}
