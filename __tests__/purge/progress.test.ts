// The progress line written while requests are sent: how far, how fast, how long to go, and never the
// same line twice while a run waits.
import { describe, expect, it } from '@jest/globals'
import { progressLine, type ProgressSnapshot } from '../../src/purge/progress.js'
import { countOf, roughly } from '../../src/words.js'

const at = (p: Partial<ProgressSnapshot>): ProgressSnapshot => ({
  done: 0,
  total: 10000,
  elapsedMs: 5000,
  doneBefore: 0,
  sinceMs: 5000,
  paused: false,
  past: 'purged',
  ...p
})

describe('progressLine', () => {
  it('shows done of total, the share, the rate and the time left', () => {
    expect(progressLine(at({ done: 1200 }))).toBe(
      'Progress: 1,200 of 10,000 items purged or given up (12%) in 5.0 s, 240 items a second, about 37 s left at this pace'
    )
    expect(progressLine(at({ done: 30, total: 5000, elapsedMs: 10000, doneBefore: 20 }))).toBe(
      'Progress: 30 of 5,000 items purged or given up (0%) in 10.0 s, 3.0 items a second, about 41 min left at this pace'
    )
  })

  it('counts the time left at the slower pace when a burst at the start has given way to pacing', () => {
    // 2500 in the first 5 s (a full bucket), then 100 in the next 5 s: 20 a second, not 173.
    expect(
      progressLine(at({ done: 2600, total: 2700, elapsedMs: 15000, doneBefore: 2500, sinceMs: 5000 }))
    ).toBe(
      'Progress: 2,600 of 2,700 items purged or given up (96%) in 15.0 s, 173 items a second, about 5 s left at this pace'
    )
  })

  it('says that it waits, and for what, when nothing finished since the last line', () => {
    const waiting = at({ done: 1200, doneBefore: 1200, elapsedMs: 10000 })
    expect(progressLine(waiting)).toBe(
      'Progress: 1,200 of 10,000 items purged or given up (12%) in 10.0 s; none in the last 5.0 s: ' +
        "waiting for the rate limit's next slot or for Cloudflare's answers"
    )
    expect(progressLine({ ...waiting, paused: true })).toMatch(
      /none in the last 5\.0 s: Cloudflare answered 429/
    )
  })

  it('never repeats a line while a run is held up', () => {
    const lines = [1, 2, 3].map((n) => progressLine(at({ done: 40, doneBefore: 40, elapsedMs: n * 5000 })))
    expect(new Set(lines).size).toBe(3)
  })

  it('counts one item in words that read right', () => {
    expect(progressLine(at({ total: 1 }))).toMatch(/^Progress: 0 of 1 item purged or given up \(0%\)/)
  })

  it('says invalidated in mode invalidate, and no time left once all are done', () => {
    expect(progressLine(at({ done: 10000, past: 'invalidated' }))).toBe(
      'Progress: 10,000 of 10,000 items invalidated or given up (100%) in 5.0 s, 2,000 items a second'
    )
  })
})

describe('words', () => {
  it('counts items of each purge type', () => {
    expect([
      countOf('files', 1),
      countOf('files', 2),
      countOf('prefixes', 2),
      countOf('everything', 1)
    ]).toEqual(['1 URL', '2 URLs', '2 prefixes', 'everything'])
  })

  it('rounds a time to come as a person says it', () => {
    expect([roughly(200), roughly(37_000), roughly(89_000), roughly(150_000)]).toEqual([
      '1 s',
      '37 s',
      '89 s',
      '3 min'
    ])
  })
})
