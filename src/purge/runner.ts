// Sends the planned batches: several at a time, paced to the rate limits, and failing small. A refusal
// of the credential or of a zone stops what it dooms; a request too large for Cloudflare is split to the
// limit it states; a request refused for one of its items is bisected until that item stands alone.
// Every batch ends with an outcome: purged, or why not.
import type { PurgeBody, PurgeOptions } from '../cloudflare/api.js'
import { CancelledError } from '../cloudflare/errors.js'
import { sleep } from '../cloudflare/http-client.js'
import { classifyRefusal } from '../cloudflare/refusals.js'
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
}

/** The API-wide request limit shared by every request of the credential. */
export interface RequestLimit {
  reserve(): number
}

/** The HTTP client's pause after a 429, which every request honours. */
export interface PauseSource {
  isPaused(): boolean
  /** Rejects (with the 429 behind it) when the pause lasts past the deadline. */
  waitForPause(signal?: AbortSignal): Promise<void>
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
  /**
   * Called each time Cloudflare refuses a request of a zone and type as too large, with the size refused
   * and the limit now used for that zone and type (the last call holds the limit learnt).
   */
  onSplit?: (batch: Batch, newLimit: number) => void
  /** Ends every request and wait: the run is over. */
  signal?: AbortSignal
}

/** Refused requests allowed per zone and type to learn how many items Cloudflare takes in one. */
export const MAX_SIZE_REFUSALS = 3

interface Queued {
  batch: Batch
  /** Position in the plan; pieces of a split batch extend their parent's. */
  order: number[]
}

/**
 * A zone's first request goes alone: when Cloudflare refuses the zone (or the credential), only that one
 * request was spent on it. Any other answer opens the zone to concurrent requests.
 */
interface ZoneState {
  state: 'untested' | 'probing' | 'open'
  /** The refusal that ends every batch of the zone. */
  refusal?: unknown
  /** Requests of the zone in flight, so that a refusal can end them. */
  inFlight: Set<AbortController>
}

/**
 * Likewise, the first request of each zone and type goes alone until one is accepted, so that a size that
 * is too large is refused once, not once per request in flight.
 */
interface SizeState {
  confirmed: boolean
  probing: boolean
  limit?: number
  refusals: number
  /** The refusal that ends every batch of this zone and type (1136: no invalidation by URL there). */
  refusal?: unknown
}

/** Sends every batch and returns one outcome per batch sent or given up, in the order of the plan. */
export async function executeBatches(
  api: PurgeApi,
  batches: Batch[],
  options: RunnerOptions
): Promise<BatchOutcome[]> {
  const queue: Queued[] = batches.map((batch, i) => ({ batch, order: [i] }))
  const done: Array<Queued & { outcome: BatchOutcome }> = []
  const zones = new Map<string, ZoneState>()
  const sizes = new Map<string, SizeState>()
  const itemsTotal = batches.reduce((n, b) => n + itemCount(b), 0)
  let itemsDone = 0
  /** Set when Cloudflare refuses the credential itself: it ends every batch of every zone. */
  let credentialRefusal: unknown
  const stopAll = new AbortController()
  const runSignal = options.signal ? AbortSignal.any([options.signal, stopAll.signal]) : stopAll.signal

  const zoneOf = (zoneId: string): ZoneState => {
    let zone = zones.get(zoneId)
    if (!zone) zones.set(zoneId, (zone = { state: 'untested', inFlight: new Set() }))
    return zone
  }
  const sizeOf = (batch: Batch): SizeState => {
    const key = `${batch.zoneId} ${batch.type}`
    let size = sizes.get(key)
    if (!size)
      sizes.set(key, (size = { confirmed: batch.type === 'everything', probing: false, refusals: 0 }))
    return size
  }
  const refusalFor = (batch: Batch): unknown =>
    credentialRefusal ??
    zones.get(batch.zoneId)?.refusal ??
    sizes.get(`${batch.zoneId} ${batch.type}`)?.refusal

  /** Wakes the workers waiting for a first request to be answered. */
  let wake: () => void = () => undefined
  let changed = new Promise<void>((resolve) => (wake = resolve))
  const notify = (): void => {
    const previous = wake
    changed = new Promise<void>((resolve) => (wake = resolve))
    previous()
  }

  const finish = (entry: Queued, outcome: BatchOutcome): void => {
    done.push({ ...entry, outcome })
    itemsDone += itemCount(outcome.batch)
    options.onProgress?.(itemsDone, itemsTotal)
  }

  /** Waits until the batch may go within every limit; throws NotSentError when the deadline comes first. */
  const pace = async (batch: Batch, signal: AbortSignal): Promise<void> => {
    const wait = options.globalLimit?.reserve() ?? 0
    if (Date.now() + wait >= options.deadline) throw notSent(batch)
    if (wait > 0) await sleep(wait, signal)
    const pacer = options.pacerFor(batch.zoneId)
    for (;;) {
      await options.pause?.waitForPause(signal)
      const delay = pacer.reserve(batch.type, batch.items.length)
      if (Date.now() + delay >= options.deadline) {
        pacer.refund?.(batch.type, batch.items.length)
        throw notSent(batch)
      }
      if (delay > 0) await sleep(delay, signal)
      // A 429 pause began while waiting: the reservation would be spent late, in a burst after it.
      if (!options.pause?.isPaused()) return
      pacer.refund?.(batch.type, batch.items.length)
    }
  }

  type Pick = { entry: Queued; zoneProbe: boolean; sizeProbe: boolean } | 'wait' | 'empty'

  /** The next batch that may go now; batches of a refused zone end here without a request. */
  const pick = (): Pick => {
    for (let i = 0; i < queue.length; i++) {
      const entry = queue[i] as Queued
      const { batch } = entry
      const refusal = refusalFor(batch)
      if (refusal !== undefined) {
        queue.splice(i--, 1)
        finish(entry, { batch, error: refusal })
        continue
      }
      const size = sizeOf(batch)
      if (size.limit !== undefined && batch.items.length > size.limit) {
        queue.splice(i--, 1, ...piecesOf(entry, size.limit))
        continue
      }
      const zone = zoneOf(batch.zoneId)
      if (zone.state === 'probing') continue
      const zoneProbe = zone.state === 'untested'
      if (!size.confirmed && size.probing) continue
      const sizeProbe = !size.confirmed
      if (zoneProbe) zone.state = 'probing'
      if (sizeProbe) size.probing = true
      queue.splice(i, 1)
      return { entry, zoneProbe, sizeProbe }
    }
    return queue.length === 0 ? 'empty' : 'wait'
  }

  const send = async (entry: Queued, zoneProbe: boolean, sizeProbe: boolean): Promise<void> => {
    const { batch } = entry
    const zone = zoneOf(batch.zoneId)
    const size = sizeOf(batch)
    const own = new AbortController()
    zone.inFlight.add(own)
    const signal = AbortSignal.any([own.signal, runSignal])
    try {
      await pace(batch, signal)
      const purgeId = await api.purge(batch.zoneId, toPurgeBody(batch), {
        beforeRetry: () => pace(batch, signal),
        signal
      })
      zone.state = 'open'
      size.confirmed = true
      finish(entry, { batch, purgeId })
    } catch (error) {
      settle(entry, error, zone, size)
    } finally {
      zone.inFlight.delete(own)
      if (zoneProbe && zone.state === 'probing') zone.state = 'open'
      if (sizeProbe) size.probing = false
      notify()
    }
  }

  /** What a failed request leads to: stop, split, bisect, or an outcome as it is. */
  const settle = (entry: Queued, error: unknown, zone: ZoneState, size: SizeState): void => {
    const { batch } = entry
    // Ended because its zone or the credential was refused meanwhile: that refusal is its reason.
    if (error instanceof CancelledError) {
      finish(entry, { batch, error: refusalFor(batch) ?? error })
      return
    }
    const refusal = classifyRefusal(error, batch.items.map(itemText))
    if (refusal?.about === 'credential') {
      credentialRefusal ??= error
      stopAll.abort()
      finish(entry, { batch, error: credentialRefusal })
      return
    }
    if (refusal?.about === 'zone') {
      zone.refusal ??= error
      for (const request of zone.inFlight) request.abort()
      finish(entry, { batch, error: zone.refusal })
      return
    }
    // Cloudflare read the request: the zone is open to it, whatever it thought of the items.
    if (refusal) zone.state = 'open'
    if (refusal?.about === 'type') {
      size.refusal ??= error
      finish(entry, { batch, error: size.refusal })
      return
    }
    if (refusal?.about === 'size' && batch.items.length > 1) {
      size.refusals++
      const limit = nextLimit(batch.items.length, refusal.limit, size.refusals)
      size.limit = Math.min(limit, size.limit ?? Infinity)
      size.confirmed = false
      options.onSplit?.(batch, size.limit)
      queue.unshift(...piecesOf(entry, size.limit))
      startWorkers()
      return
    }
    if (refusal?.about === 'item' && batch.items.length > 1) {
      // The size was fine; the items decide. Halves until the refused items stand alone.
      size.confirmed = true
      const half = Math.ceil(batch.items.length / 2)
      queue.unshift(
        { batch: { ...batch, items: batch.items.slice(0, half) }, order: [...entry.order, 0] },
        { batch: { ...batch, items: batch.items.slice(half) }, order: [...entry.order, 1] }
      )
      startWorkers()
      return
    }
    finish(entry, { batch, error })
  }

  const worker = async (): Promise<void> => {
    for (;;) {
      const next = pick()
      if (next === 'empty') return
      if (next === 'wait') {
        await changed
        continue
      }
      await send(next.entry, next.zoneProbe, next.sizeProbe)
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

/**
 * The size to try after the n-th refusal of a request of `size` items: the limit Cloudflare states when it
 * is smaller; otherwise the documented limit below the size (100 items since April 2025, 30 before), or
 * half, then a quarter; after the third refusal, one item per request, which always fits.
 */
export function nextLimit(size: number, stated: number | undefined, refusals: number): number {
  if (refusals >= MAX_SIZE_REFUSALS) return 1
  if (stated !== undefined && stated >= 1 && stated < size) return stated
  if (refusals === 1) return [100, 30].find((n) => n < size) ?? Math.max(1, Math.ceil(size / 2))
  return Math.max(1, Math.ceil(size / 4))
}

/** A batch cut to the limit, each piece keeping its place in the plan. */
function piecesOf(entry: Queued, limit: number): Queued[] {
  return chunk(entry.batch.items, limit).map((items, n) => ({
    batch: { ...entry.batch, items },
    order: [...entry.order, n]
  }))
}

function itemText(item: Batch['items'][number]): string {
  return typeof item === 'string' ? item : item.url
}

function compareOrder(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number)
  }
  return a.length - b.length
}

function notSent(batch: Batch): NotSentError {
  return new NotSentError(`POST /zones/${batch.zoneId}/purge_cache`)
}
