// docs/cli.md and --help say what the command line has: every option, the variables it reads, and the
// exit codes it returns; the README points to the page.
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { FLAGS } from '../../src/cli/flags.js'
import { helpText } from '../../src/cli/help.js'
import { EXIT, PROGRESS_INTERVAL_VARIABLE } from '../../src/cli/main.js'
import { codeSpans, firstTable, section } from '../../scripts/markdown.js'
import { ROOT } from '../../scripts/workflow-lint.js'

const page = readFileSync(join(ROOT, 'docs/cli.md'), 'utf8')
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
const help = helpText('0.0.0')
const ENV = FLAGS.flatMap((f) => (f.env ? [f.env] : []))

/** The first cells of the first table under a heading, as the code spans in them. */
function firstColumn(heading: string): string[] {
  const table = firstTable(section(page, heading) ?? '')
  return (table?.rows ?? []).flatMap((row) => codeSpans(row[0] ?? ''))
}

describe('docs/cli.md', () => {
  it('has a row for every option, with its value, and the action input it sets', () => {
    const rows = firstTable(section(page, 'Options') ?? '')?.rows ?? []
    for (const flag of FLAGS) {
      const usage = `--${flag.name}${flag.arg ? ` ${flag.arg}` : ''}`
      const row = rows.find((r) => codeSpans(r[0] ?? '').includes(usage))
      expect({ usage, found: Boolean(row) }).toEqual({ usage, found: true })
      expect(codeSpans(row?.[1] ?? '')).toEqual(flag.input ? [flag.input] : [])
    }
  })

  it('lists every variable read for an option', () => {
    const listed = firstColumn('Environment variables')
    for (const name of ENV) expect(listed).toContain(name)
  })

  it("lists the tests' own variable in the developer notes, not among the users' variables", () => {
    expect(firstColumn('Developer notes')).toEqual([PROGRESS_INTERVAL_VARIABLE])
    expect(firstColumn('Environment variables')).not.toContain(PROGRESS_INTERVAL_VARIABLE)
  })

  it('documents the exit codes the command returns', () => {
    expect(firstColumn('Exit codes')).toEqual(Object.values(EXIT).map(String))
  })

  it('is linked from the README section for terminals and other CI systems', () => {
    expect(section(readme, 'From a terminal or another CI')).toContain('(docs/cli.md)')
  })
})

describe('--help', () => {
  it('shows every option with its value, the variables and the exit codes', () => {
    for (const flag of FLAGS) expect(help).toContain(`--${flag.name}${flag.arg ? ` ${flag.arg}` : ''}`)
    for (const name of ENV) expect(help).toContain(name)
    for (const code of Object.values(EXIT)) expect(help).toMatch(new RegExp(`^ {2}${code} {2}\\S`, 'm'))
  })

  it('fits a terminal of 100 columns', () => {
    for (const line of help.split('\n')) expect(line.length).toBeLessThanOrEqual(100)
  })
})
