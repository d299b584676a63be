import { describe, expect, it } from '@jest/globals'
import { commitRange, compareRetry, describeRange, type CommitRange } from '../../src/action/changed-files.js'
import type { Finding } from '../../src/types.js'

const BEFORE = 'a'.repeat(40)
const AFTER = 'b'.repeat(40)
const ZEROS = '0'.repeat(40)

const payloadOf =
  (payload: unknown) =>
  (path: string): string => {
    expect(path).toBe('/event.json')
    return JSON.stringify(payload)
  }

function reasonOf(result: CommitRange | Finding): string {
  expect('id' in result && result.id).toBe('changes-no-range')
  return (result as Finding).message
}

describe('commitRange', () => {
  it('takes before and after from a push', () => {
    expect(
      commitRange(
        { eventName: 'push', eventPath: '/event.json' },
        payloadOf({ before: BEFORE, after: AFTER })
      )
    ).toEqual({ base: BEFORE, head: AFTER })
  })

  it('prefers base and head when given, on any event', () => {
    expect(commitRange({ base: 'v1.0', head: 'main', eventName: 'workflow_dispatch' })).toEqual({
      base: 'v1.0',
      head: 'main'
    })
  })

  it('compares base to the commit of the run when head is empty', () => {
    expect(commitRange({ base: 'v1.0', eventName: 'schedule', sha: AFTER })).toEqual({
      base: 'v1.0',
      head: AFTER
    })
    expect(reasonOf(commitRange({ base: 'v1.0' }))).toMatch(/GITHUB_SHA is not set/)
  })

  it('refuses another event without base, naming the event', () => {
    expect(reasonOf(commitRange({ eventName: 'workflow_dispatch' }))).toMatch(
      /triggered by "workflow_dispatch", not by a push/
    )
    expect(reasonOf(commitRange({}))).toMatch(/GITHUB_EVENT_NAME is not set/)
  })

  it('refuses a push that created the branch', () => {
    const result = commitRange(
      { eventName: 'push', eventPath: '/event.json' },
      payloadOf({ before: ZEROS, after: AFTER, created: true })
    )
    expect(reasonOf(result)).toMatch(/created the branch/)
    expect(reasonOf(result)).toMatch(/never falls back to purging everything/)
  })

  it('refuses a push that deleted the branch', () => {
    const result = commitRange(
      { eventName: 'push', eventPath: '/event.json' },
      payloadOf({ before: BEFORE, after: ZEROS, deleted: true })
    )
    expect(reasonOf(result)).toMatch(/deleted the branch/)
  })

  it('refuses a missing or unreadable payload', () => {
    expect(reasonOf(commitRange({ eventName: 'push' }))).toMatch(/GITHUB_EVENT_PATH is not set/)
    const unreadable = commitRange({ eventName: 'push', eventPath: '/event.json' }, () => {
      throw new Error('ENOENT: no such file')
    })
    expect(reasonOf(unreadable)).toMatch(/cannot be read \(ENOENT/)
    const notJson = commitRange({ eventName: 'push', eventPath: '/event.json' }, () => 'not json')
    expect(reasonOf(notJson)).toMatch(/cannot be read/)
    const noAfter = commitRange(
      { eventName: 'push', eventPath: '/event.json' },
      payloadOf({ before: BEFORE })
    )
    expect(reasonOf(noAfter)).toMatch(/no "after" commit/)
  })
})

describe('describeRange', () => {
  it('shortens SHAs and keeps ref names', () => {
    expect(describeRange({ base: BEFORE, head: 'main' })).toBe('aaaaaaa...main')
  })
})

describe('compareRetry', () => {
  const NOW = Date.parse('2026-06-01T12:00:00Z')
  const DEADLINE = NOW + 300_000
  const answer = (status: number, headers: Record<string, string> = {}): unknown =>
    Object.assign(new Error('answer'), { status, response: { status, headers } })

  it('waits what retry-after says', () => {
    expect(compareRetry(answer(429, { 'retry-after': '7' }), 1, NOW, DEADLINE)).toEqual({ delayMs: 7000 })
    expect(compareRetry(answer(403, { 'retry-after': '7' }), 1, NOW, DEADLINE)).toEqual({ delayMs: 7000 })
  })

  it('waits until x-ratelimit-reset when nothing remains', () => {
    const reset = String(NOW / 1000 + 20)
    expect(
      compareRetry(
        answer(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }),
        1,
        NOW,
        DEADLINE
      )
    ).toEqual({ delayMs: 21_000 })
  })

  it('waits a minute after a 429 that names no time, and never retries a plain 403', () => {
    expect(compareRetry(answer(429), 1, NOW, DEADLINE)).toEqual({ delayMs: 60_000 })
    expect(compareRetry(answer(403), 1, NOW, DEADLINE)).toEqual({})
    expect(compareRetry(answer(404), 1, NOW, DEADLINE)).toEqual({})
  })

  it('gives up, saying how long, when the wait is longer than the time left', () => {
    expect(compareRetry(answer(429, { 'retry-after': '3600' }), 1, NOW, NOW + 120_000)).toEqual({
      waitMs: 3_600_000,
      leftMs: 120_000
    })
  })

  it('retries server errors and failed connections after 1 s, then 2 s, three attempts in all', () => {
    expect(compareRetry(answer(502), 1, NOW, DEADLINE)).toEqual({ delayMs: 1000 })
    expect(compareRetry(new Error('socket hang up'), 2, NOW, DEADLINE)).toEqual({ delayMs: 2000 })
    expect(compareRetry(answer(502), 3, NOW, DEADLINE)).toEqual({})
  })
})
