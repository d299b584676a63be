// How one answer at the edge is read, which URLs are checked, and the counts by verdict. Pure.
// CF-Cache-Status values: https://developers.cloudflare.com/cache/concepts/cache-responses/
import type { FileItem } from '../types.js'

/**
 * What an answer at the edge says about the purge: `fresh`, cached again since (or not served from an old
 * copy); `stale`, an old copy the purge missed; `not-cached`, Cloudflare does not cache the URL (DYNAMIC,
 * BYPASS); `not-proxied`, no CF-Cache-Status at all; `unchecked`, no answer could be read.
 */
export type Verdict = 'fresh' | 'stale' | 'not-cached' | 'not-proxied' | 'unchecked'

export const VERDICTS: readonly Verdict[] = ['fresh', 'stale', 'not-cached', 'not-proxied', 'unchecked']

/** What one GET at the edge answered: its status and the two headers read, or why there was no answer. */
export type EdgeAnswer = { status: number; cacheStatus?: string; age?: number } | { error: string }

/** One URL checked at the edge and what was found. */
export interface EdgeCheck {
  item: FileItem
  verdict: Verdict
  /** CF-Cache-Status as answered, upper case; absent when there was none. */
  cacheStatus?: string
  /** The Age header, in seconds. */
  age?: number
  /** The HTTP status of the answer. */
  status?: number
  /** Why no answer could be read (`unchecked`). */
  reason?: string
  /** Requested once more after the check, to put a copy back in the cache (`warm`). */
  warmed?: boolean
}

/** Answers that mean a copy was fetched from the origin (or confirmed by it) just now. */
const FROM_ORIGIN = new Set(['MISS', 'EXPIRED', 'REVALIDATED', 'UPDATING'])
/** Answers from a cached copy: how old it is tells whether it predates the purge. */
const FROM_CACHE = new Set(['HIT', 'STALE'])
/** Slack between the runner's clock and the edge's count of Age. */
const SLACK_SECONDS = 1

/**
 * The verdict on one answer. `sinceSeconds`: time from when Cloudflare accepted the purge to the answer;
 * a cached copy no older than that (plus a second) was cached again after the purge.
 */
export function verdictOf(answer: EdgeAnswer, sinceSeconds: number): Omit<EdgeCheck, 'item'> {
  if ('error' in answer) return { verdict: 'unchecked', reason: answer.error }
  const { status, cacheStatus, age } = answer
  const read = { status, ...(cacheStatus ? { cacheStatus } : {}), ...(age !== undefined ? { age } : {}) }
  if (!cacheStatus) return { ...read, verdict: 'not-proxied' }
  if (FROM_ORIGIN.has(cacheStatus)) return { ...read, verdict: 'fresh' }
  if (FROM_CACHE.has(cacheStatus)) {
    if (age === undefined)
      return { ...read, verdict: 'unchecked', reason: `${cacheStatus} without an Age header` }
    return { ...read, verdict: age <= sinceSeconds + SLACK_SECONDS ? 'fresh' : 'stale' }
  }
  // DYNAMIC, BYPASS, NONE, UNKNOWN: nothing was taken from the cache, and nothing is kept there.
  return { ...read, verdict: 'not-cached' }
}

/** A fresh answer that did not come from the cache: `warm` requests it once more to cache it there. */
export function wantsWarming(check: EdgeCheck): boolean {
  return check.verdict === 'fresh' && check.cacheStatus !== 'HIT'
}

/** CF-Cache-Status and Age as read from an answer's headers (names in lower case). */
export function readCacheHeaders(headers: Record<string, string | string[] | undefined>): {
  cacheStatus?: string
  age?: number
} {
  const first = (name: string): string | undefined => {
    const value = headers[name]
    return (Array.isArray(value) ? value[0] : value)?.trim()
  }
  // Network text: a value outside Cloudflare's vocabulary of single words is not repeated as it came.
  const raw = first('cf-cache-status')?.toUpperCase()
  const cacheStatus = raw === undefined || /^[A-Z]{1,16}$/.test(raw) ? raw : 'UNKNOWN'
  const ageText = first('age')
  const age = ageText !== undefined && /^\d+$/.test(ageText) ? Number(ageText) : undefined
  return { ...(cacheStatus ? { cacheStatus } : {}), ...(age !== undefined ? { age } : {}) }
}

/**
 * At most `limit` of the items, chosen at random (`random` as Math.random) when there are more, in
 * their original order: a partial Fisher–Yates shuffle of the indexes.
 */
export function sample<T>(items: T[], limit: number, random: () => number = Math.random): T[] {
  if (items.length <= limit) return items
  const indexes = items.map((_, i) => i)
  for (let i = 0; i < limit; i++) {
    const j = i + Math.floor(random() * (indexes.length - i))
    ;[indexes[i], indexes[j]] = [indexes[j] as number, indexes[i] as number]
  }
  return indexes
    .slice(0, limit)
    .sort((a, b) => a - b)
    .map((i) => items[i] as T)
}

/** How many checks had each verdict, every verdict present. */
export function countVerdicts(checks: EdgeCheck[]): Record<Verdict, number> {
  const counts = Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<Verdict, number>
  for (const check of checks) counts[check.verdict]++
  return counts
}
