// The edge check in words, for the log and the summary: what was checked, and the counts by verdict. Pure.
import { count } from '../words.js'
import type { VerifyResult } from './check.js'
import { describeStale } from './findings.js'
import { VERDICTS, type Verdict } from './verdict.js'

/** Stale URLs named one per line in the log. */
const STALE_LOGGED = 20

/** Each verdict as the log, the summary and the `verified` output name it. */
export const VERDICT_NAMES: Record<Verdict, string> = {
  fresh: 'fresh',
  stale: 'stale',
  'not-cached': 'not cached',
  'not-proxied': 'not proxied',
  unchecked: 'unchecked'
}

/** "Checked 100 of the 2000 URLs at the edge, a random sample (`verify_limit`: 100)." */
export function checkedWords(result: VerifyResult): string {
  const checked = result.checks.length
  return checked < result.candidates
    ? `Checked ${checked} of the ${result.candidates} URLs at the edge, a random sample (\`verify_limit\`: ${result.limit}).`
    : `Checked ${count(checked, 'URL')} at the edge.`
}

/** "98 fresh, 2 stale": the verdicts that occurred, in a fixed order. */
export function verdictWords(result: VerifyResult): string {
  return VERDICTS.filter((v) => result.counts[v] > 0)
    .map((v) => `${result.counts[v]} ${VERDICT_NAMES[v]}`)
    .join(', ')
}

/** "Warmed 12 URLs: …", or nothing without `warm`. */
export function warmedWords(result: VerifyResult): string[] {
  if (result.warmed === undefined) return []
  return [
    `Warmed ${count(result.warmed, 'URL')}: requested again so that the data centre this runner reaches ` +
      '(and its upper tier, with Tiered Cache) holds a copy; other data centres fill on their first visitor.'
  ]
}

/** The log lines of the edge check. */
export function describeEdgeCheck(result: VerifyResult): string[] {
  const stale = result.checks.filter((c) => c.verdict === 'stale')
  const lines = [
    `${checkedWords(result)} ${verdictWords(result)}.`,
    ...stale.slice(0, STALE_LOGGED).map((c) => `Stale: ${describeStale(c)}`)
  ]
  if (stale.length > STALE_LOGGED)
    lines.push(`… and ${stale.length - STALE_LOGGED} more stale (see the summary).`)
  return [...lines, ...warmedWords(result)]
}
