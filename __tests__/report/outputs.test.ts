// The failed_items output: grouped under each reason, bounded to what GitHub holds, whole in a file.
import { describe, expect, it } from '@jest/globals'
import {
  boundFailedItems,
  escapeHtml,
  FAILED_ITEMS_MAX_BYTES,
  failedItemsOutputs,
  groupFailedItems,
  outputBytes,
  outputsOf,
  type FailedGroup
} from '../../src/report/outputs.js'
import { emptyRun, type FailedItem } from '../../src/report/result.js'

const ZONE = 'f00d0000000000000000000000000001'
const REASON =
  'The credential is valid and can see zone example.com, but Cloudflare refused the purge ("Authentication ' +
  'error"). The token lacks Zone → Cache Purge → Purge on this zone: edit the token in My Profile → API ' +
  'Tokens and add that permission with this zone in its Zone Resources.'

const urls = (n: number): FailedItem[] =>
  Array.from({ length: n }, (_, i) => ({
    zone: ZONE,
    type: 'files' as const,
    item: `https://example.com/static/${i}.js`,
    reason: REASON
  }))

describe('groupFailedItems', () => {
  it('gives each reason once, per zone and type, in the order first met', () => {
    const items: FailedItem[] = [
      { zone: ZONE, type: 'files', item: 'https://example.com/a', reason: 'r1' },
      { zone: ZONE, type: 'tags', item: 't', reason: 'r1' },
      { zone: ZONE, type: 'files', item: 'https://example.com/b', reason: 'r2' },
      { zone: ZONE, type: 'files', item: 'https://example.com/c', reason: 'r1' }
    ]
    expect(groupFailedItems(items)).toEqual([
      {
        zone: ZONE,
        type: 'files',
        reason: 'r1',
        count: 2,
        items: ['https://example.com/a', 'https://example.com/c']
      },
      { zone: ZONE, type: 'tags', reason: 'r1', count: 1, items: ['t'] },
      { zone: ZONE, type: 'files', reason: 'r2', count: 1, items: ['https://example.com/b'] }
    ])
  })
})

describe('boundFailedItems', () => {
  it('keeps everything when it fits', () => {
    const groups = groupFailedItems(urls(10))
    const bounded = boundFailedItems(groups)
    expect(JSON.parse(bounded.json)).toEqual(groups)
    expect(bounded).toMatchObject({ shown: 10, total: 10 })
  })

  it('cuts 10,000 URLs to what fits, as valid JSON with the count of the group', () => {
    const groups = groupFailedItems(urls(10_000))
    const bounded = boundFailedItems(groups)
    expect(outputBytes(bounded.json)).toBeLessThanOrEqual(FAILED_ITEMS_MAX_BYTES)
    // Filled to within one item of the bound.
    expect(outputBytes(bounded.json)).toBeGreaterThan(FAILED_ITEMS_MAX_BYTES - 200)
    const parsed = JSON.parse(bounded.json) as FailedGroup[]
    expect(parsed).toHaveLength(1)
    expect(parsed[0]).toMatchObject({ zone: ZONE, type: 'files', reason: REASON, count: 10_000 })
    expect(parsed[0]?.items.length).toBe(bounded.shown)
    expect(parsed[0]?.items).toEqual(groups[0]?.items.slice(0, bounded.shown))
    expect(bounded.total).toBe(10_000)
    expect(bounded.shown).toBeLessThan(10_000)
  })

  it('stops at the bound however many groups there are, every group it keeps intact but the last', () => {
    const items: FailedItem[] = Array.from({ length: 3000 }, (_, i) => ({
      zone: ZONE,
      type: 'files',
      item: `https://example.com/${i}`,
      reason: `Cloudflare refused this item on its own: 1016 Unable to purge https://example.com/${i}, which is an invalid URL.`
    }))
    const groups = groupFailedItems(items)
    const bounded = boundFailedItems(groups, 10_000)
    expect(outputBytes(bounded.json)).toBeLessThanOrEqual(10_000)
    const parsed = JSON.parse(bounded.json) as FailedGroup[]
    expect(parsed.length).toBeGreaterThan(0)
    expect(parsed.every((g) => g.count === 1 && g.items.length === 1)).toBe(true)
    expect(bounded.shown).toBe(parsed.length)
  })

  it('counts the size as GitHub does, in UTF-16', () => {
    expect(outputBytes('abc')).toBe(6)
    expect(outputBytes('→')).toBe(2)
  })
})

describe('failedItemsOutputs', () => {
  it('writes the whole list to the file and names it; empty outputs when nothing failed', () => {
    const saved: string[] = []
    const save = (json: string): string => (saved.push(json), '/runner/temp/failed-items.json')
    expect(failedItemsOutputs([], save)).toMatchObject({ failed_items: '[]', failed_items_file: '' })
    expect(saved).toEqual([])
    const out = failedItemsOutputs(urls(10_000), save)
    expect(out.failed_items_file).toBe('/runner/temp/failed-items.json')
    const whole = JSON.parse(saved[0] as string) as FailedGroup[]
    expect(whole[0]?.items).toHaveLength(10_000)
    expect(outputBytes(out.failed_items)).toBeLessThanOrEqual(FAILED_ITEMS_MAX_BYTES)
    expect(out.shown).toBeLessThan(out.total)
  })
})

describe('escapeHtml', () => {
  it('shows markup as text', () => {
    expect(escapeHtml(`<img src=x onerror="alert('x')"> & co`)).toBe(
      '&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt; &amp; co'
    )
  })
})

describe('outputsOf', () => {
  it('names the file with the whole list, and says when failed_items holds only part of it', () => {
    const failed = urls(10_000)
    const result = { ...emptyRun('purged', Date.now()), failed }
    const cuts: Array<[number, number, string]> = []
    const out = outputsOf(result, {
      save: () => '/runner/temp/x/failed-items.json',
      onCut: (shown, total, file) => cuts.push([shown, total, file])
    })
    expect(out.failed_items_file).toBe('/runner/temp/x/failed-items.json')
    expect(out.failed_count).toBe(10_000)
    expect(cuts).toEqual([[expect.any(Number), 10_000, '/runner/temp/x/failed-items.json']])
    expect(outputBytes(out.failed_items)).toBeLessThanOrEqual(FAILED_ITEMS_MAX_BYTES)
  })
})
