// Run results the report's tests share (report.test.ts, summary.test.ts): two zones, one of whose
// requests Cloudflare refused, and the same run planned, invalidated, or stopped before any request.
import { emptyRun, totals, type RunResult, type ZoneRun } from '../../src/report/result.js'
import type { Finding, PurgeRequest } from '../../src/types.js'

export const A = 'a'.repeat(32)
export const B = 'b'.repeat(32)

export const refused: Finding = {
  id: 'token-invalid',
  severity: 'error',
  title: 'API token not recognised',
  message: 'Cloudflare does not recognise this API token. Create a token and update the secret.'
}

/** One item of each kind but hosts, a URL with a header among them. */
export const purge: PurgeRequest = {
  everything: false,
  files: [{ url: 'https://example.com/x', headers: { 'CF-Device-Type': 'mobile' } }],
  tags: ['t'],
  hosts: [],
  prefixes: ['example.com/p/']
}

/** Cloudflare's words as a 400 may carry them: markup and backticks, to be shown and never read. */
export const CLOUDFLARE_REASON =
  'Cloudflare refused the purge: 1016 Unable to purge <b>https://example.com/3</b>, which is an `invalid` URL.'

export const urls = (n: number, from = 1): string[] =>
  Array.from({ length: n }, (_, i) => `https://example.com/${i + from}`)

/** example.com: 2 URLs purged, 1 refused; zone B (name unknown): everything purged. */
export const sent: ZoneRun[] = [
  {
    id: A,
    name: 'example.com',
    label: 'example.com',
    requests: [
      { batch: { zoneId: A, type: 'files', items: urls(2) }, purgeId: 'p1' },
      { batch: { zoneId: A, type: 'files', items: urls(1, 3) }, reason: CLOUDFLARE_REASON }
    ]
  },
  { id: B, label: B, requests: [{ batch: { zoneId: B, type: 'everything', items: [] }, purgeId: 'p2' }] }
]
export const partly: RunResult = {
  ...emptyRun('purged', 0),
  zones: sent,
  ...totals(sent),
  timings: { startedAt: 0, totalMs: 1234 }
}

/** The same requests on a dry run: none sent. */
export const planned: ZoneRun[] = sent.map((z) => ({
  ...z,
  requests: z.requests.map(({ batch }) => ({ batch }))
}))

/** The same run as an invalidation, example.com's in its Staging environment. */
export const STAGING = { name: 'Staging', ref: 'e0e00000000000000000000000000002' }
export const inStaging: ZoneRun[] = sent.map((z, i) => (i === 0 ? { ...z, environment: STAGING } : z))
export const invalidated: RunResult = {
  ...partly,
  mode: 'invalidate',
  zones: inStaging,
  ...totals(inStaging)
}
