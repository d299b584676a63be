// Sends the planned requests of every zone: paced per account, within the API-wide request
// window, several at a time, with a progress line while it runs. Purges and invalidations, zone-wide or in
// a Version Management environment, are sent alike; only the endpoint and the words differ.
import type { CloudflareApi } from '../cloudflare/api.js'
import type { ZoneResolution } from '../access/zone-resolver.js'
import type { CacheMode, Environment } from '../types.js'
import { count, grouped, seconds } from '../words.js'
import type { Split } from './failures.js'
import { OverBudgetError } from '../cloudflare/budget.js'
import { NotSentError } from '../diagnosis/failure.js'
import { pacersByAccount } from './pacing.js'
import { itemCount, type Batch } from './planner.js'
import { progressLine } from './progress.js'
import { executeBatches, type BatchOutcome, type PurgeApi, type RequestLimit } from './runner.js'
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
  log: (line: string) => void
  /** Gets the progress line written every few seconds while requests are sent; default: `log`. */
  progress?: (line: string) => void
  /** How often the progress line is written; default: every 5 s. */
  progressEveryMs?: number
  /** Called each time Cloudflare finds a request too large: the size refused and the limit now used. */
  onSplit: (split: Split) => void
  /** Invalidate instead of purge; absent: purge. */
  mode?: CacheMode
}

/** One outcome per planned request (in the order of the plan), and the requests that went out. */
export interface SentPlan {
  outcomes: BatchOutcome[]
  /** Purge (or invalidate) requests sent, retries and resends included. */
  sent: number
}

/** Sends every planned request and returns one outcome per request, in the order of the plan. */
export async function sendPlan(
  api: CloudflareApi,
  planned: PlannedZone[],
  options: SendOptions
): Promise<SentPlan> {
  const sentBefore = api.http.requestCount
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
  }, options.progressEveryMs ?? PROGRESS_EVERY_MS)
  progress.unref()
  let outcomes: BatchOutcome[]
  try {
    // Each zone's batches go to its endpoint: purge_cache or invalidate_cache, of the zone or its environment.
    const target = targetedApi(api, targetsFor(options.mode ?? 'purge', environmentsOf(planned)))
    outcomes = await executeBatches(withBudgetTaken(target), batches, {
      concurrency: CONCURRENCY,
      pacerFor,
      globalLimit: budgetLimit(api),
      pause: api.http,
      deadline: options.deadline,
      onProgress: (itemsDone) => (done = itemsDone),
      onSplit: (batch, limit) =>
        options.onSplit({ zoneId: batch.zoneId, type: batch.type, size: batch.items.length, limit })
    })
  } finally {
    clearInterval(progress)
  }
  // The requests that went out, retries and resends included, as the client counted them.
  const sent = api.http.requestCount - sentBefore
  const accepted = outcomes.filter((o) => o.purgeId).length
  const took = seconds(Date.now() - started)
  options.log(
    `${count(sent, words.request)} sent, ${grouped(accepted)} accepted, in ${took}${stopWords(outcomes)}`
  )
  return { outcomes, sent }
}

/** What stopped the run before every request went, in a few words for the log; empty when nothing did. */
function stopWords(outcomes: BatchOutcome[]): string {
  const unsent = (is: (e: unknown) => boolean): number =>
    outcomes.filter((o) => is(o.error)).reduce((n, o) => n + itemCount(o.batch), 0)
  const overBudget = unsent((e) => e instanceof OverBudgetError)
  const late = unsent((e) => e instanceof NotSentError)
  const parts = [
    ...(overBudget > 0 ? [`${count(overBudget, 'item')} held back by Cloudflare's API request limit`] : []),
    ...(late > 0 ? [`${count(late, 'item')} not sent before the \`timeout\` ran out`] : [])
  ]
  return parts.length > 0 ? `; stopped: ${parts.join(', ')}` : ''
}

/** The runner takes a request of the client's budget before each attempt (budgetLimit): the client need not. */
function withBudgetTaken(api: PurgeApi): PurgeApi {
  return { purge: (zoneId, body, options) => api.purge(zoneId, body, { ...options, budgeted: true }) }
}

/** The credential's API-wide budget as the runner uses it: what it leaves no time for is not sent. */
function budgetLimit(api: CloudflareApi): RequestLimit {
  const budget = api.http.budget
  return {
    reserve: () => budget.reserve(),
    refund: () => budget.refund(),
    exhausted: (endpoint) => budget.heldBack(endpoint)
  }
}
