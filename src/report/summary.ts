// The job summary's content, built from the run result as plain blocks: the action writes them as HTML
// (summary-html.ts), a command line prints them as text (plainBlocks). It opens with one status line: all purged,
// partly, or nothing, and why, with the fix; then the items, long lists folded away. Pure.
//
// Text in the blocks is plain, never HTML; a `span in backticks` is code (a name the user types), as in
// the annotations. Items (URLs, tags) are kept verbatim in lists marked `code`.
import { describeEnvironment, wordsFor, type CacheWords } from '../purge/target.js'
import { describeItem } from '../purge/planner.js'
import type { Finding, PurgeType } from '../types.js'
import { count, countOf, seconds } from '../words.js'
import { edgeSummary } from './edge-summary.js'
import { groupFailedItems } from './outputs.js'
import { summaryRows, zoneCounts, type FailedItem, type RunResult, type ZoneRun } from './result.js'

/** What came of the run, for the status line: everything done, part of it, nothing, or a dry run's plan. */
export type Outcome = 'all' | 'partly' | 'none' | 'plan'

export type SummaryBlock =
  | { kind: 'heading'; text: string; level: 2 | 3 }
  /** The first thing a reader sees: what came of the run in a few words, then why and what to do. */
  | { kind: 'status'; outcome: Outcome; headline: string; text?: string }
  | { kind: 'text'; text: string }
  | { kind: 'table'; header: string[]; rows: string[][] }
  /** `code`: the items are names (URLs, tags, request IDs) shown verbatim. */
  | { kind: 'list'; items: string[]; code?: true }
  /** Folded away until the reader opens it: long lists. */
  | { kind: 'details'; label: string; blocks: SummaryBlock[] }

export interface SummaryOptions {
  /** Where the user finds the list of items not purged. Default: the action's failed_items output. */
  failedItemsIn?: string
  /** The warnings the run showed (an expiring token, a URL outside its zone, …): they close the summary. */
  warnings?: Finding[]
}

/**
 * Items listed in one list; the rest are counted. GitHub takes at most 1 MiB of summary from a step
 * (https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/workflow-commands-for-github-actions#adding-a-job-summary).
 */
export const ITEMS_SHOWN = 100
/** A list this long or shorter is shown open; a longer one is folded. */
export const OPEN_LIST_MAX = 5
/** Reasons for items not purged shown one by one; the rest are counted. */
export const REASONS_SHOWN = 20
/**
 * Characters of items (URLs, tags) listed in one summary, all lists together: escaped as HTML they stay
 * well within the 1 MiB a step may write, however long the items.
 */
export const ITEM_CHARS = 128 * 1024
/** Request IDs listed per zone and type. */
const IDS_SHOWN = 20

export interface SummaryOptions {
  /** Where the user finds the list of items not purged. Default: the action's failed_items output. */
  failedItemsIn?: string
}

/** The summary of the run; empty when there is nothing to say (nothing was to be purged). */
export function summaryOf(result: RunResult, options: SummaryOptions = {}): SummaryBlock[] {
  const failedItemsIn = options.failedItemsIn ?? 'the `failed_items` output'
  const warnings = warningBlocks(options.warnings ?? [])
  switch (result.status) {
    case 'nothing-to-purge':
      return []
    case 'stopped':
      return [...stoppedSummary(result, failedItemsIn, freshRoom()), ...warnings]
    case 'planned':
      return [...planSummary(result, freshRoom()), ...warnings]
    case 'purged':
      return [...purgeSummary(result, failedItemsIn, freshRoom()), ...warnings]
  }
}

/** The warnings of the run, each once, after everything else: the status line stays first. */
function warningBlocks(warnings: Finding[]): SummaryBlock[] {
  const items = [...new Set(warnings.map((f) => `${f.title}: ${f.message}`))]
  return items.length > 0
    ? [
        { kind: 'heading', text: items.length === 1 ? 'Warning' : 'Warnings', level: 3 },
        { kind: 'list', items }
      ]
    : []
}

function purgeSummary(result: RunResult, failedItemsIn: string, room: Room): SummaryBlock[] {
  const w = wordsFor(result.mode)
  const rows = summaryRows(result.zones)
  const blocks: SummaryBlock[] = [
    { kind: 'heading', text: w.title, level: 2 },
    purgeStatus(result, w, failedItemsIn),
    ...environmentLine(result),
    countsTable(
      ['Zone', 'Type'],
      rows.map((r) => ({ key: [r.zone, r.type], items: r.items, purged: r.purged, failed: r.failed })),
      w
    )
  ]
  const perZone = zoneCounts(result.zones)
  if (perZone.length > 1) {
    blocks.push(
      { kind: 'heading', text: 'Per zone', level: 3 },
      countsTable(
        ['Zone', 'Zone ID'],
        perZone.map((z) => ({
          key: [z.name || z.id, z.id],
          items: z.items,
          purged: z.purged_count,
          failed: z.failed_count
        })),
        w
      )
    )
  }
  if (result.failed.length > 0) {
    blocks.push(
      { kind: 'heading', text: `Not ${w.past} (${count(result.failed.length, 'item')})`, level: 3 },
      ...failedBlocks(result, w, room, failedItemsIn)
    )
  }
  const purged = itemLists(result.zones, (r) => r.purgeId !== undefined, `${w.past} on`, room)
  if (purged.length > 0) blocks.push({ kind: 'heading', text: w.Past, level: 3 }, ...purged)
  if (result.verify) blocks.push(...edgeSummary(result.verify))
  if (result.purgeIds.length > 0) blocks.push(requestIds(result))
  return blocks
}

/** Items, purged and not purged per row; the last column only when something was not purged. */
function countsTable(
  keys: string[],
  rows: Array<{ key: string[]; items: number; purged: number; failed: number }>,
  w: CacheWords
): SummaryBlock {
  const failed = rows.some((r) => r.failed > 0)
  return {
    kind: 'table',
    header: [...keys, 'Items', w.Past, ...(failed ? [`Not ${w.past}`] : [])],
    rows: rows.map((r) => [
      ...r.key,
      String(r.items),
      String(r.purged),
      ...(failed ? [String(r.failed)] : [])
    ])
  }
}

function purgeStatus(result: RunResult, w: CacheWords, failedItemsIn: string): SummaryBlock {
  const failed = result.failed.length
  const total = result.purgedCount + failed
  const where = zonesWords(result.zones)
  // The requests that went out, resends and retries included, when the run counted them.
  const requests = result.requestsSent ?? result.zones.reduce((n, z) => n + z.requests.length, 0)
  if (failed === 0) {
    const everything = result.zones.every((z) => z.requests.every((r) => r.batch.type === 'everything'))
    const headline = everything
      ? `Everything was ${w.past} ${where}.`
      : total === 1
        ? `1 item was ${w.past} ${where}.`
        : `All ${total} items were ${w.past} ${where}.`
    return {
      kind: 'status',
      outcome: 'all',
      headline,
      text: `${count(requests, w.request)} in ${seconds(result.timings.totalMs)}.`
    }
  }
  const sent = result.requestsSent !== undefined ? ` ${count(requests, w.request)} went out.` : ''
  const why = failedWhy(reasonGroups(result.failed, failedItemsIn), w, failedItemsIn) + sent
  return result.purgedCount === 0
    ? { kind: 'status', outcome: 'none', headline: `Nothing was ${w.past}.`, text: why }
    : {
        kind: 'status',
        outcome: 'partly',
        headline: `${result.purgedCount} of ${count(total, 'item')} were ${w.past}; ${failed} ${failed === 1 ? 'was' : 'were'} not.`,
        text: why
      }
}

/** The items not purged for one reason, as the summary counts them. */
interface ReasonGroup {
  text: string
  items: FailedItem[]
  /** Running again can purge them. */
  rerun: boolean
}

/**
 * The items not purged, grouped by reason, the reason covering the most items first. Items refused each
 * in Cloudflare's own words about it count together under their kind; the words stay in failed_items.
 */
function reasonGroups(failed: FailedItem[], failedItemsIn: string): ReasonGroup[] {
  const groups = new Map<string, ReasonGroup>()
  for (const item of failed) {
    const perItem = item.cause?.perItem === true
    const key = perItem ? `per item: ${item.cause?.title ?? ''}` : item.reason
    let group = groups.get(key)
    if (!group) {
      const text = perItem
        ? `${item.cause?.title ?? 'Refused'}: Cloudflare refused each of these items, in words about each that ` +
          `${failedItemsIn} keeps; the first: ${item.reason} Correct or remove them; running again as they ` +
          'are fails the same way.'
        : item.reason
      groups.set(key, (group = { text, items: [], rerun: item.cause?.rerun ?? true }))
    }
    group.items.push(item)
  }
  // Sorting is stable: reasons with as many items keep the order in which they first failed.
  return [...groups.values()].sort((a, b) => b.items.length - a.items.length)
}

/** Why items were not purged, for the status line: the reason, or how many, and whether a rerun helps. */
function failedWhy(groups: ReasonGroup[], w: CacheWords, failedItemsIn: string): string {
  const failed = groups.reduce((n, g) => n + g.items.length, 0)
  const rerun = groups.filter((g) => g.rerun).reduce((n, g) => n + g.items.length, 0)
  const twice = `${gerund(w)} twice does no harm.`
  const retry =
    rerun === 0
      ? ''
      : rerun === failed
        ? ` Running again retries them, and ${twice}`
        : ` Running again retries the ${count(rerun, 'item')} whose reason passes (time, rate limits, ` +
          `Cloudflare's own errors), and ${twice}`
  const [only] = groups
  if (groups.length === 1 && only)
    return `${only.text} The ${failed === 1 ? 'item is' : 'items are'} listed below and in ${failedItemsIn}.${retry}`
  return `The ${groups.length} reasons are below, the one with the most items first, each with its items (all are in ${failedItemsIn}).${retry}`
}

/**
 * The items not purged, under their reason (given once, in the status line, when there is only one) with
 * its count, most items first, in the groups of the failed_items output (zone and type). The first
 * REASONS_SHOWN reasons list their items; the others are named with their counts.
 */
function failedBlocks(result: RunResult, w: CacheWords, room: Room, failedItemsIn: string): SummaryBlock[] {
  const groups = reasonGroups(result.failed, failedItemsIn)
  const zoneName = new Map(result.zones.map((z) => [z.id, z.name ?? z.label]))
  const blocks: SummaryBlock[] = []
  for (const group of groups.slice(0, REASONS_SHOWN)) {
    if (groups.length > 1)
      blocks.push({ kind: 'text', text: `${count(group.items.length, 'item')}: ${group.text}` })
    for (const { zone, type, count: n, items } of groupFailedItems(group.items))
      blocks.push(...itemList(`${countOf(type, n)} on ${zoneName.get(zone) ?? zone}`, items, room))
  }
  const rest = groups.slice(REASONS_SHOWN)
  if (rest.length > 0) {
    const items = rest.reduce((n, g) => n + g.items.length, 0)
    blocks.push(
      {
        kind: 'text',
        text: `… and ${count(rest.length, 'other reason')} for ${count(items, 'item')} not ${w.past}, each with its items in ${failedItemsIn}:`
      },
      {
        kind: 'list',
        items: rest.slice(0, ITEMS_SHOWN).map((g) => `${count(g.items.length, 'item')}: ${g.text}`)
      },
      ...(rest.length > ITEMS_SHOWN
        ? [{ kind: 'text', text: `… and ${rest.length - ITEMS_SHOWN} more.` } as const]
        : [])
    )
  }
  return blocks
}

/** The items of the requests that `pick` selects, one list per zone and type; purge everything has none. */
function itemLists(
  zones: ZoneRun[],
  pick: (r: ZoneRun['requests'][number]) => boolean,
  on: string,
  room: Room
): SummaryBlock[] {
  const blocks: SummaryBlock[] = []
  for (const zone of zones) {
    // Per type: how many items, and the first ITEMS_SHOWN of them, the most a list shows. A run of
    // 100,000 URLs would otherwise build (and copy, request after request) a list of all of them.
    const types = new Map<PurgeType, { total: number; first: string[] }>()
    for (const request of zone.requests) {
      if (!pick(request) || request.batch.type === 'everything') continue
      const list = types.get(request.batch.type) ?? { total: 0, first: [] }
      types.set(request.batch.type, list)
      list.total += request.batch.items.length
      for (const item of request.batch.items) {
        if (list.first.length >= ITEMS_SHOWN) break
        list.first.push(describeItem(item))
      }
    }
    for (const [type, { total, first }] of types)
      blocks.push(
        ...itemList(`${countOf(type, total)} ${on} ${zone.name ?? zone.label}`, first, room, true, total)
      )
  }
  return blocks
}

/** A list of items under its label: open when short, folded when long (or when `fold`), capped either way. */
function itemList(
  label: string,
  items: string[],
  room: Room,
  fold = false,
  total = items.length
): SummaryBlock[] {
  const shown = cappedList(items, room, total)
  return fold || total > OPEN_LIST_MAX
    ? [{ kind: 'details', label, blocks: shown }]
    : [{ kind: 'text', text: `${label}:` }, ...shown]
}

/** Room left for items in one summary, in characters. */
export interface Room {
  chars: number
}

const freshRoom = (): Room => ({ chars: ITEM_CHARS })

/**
 * The first ITEMS_SHOWN items that fit in the room left, each shown verbatim, and how many more there are
 * of `total` (the list may hold only the first ones).
 */
function cappedList(items: string[], room: Room, total = items.length): SummaryBlock[] {
  const shown: string[] = []
  for (const item of items.slice(0, ITEMS_SHOWN)) {
    if (item.length > room.chars) break
    room.chars -= item.length
    shown.push(item)
  }
  const more = total - shown.length
  if (shown.length === 0)
    return [{ kind: 'text', text: `${count(more, 'item')}, not listed: the summary is full.` }]
  return [
    { kind: 'list', items: shown, code: true },
    ...(more > 0 ? [{ kind: 'text', text: `… and ${more} more.` } as const] : [])
  ]
}

/** Cloudflare's request IDs, folded: they mean something to Cloudflare's support, not to a reader. */
function requestIds(result: RunResult): SummaryBlock {
  const rows = summaryRows(result.zones)
    .filter((r) => r.ids.length > 0)
    .map((r) => [
      r.zone,
      r.type,
      r.ids.slice(0, IDS_SHOWN).join(', ') +
        (r.ids.length > IDS_SHOWN ? ` and ${r.ids.length - IDS_SHOWN} more` : '')
    ])
  return {
    kind: 'details',
    label: `Cloudflare's request IDs (${result.purgeIds.length})`,
    blocks: [
      { kind: 'text', text: "For Cloudflare's support, should they ask." },
      { kind: 'table', header: ['Zone', 'Type', 'Request IDs'], rows }
    ]
  }
}

function planSummary(result: RunResult, room: Room): SummaryBlock[] {
  const w = wordsFor(result.mode)
  const rows = summaryRows(result.zones)
  const items = rows.reduce((n, r) => n + r.items, 0)
  const requests = rows.reduce((n, r) => n + r.requests, 0)
  const lists = itemLists(result.zones, () => true, 'on', room)
  return [
    { kind: 'heading', text: `${w.title} (dry run)`, level: 2 },
    {
      kind: 'status',
      outcome: 'plan',
      headline: `Dry run: ${count(items, 'item')} would be ${w.past} ${zonesWords(result.zones)}.`,
      text: `Nothing was ${w.past}: the ${count(requests, w.request)} planned ${requests === 1 ? 'was' : 'were'} not sent.`
    },
    ...environmentLine(result),
    {
      kind: 'table',
      header: ['Zone', 'Type', 'Items', 'Requests'],
      rows: rows.map((r) => [r.zone, r.type, String(r.items), String(r.requests)])
    },
    ...(lists.length > 0
      ? [{ kind: 'heading', text: `Would be ${w.past}`, level: 3 } as const, ...lists]
      : []),
    { kind: 'heading', text: 'What a dry run cannot check', level: 3 },
    ...dryRunLimits(result).map((text): SummaryBlock => ({ kind: 'text', text }))
  ]
}

/**
 * What a dry run checked and what it could not, for the summary and the log. No Cloudflare API tells a
 * token with only Cache Purge what it may do (token verify answers only its status; reading the token's
 * policies needs a permission to read tokens), so whether a purge is allowed shows only in a real one.
 */
export function dryRunLimits(result: Pick<RunResult, 'mode' | 'credential' | 'zones'>): string[] {
  const w = wordsFor(result.mode)
  const lines = [
    `A dry run checks the inputs, that the credential is active and that each zone is there; it sends no ${w.request}.`
  ]
  if (result.credential?.owner === 'global-key')
    lines.push(
      `It cannot check that Cloudflare lets this key's user ${w.verb} these zones: only a real ${w.request} shows it.`
    )
  else
    lines.push(
      `It cannot check that the token may ${w.verb}: no Cloudflare API tells a purge-only token whether it may ${w.verb}; ` +
        `only a real ${w.request} does. If the real run fails with "Token may not purge this zone", edit the token: ` +
        'add Zone → Cache Purge → Purge, with the zone in its Zone Resources.'
    )
  const unread = result.zones.filter((z) => z.name === undefined).map((z) => z.id)
  if (unread.length > 0)
    lines.push(
      `Nor can it tell whether ${unread.length === 1 ? `zone ${unread[0] as string} exists` : `zones ${unread.join(', ')} exist`}: ` +
        'the credential cannot read it (a token without Zone → Zone → Read), and Cloudflare answers the same for a zone ' +
        'that does not exist.'
    )
  return lines
}

function stoppedSummary(result: RunResult, failedItemsIn: string, room: Room): SummaryBlock[] {
  const w = wordsFor(result.mode)
  const stoppedBy = result.stoppedBy ?? []
  const errors = stoppedBy.filter((f) => f.severity === 'error')
  const shown: Finding[] = errors.length > 0 ? errors : stoppedBy.slice(0, 1)
  const [only] = shown
  const blocks: SummaryBlock[] = [{ kind: 'heading', text: w.title, level: 2 }]
  const sent = `No ${w.request} was sent.`
  if (shown.length === 1 && only)
    blocks.push({
      kind: 'status',
      outcome: 'none',
      headline: `Nothing was ${w.past}: ${only.title}.`,
      text: `${only.message} ${sent}`
    })
  else
    blocks.push(
      {
        kind: 'status',
        outcome: 'none',
        headline:
          shown.length > 1
            ? `Nothing was ${w.past}: ${count(shown.length, 'problem')} to fix.`
            : `Nothing was ${w.past}.`,
        text: shown.length > 1 ? `${sent} Each problem, with what to do:` : `The run stopped. ${sent}`
      },
      ...(shown.length > 1
        ? [{ kind: 'list', items: shown.map((f) => `${f.title}: ${f.message}`) } as const]
        : [])
    )
  const failed = result.failed.length
  if (failed > 0) {
    const items = result.failed.map((f) => f.item)
    blocks.push({
      kind: 'text',
      text: `${failed === 1 ? 'The requested item is' : `The ${failed} requested items are`} in ${failedItemsIn}.`
    })
    blocks.push(
      ...(failed > OPEN_LIST_MAX
        ? [
            {
              kind: 'details',
              label: `${count(failed, 'item')} not ${w.past}`,
              blocks: cappedList(items, room)
            } as const
          ]
        : cappedList(items, room))
    )
  }
  return blocks
}

/** "on example.com", "on example.com and pro.example.net", "on 3 zones". */
export function zonesWords(zones: ZoneRun[]): string {
  const names = zones.map((z) => z.name ?? z.label)
  if (names.length === 0) return ''
  if (names.length === 1) return `on ${names[0] as string}`
  if (names.length === 2) return `on ${names[0] as string} and ${names[1] as string}`
  return `on ${names.length} zones`
}

/** "purging", "invalidating". */
function gerund(w: CacheWords): string {
  return `${w.verb.replace(/e$/, '')}ing`
}

/** Names the Version Management environment each zone's requests went to; nothing when none was named. */
function environmentLine(result: RunResult): SummaryBlock[] {
  const parts = result.zones.flatMap((z) =>
    z.environment ? [`${describeEnvironment(z.environment)} on ${z.name ?? z.label}`] : []
  )
  return parts.length > 0 ? [{ kind: 'text', text: `Environment: ${parts.join(', ')}.` }] : []
}

/** The blocks with `map` applied to every piece of text (the redactor, before the text becomes HTML). */
export function mapText(blocks: SummaryBlock[], map: (text: string) => string): SummaryBlock[] {
  return blocks.map((b): SummaryBlock => {
    switch (b.kind) {
      case 'heading':
      case 'text':
        return { ...b, text: map(b.text) }
      case 'status':
        return { ...b, headline: map(b.headline), ...(b.text !== undefined ? { text: map(b.text) } : {}) }
      case 'table':
        return { ...b, header: b.header.map(map), rows: b.rows.map((r) => r.map(map)) }
      case 'list':
        return { ...b, items: b.items.map(map) }
      case 'details':
        return { ...b, label: map(b.label), blocks: mapText(b.blocks, map) }
    }
  })
}

/** A block that any printer knows: a heading, a paragraph, a table or a list. */
export type PlainBlock = Extract<SummaryBlock, { kind: 'heading' | 'text' | 'table' | 'list' }>

/**
 * The blocks for a printer without HTML (a terminal): the status line as a paragraph that starts with its
 * headline, and each folded part as its label followed by its content, nothing folded.
 */
export function plainBlocks(blocks: SummaryBlock[]): PlainBlock[] {
  return blocks.flatMap((b): PlainBlock[] => {
    switch (b.kind) {
      case 'status':
        return [{ kind: 'text', text: b.text ? `${b.headline} ${b.text}` : b.headline }]
      case 'details':
        return [{ kind: 'text', text: `${b.label}:` }, ...plainBlocks(b.blocks)]
      default:
        return [b]
    }
  })
}
