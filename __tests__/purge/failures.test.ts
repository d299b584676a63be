// The annotations that close a purge: one per zone and kind of failure, and the split warnings.
import { describe, expect, it } from '@jest/globals'
import type { ZoneResolution } from '../../src/access/zone-resolver.js'
import { CloudflareError } from '../../src/cloudflare/errors.js'
import { diagnose } from '../../src/diagnosis/catalogue.js'
import { OverBudgetError } from '../../src/cloudflare/budget.js'
import { NotSentError } from '../../src/diagnosis/failure.js'
import { failureAnnotations, rerunFixes, splitRecorder, splitWarnings } from '../../src/purge/failures.js'
import type { BatchOutcome } from '../../src/purge/runner.js'
import type { Finding } from '../../src/types.js'

const ZONE = 'f00d0000000000000000000000000001'
const zone: ZoneResolution = {
  zone: { id: ZONE, name: 'example.com' },
  readable: true,
  label: 'example.com',
  notes: []
}
const batch = (n: number, type: 'files' | 'tags' = 'files') => ({
  zoneId: ZONE,
  type,
  items: Array.from({ length: n }, (_, i) => `https://example.com/${i}`)
})
const failed = (n: number, finding: Finding) => ({
  outcome: { batch: batch(n), error: new Error('x') },
  zone,
  finding,
  rerun: false
})

describe('failureAnnotations', () => {
  it('counts the items of each zone and kind of failure in one annotation', () => {
    const finding = diagnose('purge-failed', { detail: '503 Service Unavailable' })
    const annotations = failureAnnotations([failed(30, finding), failed(12, finding)])
    expect(annotations).toHaveLength(1)
    expect(annotations[0]?.message).toMatch(
      /^42 items on example\.com not purged \(listed in the failed_items output\)\. Cloudflare refused/
    )
  })

  it('gives items refused one by one one annotation per zone, quoting the first', () => {
    const refused = (url: string): Finding =>
      diagnose('purge-item-refused', { detail: `1016 Unable to purge ${url}, which is an invalid URL.` })
    const annotations = failureAnnotations([
      failed(1, refused('https://example.com/a')),
      failed(1, refused('https://example.com/b'))
    ])
    expect(annotations).toHaveLength(1)
    expect(annotations[0]?.message).toMatch(
      /^2 items on example\.com not purged: Cloudflare refused each of them/
    )
    expect(annotations[0]?.message).toContain('https://example.com/a')
  })
})

describe('rerunFixes', () => {
  const answer = (status: number, code: number): CloudflareError =>
    new CloudflareError({
      kind: 'api',
      endpoint: 'POST',
      status,
      errors: [{ code, message: 'x' }],
      message: 'x'
    })

  it('promises a rerun for what passes: 429, 5xx, the network, the time, the API budget', () => {
    const budget = { quota: 1200, windowSeconds: 300, kept: 60, freesInSeconds: 200 }
    expect(rerunFixes(answer(429, 971))).toBe(true)
    expect(rerunFixes(answer(503, 503))).toBe(true)
    expect(rerunFixes(new CloudflareError({ kind: 'network', endpoint: 'POST', message: 'reset' }))).toBe(
      true
    )
    expect(rerunFixes(new NotSentError('POST'))).toBe(true)
    expect(rerunFixes(new OverBudgetError('POST', budget))).toBe(true)
  })

  it('promises none for a refused item, a permission or a zone', () => {
    expect(rerunFixes(answer(400, 1016))).toBe(false)
    expect(rerunFixes(answer(403, 10000))).toBe(false)
    expect(rerunFixes(answer(400, 7003))).toBe(false)
  })
})

describe('splitWarnings', () => {
  it('says nothing was lost only when nothing of that zone and type failed', () => {
    const { splits, record } = splitRecorder()
    record({ zoneId: ZONE, type: 'files', size: 100, limit: 30 })
    record({ zoneId: ZONE, type: 'files', size: 30, limit: 20 })
    expect(splits).toEqual([{ zoneId: ZONE, type: 'files', size: 100, limit: 20 }])
    const fine: BatchOutcome[] = [{ batch: batch(20), purgeId: 'x' }]
    expect(splitWarnings(splits, fine)[0]?.message).toMatch(
      /rejected 100 files .* split to 20 and retried; nothing was lost\./
    )
    const lossy: BatchOutcome[] = [...fine, { batch: batch(7), error: new Error('503') }]
    const message = splitWarnings(splits, lossy)[0]?.message ?? ''
    expect(message).not.toContain('nothing was lost')
    expect(message).toContain('7 items of this zone and type still failed for other reasons')
  })

  it('suggests batch_size only for URLs, the one type it sets', () => {
    expect(
      splitWarnings([{ zoneId: ZONE, type: 'tags', size: 100, limit: 50 }], [])[0]?.message
    ).not.toContain('batch_size')
  })
})
