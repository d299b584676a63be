// docs/troubleshooting.md is generated from the catalogue; this fails when they differ.
import { existsSync, readFileSync } from 'node:fs'
import { join, posix } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { catalogue, type Diagnosis } from '../src/diagnosis/catalogue.js'
import { anchors, section } from '../scripts/markdown.js'
import {
  COMMAND,
  entryAnchor,
  entryHeading,
  PAGE,
  PAGE_PATH,
  renderPage,
  troubleshootingPage
} from '../scripts/troubleshooting.js'
import { ROOT } from '../scripts/workflow-lint.js'

const page = readFileSync(PAGE_PATH, 'utf8')
const entries = Object.entries(catalogue as Record<string, Diagnosis<never>>)

describe('docs/troubleshooting.md', () => {
  it('matches the catalogue', async () => {
    if ((await renderPage()) !== page) {
      throw new Error(
        `${PAGE} differs from src/diagnosis/catalogue.ts. Run \`${COMMAND}\` and commit ${PAGE}.`
      )
    }
  })

  it('has one heading per entry, in the catalogue order, each with a unique anchor', () => {
    const headings = page.split('\n').filter((line) => line.startsWith('## '))
    expect(headings).toEqual(entries.map(([id, d]) => `## ${entryHeading(id, d)}`))
    const found = anchors(page)
    for (const [id] of entries) expect([id, found.has(entryAnchor(id))]).toEqual([id, true])
  })

  it('gives under each heading what you see, what to do, why, how it is found, and a link', () => {
    for (const [id, d] of entries) {
      const text = section(page, entryHeading(id, d)) ?? ''
      expect([id, text.includes(`**${d.severity}**`)]).toEqual([id, true])
      for (const part of [d.title, d.fix, d.cause, d.detection]) {
        expect([id, part, text.includes(part)]).toEqual([id, part, true])
      }
      const order = ['What you see', 'What to do', 'Why', 'How it is found', 'More'].map((label) =>
        text.indexOf(`**${label}:**`)
      )
      expect([id, order.every((at, i) => at >= 0 && (i === 0 || at > (order[i - 1] as number)))]).toEqual([
        id,
        true
      ])
    }
  })

  it('links each entry to its further reading, relative to the page for files of this repository', () => {
    for (const [id, d] of entries) {
      const text = section(page, entryHeading(id, d)) ?? ''
      const [file = '', anchor] = d.docs.split('#')
      const target = /^https:\/\//.test(d.docs)
        ? d.docs
        : posix.relative('docs', file) + (anchor ? `#${anchor}` : '')
      expect([id, text.includes(`](${target})`)]).toEqual([id, true])
    }
  })
})

describe('the catalogue', () => {
  it('gives every entry a title, a cause, how it is found, a fix and a docs link', () => {
    for (const [id, d] of entries) {
      expect([id, ['error', 'warning', 'notice'].includes(d.severity)]).toEqual([id, true])
      for (const text of [d.title, d.cause, d.detection, d.fix])
        expect([id, text.trim().length > 0]).toEqual([id, true])
      // An https URL, or a Markdown file of this repository (with an anchor) given from the root.
      const local = /^([\w./-]+\.md)(#[\w-]+)?$/.exec(d.docs)
      expect([
        id,
        /^https:\/\//.test(d.docs) || (local !== null && existsSync(join(ROOT, local[1] as string)))
      ]).toEqual([id, true])
    }
  })

  it('keeps ids stable in kebab case', () => {
    for (const [id] of entries) expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/)
  })

  it('renders a page that changes with the catalogue', () => {
    const before = troubleshootingPage()
    const entry = catalogue['rate-limited']
    const original = entry.fix
    try {
      entry.fix = 'A different fix'
      expect(troubleshootingPage()).not.toBe(before)
      expect(troubleshootingPage()).toContain('A different fix')
    } finally {
      entry.fix = original
    }
  })
})
