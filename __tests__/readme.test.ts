// The README says what action.yml declares (every input with its default, every output), keeps the outline
// a new user reads in a few minutes, and its examples (with those of docs/ and examples/) use only inputs
// the action has.
import { describe, expect, test } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { checkActionMetadata } from '../scripts/action-metadata.js'
import { codeBlocks, codeSpans, firstTable, section } from '../scripts/markdown.js'
import { entryAnchor } from '../scripts/troubleshooting.js'
import { catalogue } from '../src/diagnosis/catalogue.js'
import { ROOT, workflowFiles } from '../scripts/workflow-lint.js'

const read = (file: string): string => readFileSync(join(ROOT, file), 'utf8')
const readme = read('README.md')
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
  // 20 KB until issue 26 added four inputs (`verify`, `warm`, `verify_urls`, `verify_limit`: a table row
  // is about 220 bytes) and a short section; their details are in docs/edge-check.md.
  test('is at most 21.5 KB, so that it reads in a few minutes', () => {
    expect(Buffer.byteLength(readme)).toBeLessThanOrEqual(21_500)
  })

  test('shows a workflow on the first screen', () => {
    const firstYaml = readme.split('\n').findIndex((line) => line.startsWith('```yaml'))
    expect(firstYaml).toBeGreaterThanOrEqual(0)
    expect(firstYaml).toBeLessThan(25)
  })

  test('shows the two commands a newcomer runs', () => {
    for (const [file, text] of [
      ['README.md', section(readme, 'Develop and test')],
      ['CONTRIBUTING.md', section(read('CONTRIBUTING.md'), 'Try it locally')]
    ]) {
      const commands = codeBlocks(text ?? '', 'sh').join('\n')
      expect([file, /^npm run demo\b/m.test(commands), /^npm test\b/m.test(commands)]).toEqual([
        file,
        true,
        true
      ])
    }
  })

  test.each([
    'Quick start',
    'Create the token and find the Zone ID',
    'Recipes',
    'Inputs',
    'Outputs',
    'When it fails',
    'Guarantees and limits',
    'Documentation',
    'Develop and test',
    'License'
  ])('has the section "%s"', (heading) => {
    expect(section(readme, heading)).toBeDefined()
  })

  test.each([
    ['docs/zones-and-changed-paths.md', 'Several zones'],
    ['docs/zones-and-changed-paths.md', 'Zones found from the URLs'],
    ['docs/zones-and-changed-paths.md', 'Purge exactly what a push changed'],
    ['docs/performance.md', 'How a large list is purged'],
    ['docs/performance.md', 'Benchmark'],
    ['docs/comparison.md', 'Compared with other actions'],
    ['docs/proxies.md', 'Proxies on self-hosted runners'],
    ['SECURITY.md', 'What the tests show'],
    ['CONTRIBUTING.md', 'Releasing']
  ])('%s has the section "%s", and the README links to the page', (file, heading) => {
    expect(section(read(file), heading)).toBeDefined()
    expect(readme).toContain(`](${file})`)
  })

  test('the quick start runs after the deploy job, and the form offers a choice of purge type', () => {
    const quickStart = parse(codeBlocks(section(readme, 'Quick start') ?? '', 'yaml')[0] ?? '')
    expect(quickStart.jobs.purge.needs).toBe('deploy')
    const form = parse(read('examples/manual-purge.yml'))
    const formInputs = form.on.workflow_dispatch.inputs
    expect(formInputs.type.type).toBe('choice')
    expect(formInputs.type.options).toEqual(['files', 'tags', 'hosts', 'prefixes', 'everything'])
    expect(formInputs.items.type).toBe('string')
    expect(section(readme, 'By hand, from the Actions tab')).toContain('](examples/manual-purge.yml)')
  })

  test('the quick start and the token section ask for exactly the two permissions', () => {
    for (const heading of ['Quick start', 'Create the token and find the Zone ID']) {
      const text = section(readme, heading) ?? ''
      expect([heading, text.includes('Zone → Cache Purge → Purge')]).toEqual([heading, true])
      expect([heading, text.includes('Zone → Zone → Read')]).toEqual([heading, true])
    }
  })

  test('the recipes link every example workflow', () => {
    const recipes = section(readme, 'Recipes') ?? ''
    const examples = workflowFiles().filter((file) => file.startsWith('examples/'))
    expect(examples.filter((file) => !recipes.includes(`](${file})`))).toEqual([])
  })

  test('says what a dry run cannot check', () => {
    const text = section(readme, 'A dry run on pull requests') ?? ''
    expect(text).toMatch(/cannot check/)
    expect(text).toContain('only a real purge does')
    expect(text).toContain(catalogue['purge-not-permitted'].title)
  })

  test('says once what failed_items holds when the run stops before purging', () => {
    expect(readme.match(/when the run stops before purging/gi)).toHaveLength(1)
    expect(section(readme, 'When it fails')).toMatch(/when the run stops before purging/i)
  })

  test('names the most common errors by their annotation title, linked to their troubleshooting entry', () => {
    const text = section(readme, 'When it fails') ?? ''
    const links = [...text.matchAll(/^- \[([^\]]+)\]\(docs\/troubleshooting\.md#([^)]+)\)/gm)]
    expect(links).toHaveLength(8)
    for (const [, title, anchor] of links) {
      const id = Object.keys(catalogue).find((key) => entryAnchor(key) === anchor)
      expect([anchor, id && (catalogue as Record<string, { title: string }>)[id]?.title]).toEqual([
        anchor,
        title
      ])
    }
    expect(text).toContain('](docs/troubleshooting.md)')
  })
})

describe('workflows that use this action', () => {
  const pages = [
    'README.md',
    'docs/zones-and-changed-paths.md',
    'docs/performance.md',
    'docs/invalidate-and-environments.md'
  ]
  const sources: Array<[string, string]> = [
    ...pages.flatMap((page) =>
      codeBlocks(read(page), 'yaml').map((block, i): [string, string] => [`${page} block ${i + 1}`, block])
    ),
    ...workflowFiles().map((file): [string, string] => [file, read(file)])
  ]
  const usages = sources.flatMap(([source, text]) =>
    stepsUsingThisAction(parse(text)).map((step): [string, Record<string, unknown>] => [source, step])
  )

  test('are found in every YAML block of the README, in the docs, the examples and CI', () => {
    const where = new Set(usages.map(([source]) => source))
    const readmeBlocks = codeBlocks(readme, 'yaml').map((_, i) => `README.md block ${i + 1}`)
    expect(readmeBlocks.filter((block) => !where.has(block))).toEqual([])
    expect([...where]).toEqual(
      expect.arrayContaining([
        'docs/zones-and-changed-paths.md block 1',
        '.github/workflows/ci.yml',
        'examples/manual-purge.yml'
      ])
    )
  })

  test.each(usages)('%s passes only inputs that action.yml declares', (_source, step) => {
    const given = Object.keys((step.with as Record<string, unknown> | undefined) ?? {})
    expect(given.filter((name) => !(name in inputs))).toEqual([])
  })
})

/**
 * Steps whose `uses` is this action (`./` in this repository, `<owner>/cloudflare-purge-action@<ref>`
 * elsewhere), wherever they are: in a whole workflow, or in a snippet that is only a list of steps.
 */
function stepsUsingThisAction(yaml: unknown): Array<Record<string, unknown>> {
  if (Array.isArray(yaml)) return yaml.flatMap(stepsUsingThisAction)
  if (yaml === null || typeof yaml !== 'object') return []
  const uses = (yaml as { uses?: unknown }).uses
  if (typeof uses === 'string' && (uses === './' || /^[^/]+\/cloudflare-purge-action@/.test(uses)))
    return [yaml as Record<string, unknown>]
  return Object.values(yaml).flatMap(stepsUsingThisAction)
}
