// Findings as few annotations as tell the whole story. GitHub shows at most 10 error, 10 warning and 10
// notice annotations per step and drops the rest without a word
// (https://github.com/actions/toolkit/blob/main/docs/problem-matchers.md#limitations), so findings of one
// kind are one annotation that counts them, and a run's annotations of one level stop at 10, the tenth
// naming what was held back. Pure.
import type { Finding } from '../types.js'
import { count, grouped } from '../words.js'

export type Level = Finding['severity']

/** Annotations of one level a step may show. */
export const ANNOTATIONS_PER_LEVEL = 10
/** Findings quoted in the annotation that counts them all. */
export const EXAMPLES_SHOWN = 3

const RANK: Record<Level, number> = { error: 0, warning: 1, notice: 2 }

/** Findings of one kind (one catalogue id and level), in the order they came. */
export interface FindingGroup {
  first: Finding
  all: Finding[]
}

/** The findings by kind, errors first, then warnings, then notices; each kind where it first came. */
export function groupFindings(findings: Finding[]): FindingGroup[] {
  const groups = new Map<string, FindingGroup>()
  for (const f of findings) {
    const key = `${f.severity} ${f.id}`
    const group = groups.get(key)
    if (group) group.all.push(f)
    else groups.set(key, { first: f, all: [f] })
  }
  return [...groups.values()].sort((a, b) => RANK[a.first.severity] - RANK[b.first.severity])
}

/** One finding for a group: itself when alone, else a count and the first EXAMPLES_SHOWN, each on a line. */
export function groupedFinding({ first, all }: FindingGroup, whereAll: string): Finding {
  if (all.length === 1) return first
  const examples = all.slice(0, EXAMPLES_SHOWN).map((f) => `- ${f.message}`)
  const rest = all.length - EXAMPLES_SHOWN
  return {
    ...first,
    message: [
      `${grouped(all.length)} times; ${all.length > EXAMPLES_SHOWN ? `the first ${EXAMPLES_SHOWN}` : 'each'}:`,
      ...examples,
      ...(rest > 0 ? [`… and ${grouped(rest)} more, ${whereAll}.`] : [])
    ].join('\n')
  }
}

/**
 * Keeps a run's annotations within GitHub's limit, a level at a time: the first ANNOTATIONS_PER_LEVEL - 1
 * are shown as they come; later ones are held, and `held()` at the end of the run gives the last one: the
 * finding itself when only one was held, or one that names them all.
 */
export class AnnotationLimit {
  private readonly shown: Record<Level, number> = { error: 0, warning: 0, notice: 0 }
  private readonly heldBack: Record<Level, Finding[]> = { error: [], warning: [], notice: [] }

  /** Whether this finding may be annotated now; if not, it is held. */
  admit(finding: Finding): boolean {
    if (this.shown[finding.severity] < ANNOTATIONS_PER_LEVEL - 1) {
      this.shown[finding.severity] += 1
      return true
    }
    this.heldBack[finding.severity].push(finding)
    return false
  }

  /** The last annotation of each level that held some back, naming them (their detail is in the log). */
  held(): Finding[] {
    return (Object.keys(this.heldBack) as Level[]).flatMap((level): Finding[] => {
      const held = this.heldBack[level]
      const [only] = held
      if (!only) return []
      if (held.length === 1) return [only]
      const titles = [...new Set(held.map((f) => f.title).filter(Boolean))]
      const named = titles.slice(0, EXAMPLES_SHOWN).join('; ')
      const others =
        titles.length > EXAMPLES_SHOWN ? ` and ${count(titles.length - EXAMPLES_SHOWN, 'other')}` : ''
      return [
        {
          id: 'more-annotations',
          severity: level,
          title: `${grouped(held.length)} more ${level}s`,
          message:
            `GitHub shows ${ANNOTATIONS_PER_LEVEL} ${level} annotations per step; ${grouped(held.length)} more ` +
            `are in the log${named ? `: ${named}${others}` : ''}.`
        }
      ]
    })
  }
}
