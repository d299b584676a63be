// Sends the planned batches: several at a time, paced to the rate limits and within the credential's
// API-wide budget, and failing small. A refusal of the credential or of a zone stops what it dooms; a
// request too large for Cloudflare is split to the limit it states; the items a refusal names fail with
// Cloudflare's words and the rest goes again once. Every batch ends with an outcome: purged, or why not.
import type { PurgeBody, PurgeOptions } from '../cloudflare/api.js'
import { CancelledError, CloudflareError, type ApiMessage } from '../cloudflare/errors.js'
import { sleep } from '../cloudflare/http-client.js'
import { classifyRefusal, namedItems } from '../cloudflare/refusals.js'
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

/** The API-wide request budget shared by every request of the credential (ApiBudget). */
export interface RequestLimit {
  /** Takes one request of the budget and returns 0, or returns the ms until one frees up (nothing taken). */
  reserve(): number
  /** Gives back a request taken for one that did not go. */
  refund?(): void
  /** The reason for the batches the budget leaves no time for; default: not sent (NotSentError). */
  exhausted?(endpoint: string, freesInMs: number): Error
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
export function executeBatches(
  api: PurgeApi,
  batches: Batch[],
  options: RunnerOptions
): Promise<BatchOutcome[]> {
  return new BatchRunner(api, batches, options).run()
}

type Pick = { entry: Queued; zoneProbe: boolean; sizeProbe: boolean } | 'wait' | 'empty'

/** One run of the batches: a queue, workers taking from it, and one method per decision on an answer. */
class BatchRunner {
  private readonly queue: Queued[]
  private readonly done: Array<Queued & { outcome: BatchOutcome }> = []
  private readonly zones = new Map<string, ZoneState>()
  private readonly sizes = new Map<string, SizeState>()
  private readonly itemsTotal: number
  private itemsDone = 0
  /** Set when Cloudflare refuses the credential itself: it ends every batch of every zone. */
  private credentialRefusal: unknown
  /** Set when the API-wide budget leaves no time for more: it ends every batch not yet sent. */
  private budgetRefusal: unknown
  private readonly stopAll = new AbortController()
  private readonly runSignal: AbortSignal
  /** One reservation at a time per pacer, each made when the request before it goes. */
  private readonly turns = new Map<Pacer, Promise<void>>()
  private readonly running = new Set<Promise<void>>()
  /** Wakes the workers waiting for a first request to be answered. */
  private wake: () => void = () => undefined
  private changed = new Promise<void>((resolve) => (this.wake = resolve))

  constructor(
    private readonly api: PurgeApi,
    batches: Batch[],
    private readonly options: RunnerOptions
  ) {
    this.queue = batches.map((batch, i) => ({ batch, order: [i] }))
    this.itemsTotal = batches.reduce((n, b) => n + itemCount(b), 0)
    this.runSignal = options.signal
      ? AbortSignal.any([options.signal, this.stopAll.signal])
      : this.stopAll.signal
  }

  async run(): Promise<BatchOutcome[]> {
    this.startWorkers()
    while (this.running.size > 0) await Promise.all(this.running)
    return this.done.sort((a, b) => compareOrder(a.order, b.order)).map((d) => d.outcome)
  }

  private startWorkers(): void {
    while (
      this.running.size < Math.max(1, this.options.concurrency) &&
      this.queue.length > this.running.size
    ) {
      const w: Promise<void> = this.worker().finally(() => this.running.delete(w))
      this.running.add(w)
    }
  }

  private async worker(): Promise<void> {
    for (;;) {
      const next = this.pick()
      if (next === 'empty') return
      if (next === 'wait') {
        await this.changed
        continue
      }
      await this.send(next.entry, next.zoneProbe, next.sizeProbe)
    }
  }

  private notify(): void {
    const previous = this.wake
    this.changed = new Promise<void>((resolve) => (this.wake = resolve))
    previous()
  }

  private zoneOf(zoneId: string): ZoneState {
    let zone = this.zones.get(zoneId)
    if (!zone) this.zones.set(zoneId, (zone = { state: 'untested', inFlight: new Set() }))
    return zone
  }

  private sizeOf(batch: Batch): SizeState {
    const key = `${batch.zoneId} ${batch.type}`
    let size = this.sizes.get(key)
    if (!size)
      this.sizes.set(key, (size = { confirmed: batch.type === 'everything', probing: false, refusals: 0 }))
    return size
  }

  private refusalFor(batch: Batch): unknown {
    return (
      this.credentialRefusal ??
      this.zones.get(batch.zoneId)?.refusal ??
      this.sizes.get(`${batch.zoneId} ${batch.type}`)?.refusal ??
      this.budgetRefusal
    )
  }

  private finish(entry: Queued, outcome: BatchOutcome): void {
    this.done.push({ ...entry, outcome })
    this.itemsDone += itemCount(outcome.batch)
    this.options.onProgress?.(this.itemsDone, this.itemsTotal)
  }

  /** Puts batches back at the head of the queue, with workers enough to send them. */
  private requeue(...entries: Queued[]): void {
    this.queue.unshift(...entries)
    this.startWorkers()
  }

  /** The next batch that may go now; batches of a refused zone end here without a request. */
  private pick(): Pick {
    const queue = this.queue
    for (let i = 0; i < queue.length; i++) {
      const entry = queue[i] as Queued
      const { batch } = entry
      const refusal = this.refusalFor(batch)
      if (refusal !== undefined) {
        queue.splice(i--, 1)
        this.finish(entry, { batch, error: refusal })
        continue
      }
      const size = this.sizeOf(batch)
      if (size.limit !== undefined && batch.items.length > size.limit) {
        queue.splice(i--, 1, ...piecesOf(entry, size.limit))
        continue
      }
      const zone = this.zoneOf(batch.zoneId)
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

  private async send(entry: Queued, zoneProbe: boolean, sizeProbe: boolean): Promise<void> {
    const { batch } = entry
    const zone = this.zoneOf(batch.zoneId)
    const size = this.sizeOf(batch)
    const own = new AbortController()
    zone.inFlight.add(own)
    const signal = AbortSignal.any([own.signal, this.runSignal])
    try {
      await this.pace(batch, signal)
      const purgeId = await this.api.purge(batch.zoneId, toPurgeBody(batch), {
        beforeRetry: () => this.pace(batch, signal),
        onAttemptFailed: (failure) => {
          if (failure.status === 429)
            this.options.pacerFor(batch.zoneId).rateLimited?.(batch.type, failure.retryAfterMs)
        },
        signal
      })
      zone.state = 'open'
      size.confirmed = true
      this.finish(entry, { batch, purgeId })
    } catch (error) {
      this.settle(entry, error, zone, size)
    } finally {
      zone.inFlight.delete(own)
      if (zoneProbe && zone.state === 'probing') zone.state = 'open'
      if (sizeProbe) size.probing = false
      this.notify()
    }
  }

  /** Waits until the batch may go within every limit; throws when the deadline comes first. */
  private async pace(batch: Batch, signal: AbortSignal): Promise<void> {
    await this.withinBudget(batch, signal)
    try {
      await this.paceAccount(batch, signal)
    } catch (error) {
      this.options.globalLimit?.refund?.()
      throw error
    }
  }

  /**
   * Waits for a request of the credential's API-wide budget. When the budget frees up only after the
   * deadline, nothing more can go: this batch and every one not yet sent end with that reason.
   */
  private async withinBudget(batch: Batch, signal: AbortSignal): Promise<void> {
    const limit = this.options.globalLimit
    if (!limit) return
    for (let wait = limit.reserve(); wait > 0; wait = limit.reserve()) {
      if (Date.now() + wait >= this.options.deadline) {
        this.budgetRefusal ??= limit.exhausted?.(endpointOf(batch), wait) ?? notSent(batch)
        throw this.budgetRefusal
      }
      await sleep(wait, signal)
    }
  }

  /** Waits for the pacer of the zone's account: one reservation at a time, after any 429 pause. */
  private async paceAccount(batch: Batch, signal: AbortSignal): Promise<void> {
    const { options } = this
    const pacer = options.pacerFor(batch.zoneId)
    // Each reservation is made when the request before it goes: it is paced at the rate in force when
    // it is sent, not at the rate of the moment it joined the queue (a 429 slows the pace; the recovery
    // after it speeds it up again).
    const previous = this.turns.get(pacer) ?? Promise.resolve()
    let done!: () => void
    this.turns.set(pacer, new Promise<void>((resolve) => (done = resolve)))
    try {
      await untilAborted(previous, signal)
      for (;;) {
        await options.pause?.waitForPause(signal)
        const delay = pacer.reserve(batch.type, batch.items.length)
        if (Date.now() + delay >= options.deadline) {
          pacer.refund?.(batch.type, batch.items.length)
          throw notSent(batch)
        }
        if (delay > 0) await sleep(delay, signal)
        // A 429 pause began while waiting: the reservation would be spent late, in a burst after it.
        if (!options.pause?.isPaused()) {
          pacer.sending?.(batch.type, batch.items.length)
          return
        }
        pacer.refund?.(batch.type, batch.items.length)
      }
    } finally {
      // The next in line goes on when this one is sent, refused the time or cancelled: after its
      // predecessor, never before.
      void previous.then(done)
    }
  }

  /** What a failed request leads to: stop, split, isolate its refused items, or an outcome as it is. */
  private settle(entry: Queued, error: unknown, zone: ZoneState, size: SizeState): void {
    const { batch } = entry
    // Ended because its zone or the credential was refused meanwhile: that refusal is its reason.
    if (error instanceof CancelledError)
      return this.finish(entry, { batch, error: this.refusalFor(batch) ?? error })
    const refusal = classifyRefusal(error, batch.items.map(itemText))
    if (refusal?.about === 'credential') return this.refuseCredential(entry, error)
    if (refusal?.about === 'zone') return this.refuseZone(entry, error, zone)
    // Cloudflare read the request: the zone is open to it, whatever it thought of the items.
    if (refusal) zone.state = 'open'
    if (refusal?.about === 'type') {
      size.refusal ??= error
      return this.finish(entry, { batch, error: size.refusal })
    }
    if (refusal?.about === 'size' && batch.items.length > 1) return this.learnSize(entry, size, refusal.limit)
    if (refusal?.about === 'item' && batch.items.length > 1) {
      // The size was fine; the items decide.
      size.confirmed = true
      return this.isolateItems(entry, error)
    }
    this.finish(entry, { batch, error })
  }

  /** The credential itself was refused: every batch of every zone ends with that reason. */
  private refuseCredential(entry: Queued, error: unknown): void {
    this.credentialRefusal ??= error
    this.stopAll.abort()
    this.finish(entry, { batch: entry.batch, error: this.credentialRefusal })
  }

  /** The zone was refused: its requests in flight end, and its batches with that reason. */
  private refuseZone(entry: Queued, error: unknown, zone: ZoneState): void {
    zone.refusal ??= error
    for (const request of zone.inFlight) request.abort()
    this.finish(entry, { batch: entry.batch, error: zone.refusal })
  }

  /** Too many items: the zone and type take the limit learnt, and the batch goes again in pieces. */
  private learnSize(entry: Queued, size: SizeState, stated: number | undefined): void {
    size.refusals++
    const limit = nextLimit(entry.batch.items.length, stated, size.refusals)
    size.limit = Math.min(limit, size.limit ?? Infinity)
    size.confirmed = false
    this.options.onSplit?.(entry.batch, size.limit)
    this.requeue(...piecesOf(entry, size.limit))
  }

  /**
   * Refused for some of its items. The items Cloudflare's words name fail with those words, and the rest
   * goes again once; an answer that names none of them is halved until the refused items stand alone.
   */
  private isolateItems(entry: Queued, error: unknown): void {
    const { batch } = entry
    const named = namedItems(error, batch.items.map(itemText))
    if (named.size === 0) {
      const half = Math.ceil(batch.items.length / 2)
      return this.requeue(
        { batch: { ...batch, items: batch.items.slice(0, half) }, order: [...entry.order, 0] },
        { batch: { ...batch, items: batch.items.slice(half) }, order: [...entry.order, 1] }
      )
    }
    const rest: Batch['items'] = []
    batch.items.forEach((item, n) => {
      const words = named.get(itemText(item))
      if (!words) return rest.push(item)
      const only = { ...entry, batch: { ...batch, items: [item] }, order: [...entry.order, 0, n] }
      this.finish(only, { batch: only.batch, error: narrowed(error, words) })
    })
    if (rest.length > 0) this.requeue({ batch: { ...batch, items: rest }, order: [...entry.order, 1] })
  }
}

/** The refusal with only the messages about one item: its reason, in Cloudflare's words. */
function narrowed(error: unknown, messages: ApiMessage[]): unknown {
  if (!(error instanceof CloudflareError)) return error
  const one = new CloudflareError({
    kind: error.kind,
    endpoint: error.endpoint,
    ...(error.status !== undefined ? { status: error.status } : {}),
    errors: messages,
    message: messages[0]?.message ?? error.message
  })
  one.attempts = error.attempts
  return one
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

function endpointOf(batch: Batch): string {
  return `POST /zones/${batch.zoneId}/purge_cache`
}

function notSent(batch: Batch): NotSentError {
  return new NotSentError(endpointOf(batch))
}

/** Resolves with `promise`, or rejects with a CancelledError as soon as `signal` aborts. */
function untilAborted(promise: Promise<void>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(new CancelledError())
  return new Promise((resolve, reject) => {
    const cancel = (): void => reject(new CancelledError())
    signal.addEventListener('abort', cancel, { once: true })
    promise.then(
      () => {
        signal.removeEventListener('abort', cancel)
        resolve()
      },
      (error: unknown) => {
        signal.removeEventListener('abort', cancel)
        reject(error)
      }
    )
  })
}
