// After the purge: each purged URL (or a random sample of them) requested once at the edge, read into a
// verdict, a stale answer checked once more, and, with `warm`, each URL that was not a cached copy
// requested again so that the data centre keeps one. Plain TypeScript; the requests are injected.
import type { FileItem } from '../types.js'
import { eachLimited } from './edge-client.js'
import {
  countVerdicts,
  sample,
  verdictOf,
  wantsWarming,
  type EdgeAnswer,
  type EdgeCheck,
  type Verdict
} from './verdict.js'

/** Edge requests in flight at once. */
export const EDGE_CONCURRENCY = 8
/**
 * A purge reaches every data centre in well under a second at the median (Cloudflare's "Instant Purge",
 * https://blog.cloudflare.com/instant-purge/), so a stale answer is asked again once after this wait.
 */
export const RECHECK_AFTER_MS = 1000

/** What the edge check found, as the run result carries it. */
export interface VerifyResult {
  /** URLs that could be checked: the purged URLs and `verify_urls`. */
  candidates: number
  /** `verify_limit`: the most URLs checked. */
  limit: number
  /** One per URL checked: all of them, or a random sample of `verify_limit`. */
  checks: EdgeCheck[]
  counts: Record<Verdict, number>
  /** URLs requested again to warm the cache (`warm`); absent without it. */
  warmed?: number
}

export interface CheckOptions {
  /** Every URL that may be checked, each once. */
  items: FileItem[]
  limit: number
  warm: boolean
  /** Epoch ms when Cloudflare accepted the purge (its earliest request). */
  acceptedAt: number
  /** Epoch ms: no wait for a re-check reaches past it. */
  deadline: number
  get: (item: FileItem) => Promise<EdgeAnswer>
  random?: () => number
  now?: () => number
  sleep?: (ms: number) => Promise<void>
  recheckAfterMs?: number
}

export async function checkAtEdge(options: CheckOptions): Promise<VerifyResult> {
  const now = options.now ?? Date.now
  const chosen = sample(options.items, options.limit, options.random)
  const checkOne = async (item: FileItem): Promise<EdgeCheck> => {
    const answer = await options.get(item)
    return { item, ...verdictOf(answer, (now() - options.acceptedAt) / 1000) }
  }
  let checks = await eachLimited(chosen, EDGE_CONCURRENCY, checkOne)
  checks = await recheckStale(checks, checkOne, options, now)
  const warmed = options.warm ? await warm(checks, options.get) : undefined
  return {
    candidates: options.items.length,
    limit: options.limit,
    checks,
    counts: countVerdicts(checks),
    ...(warmed !== undefined ? { warmed } : {})
  }
}

/** A stale answer may come from a data centre the purge had not reached yet: asked once more, a moment later. */
async function recheckStale(
  checks: EdgeCheck[],
  checkOne: (item: FileItem) => Promise<EdgeCheck>,
  options: CheckOptions,
  now: () => number
): Promise<EdgeCheck[]> {
  const stale = checks.filter((c) => c.verdict === 'stale')
  const wait = options.recheckAfterMs ?? RECHECK_AFTER_MS
  if (stale.length === 0 || now() + wait >= options.deadline) return checks
  await (options.sleep ?? ((ms) => new Promise<void>((done) => setTimeout(done, ms))))(wait)
  const again = await eachLimited(stale, EDGE_CONCURRENCY, (c) => checkOne(c.item))
  const byItem = new Map(stale.map((c, i) => [c, again[i] as EdgeCheck]))
  return checks.map((c) => byItem.get(c) ?? c)
}

/** Requests each URL that was fresh but not a cached copy once more; returns how many answered. */
async function warm(checks: EdgeCheck[], get: CheckOptions['get']): Promise<number> {
  const wanted = checks.filter(wantsWarming)
  const answers = await eachLimited(wanted, EDGE_CONCURRENCY, (c) => get(c.item))
  let warmed = 0
  for (const [i, check] of wanted.entries()) {
    if ('error' in (answers[i] as EdgeAnswer)) continue
    check.warmed = true
    warmed++
  }
  return warmed
}
