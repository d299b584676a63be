// Diagnoses each failed request once, so that the reason in failed_items and the annotation come from
// the same finding, and groups the annotations so that a thousand failed URLs make one line, not a thousand.
// Also the warnings for zones and types whose requests Cloudflare found too large.
import type { ZoneResolution } from '../access/zone-resolver.js'
import { OverBudgetError } from '../cloudflare/budget.js'
import { CloudflareError } from '../cloudflare/errors.js'
import { isRetryable } from '../cloudflare/http-client.js'
import { diagnose, tallied } from '../diagnosis/catalogue.js'
import { ACTION_DOOR } from '../diagnosis/door.js'
import { NotSentError } from '../diagnosis/failure.js'
import { diagnoseError } from '../diagnosis/from-error.js'
import type { CacheMode, Finding, PurgeType } from '../types.js'
import { describeRateLimit } from './pacing.js'
import { itemCount } from './planner.js'
import type { BatchOutcome } from './runner.js'
import type { PlannedZone } from './send.js'
import { wordsFor } from './target.js'

export interface FailedRequest {
  outcome: BatchOutcome
  zone: ZoneResolution
  finding: Finding
  /** Running again can fix it (rerunFixes). */
  rerun: boolean
}

/**
 * Whether running again can purge what this error left: a 429, a 5xx, a garbled answer, the network, the
 * time or the API budget. A refused item, a permission or a zone needs a change first.
 */
export function rerunFixes(error: unknown): boolean {
  if (error instanceof NotSentError || error instanceof OverBudgetError) return true
  return error instanceof CloudflareError && isRetryable(error)
}

export function diagnoseFailures(planned: PlannedZone[], outcomes: BatchOutcome[]): FailedRequest[] {
  return outcomes.flatMap((outcome) => {
    if (!outcome.error) return []
    const planFor = planned.find((p) => p.resolution.zone.id === outcome.batch.zoneId)
    const zone = planFor?.resolution as ZoneResolution
    const environment = planFor?.environment?.name
    const finding = diagnoseError(outcome.error, {
      stage: 'purge',
      zone: zone.label,
      ...(environment ? { environment } : {}),
      verified: true,
      zoneReadable: zone.readable,
      rateLimit: describeRateLimit(zone.zone.plan, outcome.batch.type),
      items: outcome.batch.items.map((item) => (typeof item === 'string' ? item : item.url))
    })
    return [{ outcome, zone, finding, rerun: rerunFixes(outcome.error) }]
  })
}

/**
 * One annotation per zone and kind of failure, counting the items it left unpurged (or not invalidated).
 * Items that Cloudflare refused one by one share one annotation per zone (each quotes its own item;
 * failed_items keeps them all).
 */
export function failureAnnotations(failures: FailedRequest[], mode?: CacheMode): Finding[] {
  const { past } = wordsFor(mode)
  const groups = new Map<string, { finding: Finding; items: number; label: string }>()
  for (const { outcome, zone, finding } of failures) {
    const byItem = finding.id === 'purge-item-refused'
    const key = `${zone.zone.id} ${finding.id} ${byItem ? '' : finding.message}`
    const group = groups.get(key) ?? { finding, items: 0, label: zone.label }
    group.items += itemCount(outcome.batch)
    groups.set(key, group)
  }
  return [...groups.values()].map(({ finding, items, label }) => {
    const tally = { items, zone: label, past, eachOnItsOwn: finding.id === 'purge-item-refused' }
    return { ...finding, tally, message: tallied(tally, finding.message, ACTION_DOOR) }
  })
}

/** A zone and type whose requests Cloudflare refused as too large. */
export interface Split {
  zoneId: string
  type: PurgeType
  /** The size first refused. */
  size: number
  /** The limit learnt. */
  limit: number
}

/** Records splits as the runner reports them: the first size refused, the last limit learnt. */
export function splitRecorder(): { splits: Split[]; record: (split: Split) => void } {
  const splits: Split[] = []
  return {
    splits,
    record: (split) => {
      const known = splits.find((s) => s.zoneId === split.zoneId && s.type === split.type)
      if (known) known.limit = split.limit
      else splits.push({ ...split })
    }
  }
}

/** One warning per zone and type that was split; "nothing was lost" only when nothing of it failed. */
export function splitWarnings(splits: Split[], outcomes: BatchOutcome[]): Finding[] {
  return splits.map(({ zoneId, type, size, limit }) => {
    const lost = outcomes
      .filter((o) => o.error !== undefined && o.batch.zoneId === zoneId && o.batch.type === type)
      .reduce((n, o) => n + itemCount(o.batch), 0)
    return diagnose('too-many-items', { type, size, limit, lost })
  })
}
