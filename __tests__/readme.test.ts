// The README says what action.yml declares: every input with its default, every output, and examples
// (in the README and in examples/) that use only inputs the action has.
import { describe, expect, test } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { checkActionMetadata } from '../scripts/action-metadata.js'
import { codeBlocks, codeSpans, firstTable, section } from '../scripts/markdown.js'
import { ROOT, workflowFiles } from '../scripts/workflow-lint.js'

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
const metadata = checkActionMetadata(readFileSync(join(ROOT, 'action.yml'), 'utf8')).metadata ?? {}
const inputs = metadata.inputs ?? {}
const outputs = metadata.outputs ?? {}

/** Rows of the first table under a heading, keyed by every `name` in the first cell. */
function tableByName(heading: string): Map<string, string[]> {
  const text = section(readme, heading)
  const table = text === undefined ? undefined : firstTable(text)
  if (!table) throw new Error(`README has no table under "## ${heading}"`)
  const rows = new Map<string, string[]>()
  for (const row of table.rows) for (const name of codeSpans(row[0] ?? '')) rows.set(name, row)
  return rows
}

describe('README inputs table', () => {
  const rows = tableByName('Inputs')

  test('lists every input of action.yml, and no other', () => {
    expect([...rows.keys()].sort()).toEqual(Object.keys(inputs).sort())
  })

  test.each(Object.entries(inputs))('shows the default of %s', (name, input) => {
    const cell = rows.get(name)?.[1] ?? ''
    // A default is written in backticks; an empty default is described in words ("empty", "from the plan").
    if (input.default) expect(codeSpans(cell)[0]).toBe(input.default)
    else expect(codeSpans(cell)).toEqual([])
  })

  test.each(Object.keys(inputs))('describes %s', (name) => {
    expect((rows.get(name)?.[2] ?? '').length).toBeGreaterThan(10)
  })
})

describe('README outputs table', () => {
  const rows = tableByName('Outputs')

  test('lists every output of action.yml, and no other', () => {
    expect([...rows.keys()].sort()).toEqual(Object.keys(outputs).sort())
  })

  test.each(Object.keys(outputs))('describes %s', (name) => {
    expect((rows.get(name)?.[1] ?? '').length).toBeGreaterThan(10)
  })
})

describe('README layout', () => {
  test('shows the two commands a newcomer runs', () => {
    const commands = codeBlocks(section(readme, 'Try it on your machine') ?? '', 'sh').join('\n')
    expect(commands).toMatch(/^npm run demo\b/m)
    expect(commands).toMatch(/^npm test\b/m)
  })

  test.each([
    'Quick start: purge after a deploy',
    'Purge by hand from the Actions tab',
    'Create the API token',
    'Several zones, zones from URLs, and purging what changed',
    'Performance',
    'Troubleshooting',
    'Security',
    'Compared with other actions',
    'How it works'
  ])('has the section "%s"', (heading) => {
    expect(section(readme, heading)).toBeDefined()
  })

  test('keeps the troubleshooting markers inside the Troubleshooting section', () => {
    const text = section(readme, 'Troubleshooting') ?? ''
    const start = text.indexOf('<!-- troubleshooting:start -->')
    expect(start).toBeGreaterThanOrEqual(0)
    expect(text.indexOf('<!-- troubleshooting:end -->')).toBeGreaterThan(start)
  })

  test('the quick start runs after the deploy job, and the form offers a choice of purge type', () => {
    const quickStart = parse(
      codeBlocks(section(readme, 'Quick start: purge after a deploy') ?? '', 'yaml')[0] ?? ''
    )
    expect(quickStart.jobs.purge.needs).toBe('deploy')
    const form = parse(
      codeBlocks(section(readme, 'Purge by hand from the Actions tab') ?? '', 'yaml')[0] ?? ''
    )
    const formInputs = form.on.workflow_dispatch.inputs
    expect(formInputs.type.type).toBe('choice')
    expect(formInputs.type.options).toEqual(['files', 'tags', 'hosts', 'prefixes', 'everything'])
    expect(formInputs.items.type).toBe('string')
  })

  test('the token section asks for exactly the two permissions', () => {
    const text = section(readme, 'Create the API token') ?? ''
    expect(text).toContain('Zone → Cache Purge → Purge')
    expect(text).toContain('Zone → Zone → Read')
  })
})

describe('workflows that use this action', () => {
  const sources: Array<[string, string]> = [
    ...codeBlocks(readme, 'yaml').map((block, i): [string, string] => [`README.md block ${i + 1}`, block]),
    ...workflowFiles().map((file): [string, string] => [file, readFileSync(join(ROOT, file), 'utf8')])
  ]
  const usages = sources.flatMap(([source, text]) =>
    stepsUsingThisAction(parse(text)).map((step): [string, Record<string, unknown>] => [source, step])
  )

  test('are found in the README, the examples and CI', () => {
    const where = new Set(usages.map(([source]) => source.split(' ')[0]))
    expect([...where]).toEqual(
      expect.arrayContaining(['README.md', '.github/workflows/ci.yml', 'examples/manual-purge.yml'])
    )
  })

  test.each(usages)('%s passes only inputs that action.yml declares', (_source, step) => {
    const given = Object.keys((step.with as Record<string, unknown> | undefined) ?? {})
    expect(given.filter((name) => !(name in inputs))).toEqual([])
  })
})

/** Steps whose `uses` is this action: `./` in this repository, `<owner>/cloudflare-purge-action@<ref>` elsewhere. */
function stepsUsingThisAction(workflow: unknown): Array<Record<string, unknown>> {
  const jobs = (workflow as { jobs?: Record<string, { steps?: unknown[] }> } | null)?.jobs ?? {}
  return Object.values(jobs)
    .flatMap((job) => job.steps ?? [])
    .filter((step): step is Record<string, unknown> => {
      const uses = (step as { uses?: unknown }).uses
      return typeof uses === 'string' && (uses === './' || /^[^/]+\/cloudflare-purge-action@/.test(uses))
    })
}
