import { describe, expect, it } from '@jest/globals'
import { commitRange, describeRange, type CommitRange } from '../../src/action/changed-files.js'
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
