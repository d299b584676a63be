import { describe, expect, it } from '@jest/globals'
import { edgeSummary, EDGE_URLS_SHOWN } from '../../src/report/edge-summary.js'
import { outputsOf } from '../../src/report/outputs.js'
import { plainBlocks, summaryOf } from '../../src/report/summary.js'
import type { VerifyResult } from '../../src/verify/check.js'
import { countVerdicts, type EdgeCheck } from '../../src/verify/verdict.js'
import { partly } from './fixtures.js'

const check = (i: number, more: Partial<EdgeCheck>): EdgeCheck => ({
  item: { url: `https://example.com/${i}` },
  verdict: 'fresh',
  cacheStatus: 'MISS',
  ...more
})

function verifyResult(checks: EdgeCheck[], more: Partial<VerifyResult> = {}): VerifyResult {
  return { candidates: checks.length, limit: 100, checks, counts: countVerdicts(checks), ...more }
}

const text = (blocks: ReturnType<typeof edgeSummary>): string =>
  plainBlocks(blocks)
    .map((b) =>
      'text' in b ? b.text : 'items' in b ? b.items.join('\n') : b.rows.map((r) => r.join(' ')).join('\n')
    )
    .join('\n')

describe('edgeSummary', () => {
  it('gives the counts by verdict and lists the stale and unproxied URLs', () => {
    const blocks = edgeSummary(
      verifyResult([
        check(1, {}),
        check(2, { verdict: 'stale', cacheStatus: 'HIT', age: 3600 }),
        check(3, { verdict: 'not-proxied', cacheStatus: undefined }),
        check(4, { verdict: 'not-cached', cacheStatus: 'DYNAMIC' })
      ])
    )
    expect(blocks[0]).toEqual({ kind: 'heading', text: 'At the edge', level: 3 })
    expect(blocks).toContainEqual({
      kind: 'table',
      header: ['Verdict', 'URLs'],
      rows: [
        ['fresh', '1'],
        ['stale', '1'],
        ['not cached', '1'],
        ['not proxied', '1']
      ]
    })
    const all = text(blocks)
    expect(all).toContain(
      'Checked 4 URLs at the edge. The step fails: 1 URL was still served from a copy older than the purge.'
    )
    expect(all).toContain('https://example.com/2 (HIT, Age 3600 s)')
    expect(all).toContain('https://example.com/3')
    expect(all).not.toContain('https://example.com/4')
  })

  it('says when a sample was checked, lists the first 20 stale URLs and counts the rest', () => {
    const stale = Array.from({ length: 30 }, (_, i) =>
      check(i, { verdict: 'stale', cacheStatus: 'HIT', age: 90 })
    )
    const blocks = edgeSummary(verifyResult(stale, { candidates: 500, limit: 30 }))
    const list = blocks.find((b) => b.kind === 'list')
    expect(list && list.kind === 'list' ? list.items : []).toHaveLength(EDGE_URLS_SHOWN)
    expect(text(blocks)).toContain('… and 10 more.')
    expect(text(blocks)).toContain(
      'Checked 30 of the 500 URLs at the edge, a random sample (`verify_limit`: 30).'
    )
  })

  it('says how many URLs were warmed, and where', () => {
    expect(text(edgeSummary(verifyResult([check(1, { warmed: true })], { warmed: 1 })))).toContain(
      'Warmed 1 URL: requested again so that the data centre this runner reaches'
    )
  })

  it('is part of the run summary when the URLs were checked, and only then', () => {
    const verify = verifyResult([check(1, {})])
    const headings = (blocks: ReturnType<typeof summaryOf>): string[] =>
      blocks.flatMap((b) => (b.kind === 'heading' ? [b.text] : []))
    expect(headings(summaryOf({ ...partly, verify }))).toContain('At the edge')
    expect(headings(summaryOf(partly))).not.toContain('At the edge')
  })
})

describe('the verified output', () => {
  it('holds the counts by verdict as JSON, warmed with warm, and {} without verify', () => {
    const verify = verifyResult([check(1, {}), check(2, { verdict: 'not-proxied' })], { warmed: 1 })
    expect(JSON.parse(outputsOf({ ...partly, verify }).verified)).toEqual({
      checked: 2,
      fresh: 1,
      stale: 0,
      not_cached: 0,
      not_proxied: 1,
      unchecked: 0,
      warmed: 1
    })
    expect(outputsOf(partly).verified).toBe('{}')
  })
})
