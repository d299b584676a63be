// Findings as annotations within GitHub's limits: one per kind, counted, and at most 10 a level in a run.
import { describe, expect, it } from '@jest/globals'
import {
  ANNOTATIONS_PER_LEVEL,
  AnnotationLimit,
  groupedFinding,
  groupFindings
} from '../../src/report/annotations.js'
import type { Finding } from '../../src/types.js'

const finding = (id: string, severity: Finding['severity'], message: string): Finding => ({
  id,
  severity,
  title: `Title of ${id}`,
  message
})
const relative = (n: number): Finding[] =>
  Array.from({ length: n }, (_, i) => finding('relative-url', 'error', `"p/${i}" is not a full URL.`))

describe('groupFindings', () => {
  it('groups by kind, errors first, then warnings, then notices, each kind where it first came', () => {
    const groups = groupFindings([
      finding('token-expiring', 'warning', 'w'),
      finding('lists-empty', 'notice', 'n'),
      ...relative(2),
      finding('bad-zone', 'error', 'z'),
      ...relative(1)
    ])
    expect(groups.map((g) => [g.first.id, g.all.length])).toEqual([
      ['relative-url', 3],
      ['bad-zone', 1],
      ['token-expiring', 1],
      ['lists-empty', 1]
    ])
  })
})

describe('groupedFinding', () => {
  it('is the finding itself when it is alone', () => {
    const [group] = groupFindings(relative(1))
    expect(groupedFinding(group!, 'in the log')).toEqual(relative(1)[0])
  })

  it('counts the kind, quotes the first three and says where the rest are', () => {
    const [group] = groupFindings(relative(5000))
    const shown = groupedFinding(group!, 'each one is in the log above')
    expect(shown.title).toBe('Title of relative-url')
    expect(shown.message).toBe(
      [
        '5,000 times; the first 3:',
        '- "p/0" is not a full URL.',
        '- "p/1" is not a full URL.',
        '- "p/2" is not a full URL.',
        '… and 4,997 more, each one is in the log above.'
      ].join('\n')
    )
    expect(groupedFinding(groupFindings(relative(2))[0]!, 'x').message).toBe(
      '2 times; each:\n- "p/0" is not a full URL.\n- "p/1" is not a full URL.'
    )
  })
})

describe('AnnotationLimit', () => {
  it('admits nine of a level, then holds the rest and names them in a tenth', () => {
    const limit = new AnnotationLimit()
    const errors = Array.from({ length: 25 }, (_, i) => finding(`e${i % 4}`, 'error', `e ${i}`))
    const admitted = errors.filter((f) => limit.admit(f))
    expect(admitted).toHaveLength(ANNOTATIONS_PER_LEVEL - 1)
    // Other levels count apart.
    expect(limit.admit(finding('w', 'warning', 'w'))).toBe(true)
    const held = limit.held()
    expect(held).toEqual([
      {
        id: 'more-annotations',
        severity: 'error',
        title: '16 more errors',
        message:
          'GitHub shows 10 error annotations per step; 16 more are in the log: Title of e1; Title of e2; ' +
          'Title of e3 and 1 other.'
      }
    ])
  })

  it('gives a single held finding back as it is', () => {
    const limit = new AnnotationLimit()
    const notices = Array.from({ length: 10 }, (_, i) => finding(`n${i}`, 'notice', `n ${i}`))
    expect(notices.filter((f) => limit.admit(f))).toHaveLength(9)
    expect(limit.held()).toEqual([notices[9]])
    expect(new AnnotationLimit().held()).toEqual([])
  })
})
