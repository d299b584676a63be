// The job summary's section on the edge check (`verify`): the counts by verdict, then the stale and the
// unproxied URLs, each list short. Pure.
import { describeStale } from '../verify/findings.js'
import type { VerifyResult } from '../verify/check.js'
import { VERDICTS, type EdgeCheck } from '../verify/verdict.js'
import { checkedWords, VERDICT_NAMES, warmedWords } from '../verify/words.js'
import type { SummaryBlock } from './summary.js'

/** URLs listed per verdict; the rest are counted. */
export const EDGE_URLS_SHOWN = 20

export function edgeSummary(verify: VerifyResult): SummaryBlock[] {
  const stale = verify.checks.filter((c) => c.verdict === 'stale')
  const failing =
    stale.length > 0
      ? ` The step fails: ${stale.length === 1 ? '1 URL was' : `${stale.length} URLs were`} still served from a copy older than the purge.`
      : ''
  const blocks: SummaryBlock[] = [
    { kind: 'heading', text: 'At the edge', level: 3 },
    { kind: 'text', text: `${checkedWords(verify)}${failing}` },
    {
      kind: 'table',
      header: ['Verdict', 'URLs'],
      rows: VERDICTS.filter((v) => verify.counts[v] > 0).map((v) => [
        VERDICT_NAMES[v],
        String(verify.counts[v])
      ])
    }
  ]
  if (stale.length > 0)
    blocks.push(...shortList('Still served from a copy older than the purge', stale, describeStale))
  const unproxied = verify.checks.filter((c) => c.verdict === 'not-proxied')
  if (unproxied.length > 0)
    blocks.push(
      ...shortList('Not served through Cloudflare (no CF-Cache-Status)', unproxied, (c) => c.item.url)
    )
  return [...blocks, ...warmedWords(verify).map((text): SummaryBlock => ({ kind: 'text', text }))]
}

function shortList(label: string, checks: EdgeCheck[], describe: (c: EdgeCheck) => string): SummaryBlock[] {
  const more = checks.length - EDGE_URLS_SHOWN
  return [
    { kind: 'text', text: `${label}:` },
    { kind: 'list', items: checks.slice(0, EDGE_URLS_SHOWN).map(describe), code: true },
    ...(more > 0 ? [{ kind: 'text', text: `… and ${more} more.` } as const] : [])
  ]
}
