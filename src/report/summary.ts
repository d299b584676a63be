// The job summary's content, built from the run result as plain blocks: the action writes them with
// the toolkit's summary (src/action/reporter.ts), a command line can print them as text. Pure.
import { describeEnvironment, wordsFor } from '../purge/target.js'
import { summaryRows, zoneCounts, type RunResult } from './result.js'
import { count, seconds } from '../words.js'

export type SummaryBlock =
  | { kind: 'heading'; text: string; level: 2 | 3 }
  | { kind: 'text'; text: string }
  | { kind: 'table'; header: string[]; rows: string[][] }
  | { kind: 'list'; items: string[] }

/** More request IDs than this in one cell are counted rather than listed. */
const IDS_SHOWN = 3
/** Distinct reasons listed under "Not purged"; the others are counted. */
const REASONS_SHOWN = 20

export interface SummaryOptions {
  /** Where the user finds the list of items not purged. Default: the action's failed_items output. */
  failedItemsIn?: string
}

/** The summary of the run; empty when there is nothing to say (nothing was to be purged). */
export function summaryOf(result: RunResult, options: SummaryOptions = {}): SummaryBlock[] {
  const failedItemsIn = options.failedItemsIn ?? 'the failed_items output'
  switch (result.status) {
    case 'nothing-to-purge':
      return []
    case 'stopped':
      return stoppedSummary(result, failedItemsIn)
    case 'planned':
      return [...planSummary(result), ...warningsOf(result)]
    case 'purged':
      return [...purgeSummary(result, failedItemsIn), ...warningsOf(result)]
  }
}

/**
 * The warnings about the credential and the zones, repeated from the log: a token that expires next
 * week deserves a heads-up where people look after a deploy.
 */
function warningsOf(result: RunResult): SummaryBlock[] {
  const warnings = result.notes.filter((n) => n.severity === 'warning')
  if (warnings.length === 0) return []
  return [
    { kind: 'heading', text: 'Warnings', level: 3 },
    { kind: 'list', items: warnings.map((w) => `${w.title}: ${w.message}`) }
  ]
}

function purgeSummary(result: RunResult, failedItemsIn: string): SummaryBlock[] {
  const w = wordsFor(result.mode)
  const rows = summaryRows(result.zones).map((r) => [
    r.zone,
    r.type,
    String(r.items),
    String(r.purged),
    String(r.failed),
    r.ids.length > IDS_SHOWN
      ? `${r.ids.slice(0, IDS_SHOWN).join(', ')} and ${r.ids.length - IDS_SHOWN} more`
      : r.ids.join(', ')
  ])
  const blocks: SummaryBlock[] = [
    { kind: 'heading', text: w.title, level: 2 },
    ...environmentLine(result),
    { kind: 'table', header: ['Zone', 'Type', 'Items', w.Past, 'Failed', 'Request IDs'], rows },
    {
      kind: 'text',
      text: `${result.purgedCount} ${w.past}, ${result.failed.length} failed, in ${seconds(result.timings.totalMs)}.`
    }
  ]
  const perZone = zoneCounts(result.zones)
  if (perZone.length > 1) {
    blocks.push(
      { kind: 'heading', text: 'Per zone', level: 3 },
      {
        kind: 'table',
        header: ['Zone', 'Zone ID', 'Items', w.Past, 'Failed'],
        rows: perZone.map((z) => [
          z.name || z.id,
          z.id,
          String(z.items),
          String(z.purged_count),
          String(z.failed_count)
        ])
      }
    )
  }
  if (result.failed.length > 0) {
    // Items refused one by one each have a reason of their own: the first few are enough here.
    const reasons = [...new Set(result.failed.map((f) => f.reason))]
    blocks.push(
      { kind: 'heading', text: `Not ${w.past}`, level: 3 },
      { kind: 'list', items: reasons.slice(0, REASONS_SHOWN) }
    )
    if (reasons.length > REASONS_SHOWN)
      blocks.push({
        kind: 'text',
        text: `… and ${count(reasons.length - REASONS_SHOWN, 'more reason')}: see ${failedItemsIn}.`
      })
  }
  return blocks
}

function planSummary(result: RunResult): SummaryBlock[] {
  const w = wordsFor(result.mode)
  return [
    { kind: 'heading', text: `${w.title} (dry run)`, level: 2 },
    ...environmentLine(result),
    { kind: 'text', text: `Nothing was ${w.past}. This is what would be sent:` },
    {
      kind: 'table',
      header: ['Zone', 'Type', 'Items', 'Requests'],
      rows: summaryRows(result.zones).map((r) => [r.zone, r.type, String(r.items), String(r.requests)])
    }
  ]
}

function stoppedSummary(result: RunResult, failedItemsIn: string): SummaryBlock[] {
  const w = wordsFor(result.mode)
  const first = result.stoppedBy?.find((f) => f.severity === 'error') ?? result.stoppedBy?.[0]
  const listed =
    result.failed.length > 0
      ? ` ${count(result.failed.length, 'requested item is', 'requested items are')} listed in ${failedItemsIn}.`
      : ''
  return [
    { kind: 'heading', text: w.title, level: 2 },
    { kind: 'text', text: `Nothing was ${w.past}: ${first?.title ?? 'the run stopped'}.${listed}` }
  ]
}

/** Names the Version Management environment each zone's requests went to; nothing when none was named. */
function environmentLine(result: RunResult): SummaryBlock[] {
  const parts = result.zones.flatMap((z) =>
    z.environment ? [`${describeEnvironment(z.environment)} on ${z.name ?? z.label}`] : []
  )
  return parts.length > 0 ? [{ kind: 'text', text: `Environment: ${parts.join(', ')}.` }] : []
}
