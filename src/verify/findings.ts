// The annotations of the edge check: one per kind of trouble, naming the first few URLs. Pure.
import { diagnose } from '../diagnosis/catalogue.js'
import type { Finding } from '../types.js'
import type { VerifyResult } from './check.js'
import type { EdgeCheck } from './verdict.js'

/** URLs named in one annotation; the job summary lists more. */
const NAMED = 5

export function edgeFindings(result: VerifyResult): Finding[] {
  const named = (checks: EdgeCheck[], describe: (c: EdgeCheck) => string) => ({
    count: checks.length,
    examples: checks.slice(0, NAMED).map(describe)
  })
  const of = (verdict: EdgeCheck['verdict']): EdgeCheck[] =>
    result.checks.filter((c) => c.verdict === verdict)
  const findings: Finding[] = []
  const stale = of('stale')
  if (stale.length > 0) findings.push(diagnose('edge-stale', named(stale, describeStale)))
  const unproxied = of('not-proxied')
  if (unproxied.length > 0)
    findings.push(
      diagnose(
        'edge-not-proxied',
        named(unproxied, (c) => c.item.url)
      )
    )
  const uncached = of('not-cached')
  if (uncached.length > 0)
    findings.push(
      diagnose(
        'edge-not-cached',
        named(uncached, (c) => `${c.item.url} (${c.cacheStatus ?? ''})`)
      )
    )
  const unchecked = of('unchecked')
  if (unchecked.length > 0)
    findings.push(
      diagnose(
        'edge-unchecked',
        named(unchecked, (c) => `${c.item.url} (${c.reason ?? ''})`)
      )
    )
  return findings
}

/** "https://example.com/a (HIT, Age 3600 s)", with the cache-key headers when it has some. */
export function describeStale(check: EdgeCheck): string {
  const headers = Object.entries(check.item.headers ?? {}).map(([k, v]) => `${k}: ${v}`)
  const variant = headers.length > 0 ? ` with ${headers.join(', ')}` : ''
  return `${check.item.url}${variant} (${check.cacheStatus ?? 'HIT'}, Age ${check.age ?? '?'} s)`
}
