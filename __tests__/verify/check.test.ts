import { describe, expect, it } from '@jest/globals'
import type { FileItem } from '../../src/types.js'
import { checkAtEdge, EDGE_CONCURRENCY, type CheckOptions } from '../../src/verify/check.js'
import { edgeFindings } from '../../src/verify/findings.js'
import type { EdgeAnswer } from '../../src/verify/verdict.js'

const urls = (n: number): FileItem[] =>
  Array.from({ length: n }, (_, i) => ({ url: `https://example.com/${i}` }))

/** An edge that answers from a table (default MISS), counting requests and how many were in flight at once. */
function fakeEdge(answers: Record<string, EdgeAnswer[]> = {}) {
  const seen: string[] = []
  let inFlight = 0
  let most = 0
  const get = async (item: FileItem): Promise<EdgeAnswer> => {
    seen.push(item.url)
    inFlight++
    most = Math.max(most, inFlight)
    await new Promise((done) => setImmediate(done))
    inFlight--
    return answers[item.url]?.shift() ?? { status: 200, cacheStatus: 'MISS' }
  }
  return { get, seen, most: () => most }
}

function options(edge: ReturnType<typeof fakeEdge>, more: Partial<CheckOptions> = {}): CheckOptions {
  return {
    items: urls(3),
    limit: 100,
    warm: false,
    acceptedAt: 10_000,
    deadline: 100_000,
    now: () => 12_000,
    sleep: async () => undefined,
    get: edge.get,
    ...more
  }
}

describe('checkAtEdge', () => {
  it('requests each URL once, at most 8 at a time, and counts the verdicts', async () => {
    const edge = fakeEdge()
    const result = await checkAtEdge(options(edge, { items: urls(40) }))
    expect(edge.seen).toHaveLength(40)
    expect(new Set(edge.seen).size).toBe(40)
    expect(edge.most()).toBe(EDGE_CONCURRENCY)
    expect(result.counts.fresh).toBe(40)
    expect(result.candidates).toBe(40)
    expect(result.warmed).toBeUndefined()
  })

  it('checks a sample of `limit` URLs above it, chosen by the random source', async () => {
    const edge = fakeEdge()
    const result = await checkAtEdge(options(edge, { items: urls(30), limit: 5, random: () => 0 }))
    expect(edge.seen).toEqual(urls(5).map((u) => u.url))
    expect(result).toMatchObject({ candidates: 30, limit: 5 })
    expect(result.checks).toHaveLength(5)
  })

  it('asks a stale answer once more after a wait, and keeps the second answer', async () => {
    const stale = { status: 200, cacheStatus: 'HIT', age: 3600 }
    const edge = fakeEdge({
      'https://example.com/0': [stale, { status: 200, cacheStatus: 'MISS' }],
      'https://example.com/1': [stale, stale]
    })
    const waits: number[] = []
    const result = await checkAtEdge(options(edge, { sleep: async (ms) => void waits.push(ms) }))
    expect(waits).toEqual([1000])
    expect(edge.seen.filter((u) => u.endsWith('/0'))).toHaveLength(2)
    expect(result.checks.map((c) => c.verdict)).toEqual(['fresh', 'stale', 'fresh'])
    expect(result.counts).toMatchObject({ fresh: 2, stale: 1 })
  })

  it('does not wait for a re-check past the deadline', async () => {
    const edge = fakeEdge({ 'https://example.com/0': [{ status: 200, cacheStatus: 'HIT', age: 3600 }] })
    const result = await checkAtEdge(options(edge, { deadline: 12_500 }))
    expect(edge.seen).toHaveLength(3)
    expect(result.counts.stale).toBe(1)
  })

  it('warms each fresh URL that was not a cached copy, once', async () => {
    const edge = fakeEdge({
      'https://example.com/0': [{ status: 200, cacheStatus: 'HIT', age: 1 }],
      'https://example.com/1': [{ status: 200, cacheStatus: 'DYNAMIC' }]
    })
    const result = await checkAtEdge(options(edge, { warm: true }))
    expect(edge.seen).toEqual([
      'https://example.com/0',
      'https://example.com/1',
      'https://example.com/2',
      'https://example.com/2'
    ])
    expect(result.warmed).toBe(1)
    expect(result.checks[2]?.warmed).toBe(true)
  })

  it('reports each kind of trouble once, naming the first URLs', async () => {
    const edge = fakeEdge({
      'https://example.com/0': [
        { status: 200, cacheStatus: 'HIT', age: 7200 },
        { status: 200, cacheStatus: 'HIT', age: 7201 }
      ],
      'https://example.com/1': [{ status: 200 }],
      'https://example.com/2': [{ status: 200, cacheStatus: 'BYPASS' }]
    })
    const findings = edgeFindings(await checkAtEdge(options(edge)))
    expect(findings.map((f) => [f.id, f.severity])).toEqual([
      ['edge-stale', 'error'],
      ['edge-not-proxied', 'warning'],
      ['edge-not-cached', 'notice']
    ])
    expect(findings[0]?.message).toContain('https://example.com/0 (HIT, Age 7201 s)')
    expect(findings[1]?.message).toContain('https://example.com/1')
    expect(findings[2]?.message).toContain('https://example.com/2 (BYPASS)')
  })
})
