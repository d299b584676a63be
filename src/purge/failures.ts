// Diagnoses each failed request once, so that the reason in failed_items and the annotation come from
// the same finding, and groups the annotations so that a thousand failed URLs make one line, not a thousand.
import type { ZoneResolution } from '../access/zone-resolver.js'
import { diagnoseError } from '../diagnosis/from-error.js'
import type { CacheMode, Finding } from '../types.js'
import { count } from '../words.js'
import { describeRateLimit } from './pacing.js'
import { itemCount } from './planner.js'
import type { BatchOutcome } from './runner.js'
import type { PlannedZone } from './send.js'
import { wordsFor } from './target.js'

export interface FailedRequest {
  outcome: BatchOutcome
  zone: ZoneResolution
  finding: Finding
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
      rateLimit: describeRateLimit(zone.zone.plan, outcome.batch.type)
    })
    return [{ outcome, zone, finding }]
  })
}

/** One annotation per zone and kind of failure, counting the items it left unpurged (or not invalidated). */
export function failureAnnotations(failures: FailedRequest[], mode?: CacheMode): Finding[] {
  const { past } = wordsFor(mode)
  const groups = new Map<string, { finding: Finding; items: number; label: string }>()
  for (const { outcome, zone, finding } of failures) {
    const key = `${zone.zone.id} ${finding.id} ${finding.message}`
    const group = groups.get(key) ?? { finding, items: 0, label: zone.label }
    group.items += itemCount(outcome.batch)
    groups.set(key, group)
  }
  return [...groups.values()].map(({ finding, items, label }) => ({
    ...finding,
    message: `${count(items, 'item')} on ${label} not ${past} (listed in the failed_items output). ${finding.message}`
  }))
}
