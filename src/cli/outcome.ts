// The one line a run ends with on the command line: what was purged, where, in how many requests and how
// long. Errors are shown once each, as they happen; this line only counts. Pure.
import { wordsFor } from '../purge/target.js'
import type { RunResult, ZoneRun } from '../report/result.js'
import { zonesWords } from '../report/summary.js'
import type { PurgeType } from '../types.js'
import { count, countOf, seconds } from '../words.js'

/** "Purged 2 URLs and 1 tag on example.com: 1 purge request in 0.4 s."; undefined when there is nothing to say. */
export function outcomeLine(result: RunResult): string | undefined {
  const w = wordsFor(result.mode)
  const requests = result.zones.reduce((n, z) => n + z.requests.length, 0)
  const where = zonesWords(result.zones)
  const time = seconds(result.timings.totalMs)
  if (result.status === 'planned') {
    const what = itemWords(result.zones, () => true)
    return `Dry run: ${what} ${where} would take ${count(requests, w.request)}; nothing was sent (${time}).`
  }
  if (result.status !== 'purged') return undefined
  const done = itemWords(result.zones, (r) => r.purgeId !== undefined)
  const failed = result.failed.length
  const sent = `${count(requests, w.request)} in ${time}`
  if (failed === 0) return `${w.Past} ${done} ${where}: ${sent}.`
  const notDone = `${count(failed, 'item')} not ${w.past}`
  return result.purgedCount === 0
    ? `Nothing was ${w.past} ${where} (${notDone}): ${sent}.`
    : `${w.Past} ${done} ${where}, ${notDone}: ${sent}.`
}

const TYPES: PurgeType[] = ['everything', 'files', 'tags', 'hosts', 'prefixes']

/** "2 URLs and 1 tag", "everything": the items of the requests that `counts` picks, by type. */
function itemWords(zones: ZoneRun[], counts: (r: ZoneRun['requests'][number]) => boolean): string {
  const requests = zones.flatMap((z) => z.requests).filter(counts)
  const parts = TYPES.flatMap((type) => {
    const batches = requests.filter((r) => r.batch.type === type)
    const n = batches.reduce((sum, r) => sum + r.batch.items.length, 0)
    return batches.length > 0 ? [countOf(type, n)] : []
  })
  if (parts.length <= 1) return parts[0] ?? 'nothing'
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1] as string}`
}
