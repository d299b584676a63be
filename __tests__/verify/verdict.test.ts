import { describe, expect, it } from '@jest/globals'
import { countVerdicts, readCacheHeaders, sample, verdictOf, wantsWarming } from '../../src/verify/verdict.js'

describe('verdictOf', () => {
  it.each(['MISS', 'EXPIRED', 'REVALIDATED', 'UPDATING'])('reads %s as fresh', (cacheStatus) => {
    expect(verdictOf({ status: 200, cacheStatus }, 0.2).verdict).toBe('fresh')
  })

  it('reads a HIT cached since the purge as fresh, with a second of slack', () => {
    expect(verdictOf({ status: 200, cacheStatus: 'HIT', age: 3 }, 2.5).verdict).toBe('fresh')
    expect(verdictOf({ status: 200, cacheStatus: 'HIT', age: 3 }, 2).verdict).toBe('fresh')
    expect(verdictOf({ status: 200, cacheStatus: 'STALE', age: 0 }, 0).verdict).toBe('fresh')
  })

  it('reads a HIT or STALE older than the purge as stale, keeping its Age', () => {
    expect(verdictOf({ status: 200, cacheStatus: 'HIT', age: 4 }, 2.9)).toEqual({
      verdict: 'stale',
      status: 200,
      cacheStatus: 'HIT',
      age: 4
    })
    expect(verdictOf({ status: 200, cacheStatus: 'STALE', age: 3600 }, 5).verdict).toBe('stale')
  })

  it.each(['DYNAMIC', 'BYPASS', 'NONE', 'UNKNOWN'])('reads %s as not cached', (cacheStatus) => {
    expect(verdictOf({ status: 200, cacheStatus }, 1).verdict).toBe('not-cached')
  })

  it('reads an answer without CF-Cache-Status as not proxied, whatever its status', () => {
    expect(verdictOf({ status: 200 }, 1).verdict).toBe('not-proxied')
    expect(verdictOf({ status: 404 }, 1)).toEqual({ verdict: 'not-proxied', status: 404 })
  })

  it('reads a redirect by its own cache status', () => {
    expect(verdictOf({ status: 301, cacheStatus: 'HIT', age: 99 }, 1).verdict).toBe('stale')
  })

  it('leaves unchecked a failed request and a HIT without Age', () => {
    expect(verdictOf({ error: 'the connection was refused' }, 1)).toEqual({
      verdict: 'unchecked',
      reason: 'the connection was refused'
    })
    expect(verdictOf({ status: 200, cacheStatus: 'HIT' }, 1).verdict).toBe('unchecked')
  })
})

describe('readCacheHeaders', () => {
  it('reads CF-Cache-Status in upper case and Age as whole seconds', () => {
    expect(readCacheHeaders({ 'cf-cache-status': ' hit ', age: '42' })).toEqual({
      cacheStatus: 'HIT',
      age: 42
    })
    expect(readCacheHeaders({ 'cf-cache-status': ['MISS', 'HIT'] })).toEqual({ cacheStatus: 'MISS' })
    expect(readCacheHeaders({ 'cf-cache-status': 'HIT\n::error::x' })).toEqual({ cacheStatus: 'UNKNOWN' })
    expect(readCacheHeaders({ age: '-3' })).toEqual({})
    expect(readCacheHeaders({ age: '1.5' })).toEqual({})
  })
})

describe('wantsWarming', () => {
  const item = { url: 'https://example.com/' }
  it('warms fresh answers that were not a cached copy, and nothing else', () => {
    expect(wantsWarming({ item, verdict: 'fresh', cacheStatus: 'MISS' })).toBe(true)
    expect(wantsWarming({ item, verdict: 'fresh', cacheStatus: 'REVALIDATED' })).toBe(true)
    expect(wantsWarming({ item, verdict: 'fresh', cacheStatus: 'HIT', age: 0 })).toBe(false)
    expect(wantsWarming({ item, verdict: 'stale', cacheStatus: 'HIT', age: 90 })).toBe(false)
    expect(wantsWarming({ item, verdict: 'not-cached', cacheStatus: 'DYNAMIC' })).toBe(false)
    expect(wantsWarming({ item, verdict: 'not-proxied' })).toBe(false)
  })
})

describe('sample', () => {
  const items = Array.from({ length: 50 }, (_, i) => i)

  it('keeps every item when there are no more than the limit', () => {
    expect(sample(items, 50)).toBe(items)
    expect(sample(items, 80)).toBe(items)
  })

  it('takes `limit` distinct items in their order, chosen by the random source', () => {
    let seed = 7
    const random = (): number => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646
    const chosen = sample(items, 10, random)
    expect(chosen).toHaveLength(10)
    expect(new Set(chosen).size).toBe(10)
    expect([...chosen].sort((a, b) => a - b)).toEqual(chosen)
    // The same random source, the same sample; a source that always says 0 takes the first ones.
    seed = 7
    expect(sample(items, 10, random)).toEqual(chosen)
    expect(sample(items, 3, () => 0)).toEqual([0, 1, 2])
    expect(sample(items, 3, () => 0.999999)).toEqual([0, 1, 49])
  })
})

describe('countVerdicts', () => {
  it('counts every verdict, zero included', () => {
    const item = { url: 'https://example.com/' }
    expect(
      countVerdicts([
        { item, verdict: 'fresh' },
        { item, verdict: 'fresh' },
        { item, verdict: 'stale' }
      ])
    ).toEqual({ fresh: 2, stale: 1, 'not-cached': 0, 'not-proxied': 0, unchecked: 0 })
  })
})
