// Everything the user sees: annotations, log lines, outputs and the job summary. The only module,
// with input-reader and main, that talks to the Actions toolkit.
import * as core from '@actions/core'
import { describeItem, type Batch } from '../purge/planner.js'
import type { Finding, PurgeType, Settings } from '../types.js'

/** Replaces every known secret in text that leaves the process, whatever the runner masks. */
export class Redactor {
  private readonly secrets: string[]

  constructor(secrets: string[]) {
    this.secrets = [...new Set(secrets.filter((s) => s.length >= 4))].sort((a, b) => b.length - a.length)
  }

  redact(text: string): string {
    let out = text
    // Overlapping secrets are masked as one stretch, so no tail of either survives; repeat in case a
    // mask joined with its neighbours spells a secret again (each pass shortens the text, so it ends).
    for (let changed = true; changed;) {
      const spans = this.spans(out)
      changed = spans.length > 0
      for (const [start, end] of spans.reverse()) out = `${out.slice(0, start)}***${out.slice(end)}`
    }
    return out
  }

  /** Where secrets occur, merged where they overlap or touch, in order. */
  private spans(text: string): Array<[number, number]> {
    const found: Array<[number, number]> = []
    for (const secret of this.secrets) {
      for (let at = text.indexOf(secret); at !== -1; at = text.indexOf(secret, at + 1))
        found.push([at, at + secret.length])
    }
    found.sort((a, b) => a[0] - b[0])
    const merged: Array<[number, number]> = []
    for (const [start, end] of found) {
      const last = merged[merged.length - 1]
      if (last && start <= last[1]) last[1] = Math.max(last[1], end)
      else merged.push([start, end])
    }
    return merged
  }
}

export class Reporter {
  /** Set once the outputs are written, so a late failure does not overwrite the real counts. */
  outputsWritten = false
  /** The warnings shown so far, repeated at the end of the job summary (an expiring token, …). */
  private readonly warnings: Finding[] = []

  constructor(private readonly redactor: Redactor) {}

  info(line: string): void {
    core.info(this.redactor.redact(line))
  }

  debug(line: string): void {
    core.debug(this.redactor.redact(line))
  }

  async group<T>(name: string, fn: () => Promise<T>): Promise<T> {
    core.startGroup(name)
    try {
      return await fn()
    } finally {
      core.endGroup()
    }
  }

  /** One annotation per finding; an error also fails the step. */
  findings(findings: Finding[]): void {
    for (const f of findings) {
      const message = this.redactor.redact(f.message)
      const props = { title: this.redactor.redact(f.title) }
      if (f.severity === 'error') {
        core.error(message, props)
        process.exitCode = 1
      } else if (f.severity === 'warning') {
        core.warning(message, props)
        if (!this.warnings.some((w) => w.title === f.title && w.message === f.message)) this.warnings.push(f)
      } else core.notice(message, props)
    }
  }

  outputs(values: Record<string, string | number>): void {
    for (const [name, value] of Object.entries(values))
      core.setOutput(name, this.redactor.redact(String(value)))
    this.outputsWritten = true
  }

  async summary(build: (s: typeof core.summary) => void): Promise<void> {
    if (!process.env.GITHUB_STEP_SUMMARY) return
    build(core.summary)
    if (this.warnings.length > 0) {
      core.summary.addHeading('Warnings', 3)
      core.summary.addRaw(this.warnings.map((w) => `- **${w.title}**: ${w.message}`).join('\n'), true)
    }
    const text = this.redactor.redact(core.summary.stringify())
    core.summary.emptyBuffer()
    await core.summary.addRaw(text).write()
  }
}

export interface ZoneReport {
  zoneId: string
  label: string
  outcomes: Array<{ batch: Batch; purgeId?: string; reason?: string }>
}

export interface FailedItem {
  zone: string
  type: PurgeType
  item: string
  reason: string
}

export interface RunTotals {
  purgedCount: number
  failedItems: FailedItem[]
  purgeIds: string[]
}

/** Sums up per zone and type what was purged and what was not. */
export function totals(zones: ZoneReport[]): RunTotals {
  const out: RunTotals = { purgedCount: 0, failedItems: [], purgeIds: [] }
  for (const zone of zones) {
    for (const o of zone.outcomes) {
      const count = Math.max(1, o.batch.items.length)
      if (o.purgeId) {
        out.purgedCount += count
        out.purgeIds.push(o.purgeId)
      } else {
        const items = o.batch.type === 'everything' ? ['everything'] : o.batch.items.map(describeItem)
        for (const item of items) {
          out.failedItems.push({
            zone: zone.zoneId,
            type: o.batch.type,
            item,
            reason: o.reason ?? 'not purged'
          })
        }
      }
    }
  }
  return out
}

/** Everything the settings ask to purge, as failed items: for a run that stopped before purging. */
export function requestedItems(settings: Settings, reason: string): FailedItem[] {
  const zone = settings.zones.map((z) => (z.kind === 'id' ? z.id : z.name)).join(',')
  const p = settings.purge
  if (p.everything) return [{ zone, type: 'everything', item: 'everything', reason }]
  return [
    ...p.files.map((f) => ({ zone, type: 'files' as const, item: describeItem(f), reason })),
    ...p.tags.map((item) => ({ zone, type: 'tags' as const, item, reason })),
    ...p.hosts.map((item) => ({ zone, type: 'hosts' as const, item, reason })),
    ...p.prefixes.map((item) => ({ zone, type: 'prefixes' as const, item, reason }))
  ]
}

interface Row {
  zone: string
  type: PurgeType
  items: number
  requests: number
  purged: number
  failed: number
  ids: string[]
}

export function summaryRows(zones: ZoneReport[]): Row[] {
  const rows = new Map<string, Row>()
  for (const zone of zones) {
    for (const o of zone.outcomes) {
      const key = `${zone.zoneId} ${o.batch.type}`
      const row = rows.get(key) ?? {
        zone: zone.label,
        type: o.batch.type,
        items: 0,
        requests: 0,
        purged: 0,
        failed: 0,
        ids: []
      }
      const count = o.batch.type === 'everything' ? 1 : o.batch.items.length
      row.items += count
      row.requests += 1
      if (o.purgeId) {
        row.purged += count
        row.ids.push(o.purgeId)
      } else row.failed += count
      rows.set(key, row)
    }
  }
  return [...rows.values()]
}

/** The `zones` output: per zone, how many items it was given, purged and not purged. */
export interface ZoneCount {
  id: string
  name: string
  items: number
  purged_count: number
  failed_count: number
  purge_ids: string[]
}

/** Per-zone counts; on a dry run (`sent` false) nothing was purged and nothing failed. */
export function zoneCounts(zones: Array<ZoneReport & { name?: string }>, sent = true): ZoneCount[] {
  return zones.map((zone) => {
    const sum = totals([zone])
    return {
      id: zone.zoneId,
      name: zone.name ?? '',
      items: zone.outcomes.reduce((n, o) => n + Math.max(1, o.batch.items.length), 0),
      purged_count: sent ? sum.purgedCount : 0,
      failed_count: sent ? sum.failedItems.length : 0,
      purge_ids: sent ? sum.purgeIds : []
    }
  })
}
