import { describe, expect, it } from '@jest/globals'
import {
  batchSizeFindings,
  chunk,
  describeItem,
  limitsForPlan,
  planBatches,
  toPurgeBody
} from '../../src/purge/planner.js'
import type { FileItem, Plan, PurgeRequest, ResolvedZone } from '../../src/types.js'

const ZONE = 'f00d0000000000000000000000000001'

const request = (overrides: Partial<PurgeRequest>): PurgeRequest => ({
  everything: false,
  files: [],
  tags: [],
  hosts: [],
  prefixes: [],
  ...overrides
})

const urls = (n: number): Array<{ url: string }> =>
  Array.from({ length: n }, (_, i) => ({ url: `https://example.com/${i}` }))

describe('limitsForPlan', () => {
  it("allows Cloudflare's documented 100 URLs per request on Free, Pro and Business, 500 on Enterprise", () => {
    expect(limitsForPlan('free')).toEqual({ files: 100, other: 100 })
    expect(limitsForPlan('pro')).toEqual({ files: 100, other: 100 })
    expect(limitsForPlan('business')).toEqual({ files: 100, other: 100 })
    expect(limitsForPlan('enterprise')).toEqual({ files: 500, other: 100 })
  })

  it('assumes the smaller limit when the plan could not be read', () => {
    expect(limitsForPlan(undefined).files).toBe(100)
  })

  it('lets batch_size override the files limit only, either way', () => {
    expect(limitsForPlan('free', 30)).toEqual({ files: 30, other: 100 })
    expect(limitsForPlan('free', 500)).toEqual({ files: 500, other: 100 })
    expect(limitsForPlan('enterprise', 200)).toEqual({ files: 200, other: 100 })
  })
})

describe('batchSizeFindings', () => {
  const zone = (plan?: Plan): ResolvedZone => ({ id: ZONE, name: 'example.com', ...(plan ? { plan } : {}) })

  it("warns, once per zone, when batch_size is above the plan's documented limit", () => {
    const findings = batchSizeFindings([zone('free'), zone('enterprise')], 200)
    expect(findings.map((f) => [f.id, f.severity])).toEqual([['batch-size-above-limit', 'warning']])
    expect(findings[0]?.message).toMatch(
      /^`batch_size: 200` is above the 100 URLs per request that Cloudflare allows on the Free plan of example\.com/
    )
    expect(findings[0]?.message).toMatch(/Remove `batch_size`/)
  })

  it('says nothing without batch_size, at or below the limit, or when the plan is unknown', () => {
    expect(batchSizeFindings([zone('free')], undefined)).toEqual([])
    expect(batchSizeFindings([zone('free')], 100)).toEqual([])
    expect(batchSizeFindings([zone('pro')], 30)).toEqual([])
    expect(batchSizeFindings([zone('enterprise')], 500)).toEqual([])
    expect(batchSizeFindings([zone()], 500)).toEqual([])
  })
})

describe('chunk', () => {
  it('splits into the fewest pieces, as even as possible', () => {
    const sizes = (n: number, size: number): number[] =>
      chunk(
        Array.from({ length: n }, (_, i) => i),
        size
      ).map((c) => c.length)
    expect(sizes(45, 30)).toEqual([23, 22])
    expect(sizes(60, 30)).toEqual([30, 30])
    expect(sizes(1000, 30)).toHaveLength(34)
    expect(Math.max(...sizes(1000, 30))).toBeLessThanOrEqual(30)
    expect(sizes(1, 30)).toEqual([1])
    expect(sizes(0, 30)).toEqual([])
  })

  it('keeps every item once, in order', () => {
    const items = Array.from({ length: 101 }, (_, i) => i)
    expect(chunk(items, 7).flat()).toEqual(items)
  })

  it('treats a size below 1 as 1 rather than looping forever', () => {
    expect(chunk([1, 2, 3], 0)).toEqual([[1], [2], [3]])
  })
})

describe('planBatches', () => {
  it('plans 1,000 URLs on a Free zone as 10 requests of 100', () => {
    const batches = planBatches(ZONE, request({ files: urls(1000) }), limitsForPlan('free'))
    expect(batches).toHaveLength(10)
    expect(batches.every((b) => b.type === 'files' && b.zoneId === ZONE && b.items.length === 100)).toBe(true)
    expect(batches.flatMap((b) => b.items)).toEqual(urls(1000))
  })

  it('plans 10,000 URLs on an Enterprise zone as 20 requests, 100 on Pro as 1', () => {
    expect(planBatches(ZONE, request({ files: urls(100) }), limitsForPlan('pro'))).toHaveLength(1)
    expect(planBatches(ZONE, request({ files: urls(10_000) }), limitsForPlan('enterprise'))).toHaveLength(20)
  })

  it('keeps one type per request and 100 tags, hosts or prefixes per request', () => {
    const tags = Array.from({ length: 250 }, (_, i) => `t${i}`)
    const batches = planBatches(
      ZONE,
      request({ files: urls(2), tags, hosts: ['a.example.com'], prefixes: ['example.com/x/'] }),
      limitsForPlan('pro')
    )
    expect(batches.map((b) => [b.type, b.items.length])).toEqual([
      ['files', 2],
      ['tags', 84],
      ['tags', 83],
      ['tags', 83],
      ['hosts', 1],
      ['prefixes', 1]
    ])
  })

  it('keeps plain URLs and URLs with headers in separate requests, each in the order given', () => {
    const mobile = (url: string): FileItem => ({ url, headers: { 'CF-Device-Type': 'mobile' } })
    const files = [mobile('https://example.com/m1'), ...urls(3), mobile('https://example.com/m2')]
    const batches = planBatches(ZONE, request({ files }), { files: 2, other: 100 })
    expect(batches.map((b) => b.items)).toEqual([[files[1], files[2]], [files[3]], [files[0], files[4]]])
  })

  it('sends purge_everything as one request without items', () => {
    expect(planBatches(ZONE, request({ everything: true }), limitsForPlan('free'))).toEqual([
      { zoneId: ZONE, type: 'everything', items: [] }
    ])
  })

  it('plans nothing when there is nothing to purge', () => {
    expect(planBatches(ZONE, request({}), limitsForPlan('free'))).toEqual([])
  })
})

describe('toPurgeBody', () => {
  it('sends plain URLs as strings', () => {
    expect(
      toPurgeBody({
        zoneId: ZONE,
        type: 'files',
        items: [{ url: 'https://example.com/a' }, 'https://example.com/b']
      })
    ).toEqual({ files: ['https://example.com/a', 'https://example.com/b'] })
  })

  it('sends URLs with headers as {url, headers} objects, and any URL beside them as an object too', () => {
    expect(
      toPurgeBody({
        zoneId: ZONE,
        type: 'files',
        items: [
          { url: 'https://example.com/a' },
          { url: 'https://example.com/a', headers: { 'CF-Device-Type': 'mobile' } }
        ]
      })
    ).toEqual({
      files: [
        { url: 'https://example.com/a' },
        { url: 'https://example.com/a', headers: { 'CF-Device-Type': 'mobile' } }
      ]
    })
  })

  it('uses the type as the key for tags, hosts and prefixes', () => {
    expect(toPurgeBody({ zoneId: ZONE, type: 'tags', items: ['a', 'b'] })).toEqual({ tags: ['a', 'b'] })
    expect(toPurgeBody({ zoneId: ZONE, type: 'hosts', items: ['h.example'] })).toEqual({
      hosts: ['h.example']
    })
    expect(toPurgeBody({ zoneId: ZONE, type: 'prefixes', items: ['e.com/x'] })).toEqual({
      prefixes: ['e.com/x']
    })
    expect(toPurgeBody({ zoneId: ZONE, type: 'everything', items: [] })).toEqual({ purge_everything: true })
  })
})

describe('describeItem', () => {
  it('shows a URL with its headers', () => {
    expect(describeItem({ url: 'https://example.com/a' })).toBe('https://example.com/a')
    expect(describeItem({ url: 'https://example.com/a', headers: { 'CF-IPCountry': 'US', A: 'b' } })).toBe(
      'https://example.com/a [CF-IPCountry: US, A: b]'
    )
    expect(describeItem('release-1')).toBe('release-1')
  })
})
