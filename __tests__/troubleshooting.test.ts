// The README's Troubleshooting table is generated from the catalogue; this fails when they differ.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from '@jest/globals'
import { catalogue, type Diagnosis } from '../src/diagnosis/catalogue.js'
import {
  COMMAND,
  END,
  README_PATH,
  renderReadme,
  START,
  troubleshootingTable
} from '../scripts/troubleshooting.js'

const readme = readFileSync(README_PATH, 'utf8')
const entries = Object.entries(catalogue as Record<string, Diagnosis<never>>)

describe('README Troubleshooting section', () => {
  it('matches the catalogue', async () => {
    const expected = await renderReadme(readme)
    if (expected !== readme) {
      throw new Error(
        `README.md differs from src/diagnosis/catalogue.ts. Run \`${COMMAND}\` and commit README.md.`
      )
    }
  })

  it('sits between its markers under the heading, before "How it works"', () => {
    const heading = readme.indexOf('\n## Troubleshooting\n')
    const start = readme.indexOf(START)
    const end = readme.indexOf(END)
    const next = readme.indexOf('\n## How it works')
    expect(heading).toBeGreaterThan(-1)
    expect([heading < start, start < end, end < next]).toEqual([true, true, true])
    expect(readme.slice(heading + 1, start).trim()).toBe('## Troubleshooting')
  })

  it('has one row per entry with its title, id, cause, detection, fix and docs link', () => {
    const section = readme.slice(readme.indexOf(START), readme.indexOf(END))
    const rows = section.split('\n').filter((line) => line.startsWith('| **'))
    expect(rows).toHaveLength(entries.length)
    for (const [id, d] of entries) {
      const row = rows.find((r) => r.includes(`\`${id}\``))
      expect(row).toBeDefined()
      for (const part of [d.title, d.cause, d.detection, d.fix, `(${d.docs})`]) {
        expect(row).toContain(part.replace(/\|/g, '\\|'))
      }
    }
  })
})

describe('the catalogue', () => {
  it('gives every entry a title, a cause, how it is found, a fix and a docs link', () => {
    for (const [id, d] of entries) {
      expect([id, ['error', 'warning', 'notice'].includes(d.severity)]).toEqual([id, true])
      for (const text of [d.title, d.cause, d.detection, d.fix])
        expect([id, text.trim().length > 0]).toEqual([id, true])
      expect([id, /^(https:\/\/|#)/.test(d.docs)]).toEqual([id, true])
    }
  })

  it('keeps ids stable in kebab case', () => {
    for (const [id] of entries) expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/)
  })

  it('renders a table that changes with the catalogue', () => {
    const table = troubleshootingTable()
    const entry = catalogue['rate-limited']
    const original = entry.fix
    try {
      entry.fix = 'A different fix'
      expect(troubleshootingTable()).not.toBe(table)
      expect(troubleshootingTable()).toContain('A different fix')
    } finally {
      entry.fix = original
    }
  })
})
