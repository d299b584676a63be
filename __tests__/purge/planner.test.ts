import { describe, expect, it } from '@jest/globals'
import { chunk, describeItem, limitsForPlan, planBatches, toPurgeBody } from '../../src/purge/planner.js'
import type { PurgeRequest } from '../../src/types.js'

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
  it('allows 30 files per request on every plan but Enterprise, which allows 500', () => {
    expect(limitsForPlan('free')).toEqual({ files: 30, other: 100 })
    expect(limitsForPlan('pro')).toEqual({ files: 30, other: 100 })
    expect(limitsForPlan('business')).toEqual({ files: 30, other: 100 })
    expect(limitsForPlan('enterprise')).toEqual({ files: 500, other: 100 })
  })

  it('assumes the strictest limit when the plan could not be read', () => {
    expect(limitsForPlan(undefined).files).toBe(30)
  })

  it('lets batch_size override the files limit only', () => {
    expect(limitsForPlan('free', 100)).toEqual({ files: 100, other: 100 })
    expect(limitsForPlan('enterprise', 200)).toEqual({ files: 200, other: 100 })
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
  it('plans 1,000 URLs on a Free zone as 34 requests of at most 30', () => {
    const batches = planBatches(ZONE, request({ files: urls(1000) }), limitsForPlan('free'))
    expect(batches).toHaveLength(34)
    expect(batches.every((b) => b.type === 'files' && b.zoneId === ZONE && b.items.length <= 30)).toBe(true)
    expect(batches.flatMap((b) => b.items)).toEqual(urls(1000))
  })

  it('plans 10,000 URLs on an Enterprise zone as 20 requests', () => {
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
  it('sends plain URLs as strings and URLs with headers as objects', () => {
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
        'https://example.com/a',
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
