// Sends the planned requests of every zone: paced per account, within the API-wide request
// window, several at a time, with a progress line while it runs. Purges and invalidations, zone-wide or in
// a Version Management environment, are sent alike; only the endpoint and the words differ.
import type { CloudflareApi } from '../cloudflare/api.js'
import type { ZoneResolution } from '../access/zone-resolver.js'
import type { CacheMode, Environment } from '../types.js'
import { count, grouped, seconds } from '../words.js'
import type { Split } from './failures.js'
import { GLOBAL_API_LIMIT, pacersByAccount, RequestWindow } from './pacing.js'
import { itemCount, type Batch } from './planner.js'
import { progressLine } from './progress.js'
import { executeBatches, type BatchOutcome } from './runner.js'
import { environmentsOf, targetedApi, targetsFor, wordsFor } from './target.js'

/** Requests in flight at once. */
export const CONCURRENCY = 8
const PROGRESS_EVERY_MS = 5000

/** A zone with the requests planned for it. */
export interface PlannedZone {
  resolution: ZoneResolution
  batches: Batch[]
  /** The Version Management environment its requests go to; absent: the whole zone. */
  environment?: Environment
}

export interface SendOptions {
  /** Epoch milliseconds after which no request is sent. */
  deadline: number
  /** Requests this credential already made (verification, zone lookups): they count against its limit. */
  requestsSoFar: number
  log: (line: string) => void
  /** Gets the progress line written every few seconds while requests are sent; default: `log`. */
  progress?: (line: string) => void
  /** Called each time Cloudflare finds a request too large: the size refused and the limit now used. */
  onSplit: (split: Split) => void
  /** Invalidate instead of purge; absent: purge. */
  mode?: CacheMode
}

/** Sends every planned request and returns one outcome per request, in the order of the plan. */
export async function sendPlan(
  api: CloudflareApi,
  planned: PlannedZone[],
  options: SendOptions
): Promise<BatchOutcome[]> {
  // Every zone of an account shares one purge budget at Cloudflare.
  const pacerFor = pacersByAccount(planned.map((p) => p.resolution.zone))
  const words = wordsFor(options.mode)
  const batches = planned.flatMap((p) => p.batches)
  const started = Date.now()
  const total = batches.reduce((n, b) => n + itemCount(b), 0)
  let done = 0
  let doneBefore = 0
  let lastLine = started
  // A timer, not a callback per batch: a run held up by the rate limit still says how far it got.
  const report = options.progress ?? options.log
  const progress = setInterval(() => {
    const now = Date.now()
    const paused = api.http.isPaused()
    const snapshot = { done, total, elapsedMs: now - started, doneBefore, sinceMs: now - lastLine, paused }
    report(progressLine({ ...snapshot, past: words.past }))
    doneBefore = done
    lastLine = now
  }, PROGRESS_EVERY_MS)
  progress.unref()
  let outcomes: BatchOutcome[]
  try {
    // Each zone's batches go to its endpoint: purge_cache or invalidate_cache, of the zone or its environment.
    const target = targetedApi(api, targetsFor(options.mode ?? 'purge', environmentsOf(planned)))
    outcomes = await executeBatches(target, batches, {
      concurrency: CONCURRENCY,
      pacerFor,
      globalLimit: new RequestWindow(GLOBAL_API_LIMIT, options.requestsSoFar),
      pause: api.http,
      deadline: options.deadline,
      onProgress: (itemsDone) => (done = itemsDone),
      onSplit: (batch, limit) =>
        options.onSplit({ zoneId: batch.zoneId, type: batch.type, size: batch.items.length, limit })
    })
  } finally {
    clearInterval(progress)
  }
  const sent = outcomes.filter((o) => o.purgeId).length
  options.log(
    `${grouped(sent)} of ${count(outcomes.length, words.request)} succeeded in ${seconds(Date.now() - started)}`
  )
  return outcomes
}
