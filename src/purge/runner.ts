// Sends the planned batches: several at a time, paced to the rate limits, splitting a batch that
// Cloudflare finds too large, and recording for every batch whether it was purged or why not.
import type { PurgeBody, PurgeOptions } from '../cloudflare/api.js'
import type { CloudflareError } from '../cloudflare/errors.js'
import { sleep } from '../cloudflare/http-client.js'
import { isTooManyItems } from '../diagnosis/from-error.js'
import { NotSentError } from '../diagnosis/failure.js'
import { chunk, itemCount, toPurgeBody, type Batch } from './planner.js'
import type { PurgeType } from '../types.js'

export interface BatchOutcome {
  batch: Batch
  purgeId?: string
  error?: unknown
}

/** The one call the runner makes: CloudflareApi in the action, a fake in tests. */
export interface PurgeApi {
  purge(zoneId: string, body: PurgeBody, options?: PurgeOptions): Promise<string>
}

export interface Pacer {
  /** Milliseconds to wait before a purge of this type and size may go. */
  reserve(type: PurgeType, count: number): number
  /** Gives a reservation back when its request was held back after all. */
  refund?(type: PurgeType, count: number): void
  /** The request reserved last goes now (later than planned, when the process was busy). */
  sending?(type: PurgeType, count: number): void
  /** Cloudflare answered 429 to a purge of this type: the account's budget is shared, so slow down. */
  rateLimited?(type: PurgeType, pauseMs?: number): void
}

/** The API-wide request limit shared by every request of the credential. */
export interface RequestLimit {
  reserve(): number
}

/** The HTTP client's pause after a 429, which every request honours. */
export interface PauseSource {
  isPaused(): boolean
  waitForPause(): Promise<void>
}

export interface RunnerOptions {
  /** Requests in flight at once. */
  concurrency: number
  /** The pacer of the account that owns the zone. */
  pacerFor: (zoneId: string) => Pacer
  globalLimit?: RequestLimit
  pause?: PauseSource
  /** Epoch milliseconds after which no batch is sent. */
  deadline: number
  onProgress?: (itemsDone: number, itemsTotal: number) => void
  /** Called the first time Cloudflare rejects a batch of a zone and type as too large. */
  onSplit?: (batch: Batch, newLimit: number) => void
}

interface Queued {
  batch: Batch
  /** Position in the plan; pieces of a split batch extend their parent's. */
  order: number[]
}

/** Sends every batch and returns one outcome per batch sent or given up, in the order of the plan. */
export async function executeBatches(
  api: PurgeApi,
  batches: Batch[],
  options: RunnerOptions
): Promise<BatchOutcome[]> {
  const queue: Queued[] = batches.map((batch, i) => ({ batch, order: [i] }))
  const done: Array<Queued & { outcome: BatchOutcome }> = []
  const learnedLimits = new Map<string, number>()
  const itemsTotal = batches.reduce((n, b) => n + itemCount(b), 0)
  let itemsDone = 0

  const finish = (entry: Queued, outcome: BatchOutcome): void => {
    done.push({ ...entry, outcome })
    itemsDone += itemCount(outcome.batch)
    options.onProgress?.(itemsDone, itemsTotal)
  }

  /** Waits until the batch may go within every limit; throws NotSentError when the deadline comes first. */
  const pace = async (batch: Batch): Promise<void> => {
    const wait = options.globalLimit?.reserve() ?? 0
    if (Date.now() + wait >= options.deadline) throw notSent(batch)
    if (wait > 0) await sleep(wait)
    const pacer = options.pacerFor(batch.zoneId)
    // One reservation at a time per pacer, made when the request before it goes: each is paced at the
    // rate in force when it is sent, not at the rate of the moment it joined the queue (a 429 slows the
    // pace; the recovery after it speeds it up again).
    const previous = turns.get(pacer) ?? Promise.resolve()
    let done!: () => void
    turns.set(pacer, new Promise<void>((resolve) => (done = resolve)))
    await previous
    try {
      for (;;) {
        await options.pause?.waitForPause()
        const delay = pacer.reserve(batch.type, batch.items.length)
        if (Date.now() + delay >= options.deadline) {
          pacer.refund?.(batch.type, batch.items.length)
          throw notSent(batch)
        }
        if (delay > 0) await sleep(delay)
        // A 429 pause began while waiting: the reservation would be spent late, in a burst after it.
        if (!options.pause?.isPaused()) {
          pacer.sending?.(batch.type, batch.items.length)
          return
        }
        pacer.refund?.(batch.type, batch.items.length)
      }
    } finally {
      done()
    }
  }
  const turns = new Map<Pacer, Promise<void>>()

  const worker = async (): Promise<void> => {
    for (let entry = queue.shift(); entry; entry = queue.shift()) {
      const { batch } = entry
      const key = `${batch.zoneId} ${batch.type}`
      const limit = learnedLimits.get(key)
      if (limit !== undefined && batch.items.length > limit) {
        const pieces = chunk(batch.items, limit).map((items, i) => ({
          batch: { ...batch, items },
          order: [...entry!.order, i]
        }))
        queue.unshift(...pieces)
        startWorkers()
        continue
      }
      try {
        await pace(batch)
      } catch (error) {
        finish(entry, { batch, error })
        continue
      }
      try {
        const purgeId = await api.purge(batch.zoneId, toPurgeBody(batch), {
          beforeRetry: () => pace(batch),
          onAttemptFailed: (failure) => {
            if (failure.status === 429)
              options.pacerFor(batch.zoneId).rateLimited?.(batch.type, failure.retryAfterMs)
          }
        })
        finish(entry, { batch, purgeId })
      } catch (error) {
        if (isTooManyItems(error) && batch.items.length > 1) {
          const stated = limitFromMessage(error as CloudflareError)
          const newLimit =
            stated !== undefined && stated < batch.items.length ? stated : Math.ceil(batch.items.length / 2)
          if (!learnedLimits.has(key)) options.onSplit?.(batch, newLimit)
          learnedLimits.set(key, Math.min(newLimit, learnedLimits.get(key) ?? Infinity))
          queue.unshift(entry)
          continue
        }
        finish(entry, { batch, error })
      }
    }
  }

  const running = new Set<Promise<void>>()
  const startWorkers = (): void => {
    while (running.size < Math.max(1, options.concurrency) && queue.length > running.size) {
      const w: Promise<void> = worker().finally(() => running.delete(w))
      running.add(w)
    }
  }
  startWorkers()
  while (running.size > 0) await Promise.all(running)
  return done.sort((a, b) => compareOrder(a.order, b.order)).map((d) => d.outcome)
}

function compareOrder(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number)
  }
  return a.length - b.length
}

/** "only 30 are allowed" → 30, when Cloudflare says how many it accepts. */
function limitFromMessage(error: CloudflareError): number | undefined {
  for (const e of error.errors) {
    const match = /(?:only|maximum of|max(?:imum)?|up to|limit(?: is)?)\s*(\d+)/i.exec(e.message)
    if (match) return Number(match[1])
  }
  return undefined
}

function notSent(batch: Batch): NotSentError {
  return new NotSentError(`POST /zones/${batch.zoneId}/purge_cache`)
}
