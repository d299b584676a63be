// The annotations of the edge check: one per kind of trouble, naming the first few URLs. Pure.
import { diagnose } from '../diagnosis/catalogue.js'
import type { Finding } from '../types.js'
import type { VerifyResult } from './check.js'
import type { EdgeCheck, Verdict } from './verdict.js'

/** URLs named in one annotation; the job summary lists more. */
const NAMED = 5

/** Each verdict worth an annotation: its catalogue entry, and how it names one URL. */
const TROUBLE = [
  ['stale', 'edge-stale', (c: EdgeCheck) => describeStale(c)],
  ['not-proxied', 'edge-not-proxied', (c: EdgeCheck) => c.item.url],
  ['not-cached', 'edge-not-cached', (c: EdgeCheck) => `${c.item.url} (${c.cacheStatus ?? ''})`],
  ['unchecked', 'edge-unchecked', (c: EdgeCheck) => `${c.item.url} (${c.reason ?? ''})`]
] as const satisfies ReadonlyArray<readonly [Verdict, string, (c: EdgeCheck) => string]>

export function edgeFindings(result: VerifyResult): Finding[] {
  return TROUBLE.flatMap(([verdict, id, describe]) => {
    const checks = result.checks.filter((c) => c.verdict === verdict)
    if (checks.length === 0) return []
    return [diagnose(id, { count: checks.length, examples: checks.slice(0, NAMED).map(describe) })]
  })
}

/** "https://example.com/a (HIT, Age 3600 s)", with the cache-key headers when it has some. */
export function describeStale(check: EdgeCheck): string {
  const headers = Object.entries(check.item.headers ?? {}).map(([k, v]) => `${k}: ${v}`)
  const variant = headers.length > 0 ? ` with ${headers.join(', ')}` : ''
  return `${check.item.url}${variant} (${check.cacheStatus ?? 'HIT'}, Age ${check.age ?? '?'} s)`
}
