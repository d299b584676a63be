// The progress line written every few seconds while the requests are sent: how far, how fast, and how
// long to go; when nothing finished since the last line, that it waits and for what. Pure.
import { count, grouped, roughly, seconds } from '../words.js'

export interface ProgressSnapshot {
  /** Items purged or given up so far, of `total`. */
  done: number
  total: number
  /** Since the first request could go. */
  elapsedMs: number
  /** `done` at the previous line (0 at the first). */
  doneBefore: number
  /** Since the previous line (or the start). */
  sinceMs: number
  /** Cloudflare answered 429 and every request waits for the time it asked. */
  paused: boolean
  /** "purged" / "invalidated" */
  past: string
}

export function progressLine(p: ProgressSnapshot): string {
  const percent = p.total > 0 ? Math.floor((p.done / p.total) * 100) : 100
  const head = `Progress: ${grouped(p.done)} of ${count(p.total, 'item')} ${p.past} or given up (${percent}%) in ${seconds(p.elapsedMs)}`
  if (p.done === p.doneBefore) {
    const why = p.paused
      ? 'Cloudflare answered 429 (too many requests), so every request waits the time it asked'
      : "waiting for the rate limit's next slot or for Cloudflare's answers"
    return `${head}; none in the last ${seconds(p.sinceMs)}: ${why}`
  }
  const perSecond = p.done / Math.max(p.elapsedMs / 1000, 0.001)
  // The time left at the slower of the two paces, overall and since the last line: a run that began with
  // a burst (a full token bucket) and is now paced would otherwise promise far too soon an end.
  const recent = (p.done - p.doneBefore) / Math.max(p.sinceMs / 1000, 0.001)
  const pace = Math.min(perSecond, recent)
  const rate = perSecond < 10 ? perSecond.toFixed(1) : grouped(perSecond)
  const left =
    p.done < p.total ? `, about ${roughly(((p.total - p.done) / pace) * 1000)} left at this pace` : ''
  return `${head}, ${rate} items a second${left}`
}
