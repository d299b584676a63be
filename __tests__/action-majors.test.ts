// Every `uses:` that README.md, docs/, examples/ and CI show is on the major .github/action-majors.json
// recommends: a copied snippet must not earn a "Node.js 20 actions are deprecated" annotation.
import { describe, expect, test } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import {
  checkReference,
  findUsesReferences,
  loadActionMajors,
  parseActionMajors,
  referenceFiles,
  staleReferences
} from '../scripts/action-majors.js'
import { ROOT } from '../scripts/workflow-lint.js'

const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8')

describe('the repository follows .github/action-majors.json', () => {
  const references = referenceFiles().flatMap((file) => findUsesReferences(read(file), file))

  test('the scan reads the README, every example and CI, and finds their actions', () => {
    const files = new Set(references.map((r) => r.file))
    expect([...files]).toEqual(
      expect.arrayContaining([
        'README.md',
        '.github/workflows/ci.yml',
        'examples/dry-run-on-pull-request.yml',
        'examples/manual-purge.yml',
        'examples/purge-after-deploy.yml',
        'examples/purge-after-pages-deploy.yml',
        'examples/purge-by-tags.yml'
      ])
    )
    const actions = new Set(references.map((r) => r.uses.replace(/@.*$/, '')))
    expect([...actions]).toEqual(
      expect.arrayContaining([
        'actions/checkout',
        'actions/setup-node',
        'actions/upload-pages-artifact',
        'actions/deploy-pages',
        'actions/upload-artifact',
        'OWNER/cloudflare-purge-action',
        './'
      ])
    )
  })

  test('no `uses:` is behind the table, ahead of it, or missing from it', () => {
    expect(staleReferences()).toEqual([])
  })

  test('the table itself reads, with one major tag per action', () => {
    const table = loadActionMajors()
    expect(table.majors.size).toBeGreaterThan(0)
    for (const major of table.majors.values()) expect(major).toBeGreaterThan(0)
  })

  test("Dependabot keeps the actions of this repository's own workflows current", () => {
    // For github-actions, directory "/" is where Dependabot reads .github/workflows (GitHub's Dependabot
    // options reference). It does not read README.md, docs/ or examples/: the test above covers those.
    const config = parse(read('.github/dependabot.yml'))
    const actions = config.updates.find(
      (u: Record<string, unknown>) => u['package-ecosystem'] === 'github-actions'
    )
    expect(actions).toMatchObject({ directory: '/', schedule: { interval: expect.any(String) } })
  })
})

describe('checkReference', () => {
  const table = parseActionMajors(
    JSON.stringify({ majors: { 'actions/checkout': 'v7', 'github/codeql-action': 'v4' } })
  )

  test.each([
    ['actions/checkout@v7'],
    ['actions/checkout@v7.0.1'],
    ['Actions/Checkout@v7'],
    ['github/codeql-action/init@v4'],
    ['./'],
    ['./.github/actions/setup']
  ])('accepts %s', (uses) => {
    expect(checkReference(uses, table)).toBeUndefined()
  })

  test.each([
    ['actions/checkout@v4', 'actions/checkout@v4 is behind: the current major is v7'],
    ['actions/checkout@v6.0.2', 'actions/checkout@v6.0.2 is behind: the current major is v7'],
    ['github/codeql-action/analyze@v3', 'github/codeql-action/analyze@v3 is behind: the current major is v4'],
    ['actions/checkout@v8', 'actions/checkout@v8 is newer than v7 in .github/action-majors.json'],
    ['actions/setup-node@v7', 'actions/setup-node is not in .github/action-majors.json'],
    ['actions/checkout@main', 'actions/checkout@main does not name a major version; use @v7'],
    ['actions/checkout@de0fac2e4500dabe0009e67214ff5f5447ce83dd', 'does not name a major version; use @v7'],
    ['actions/checkout', 'actions/checkout is not of the form owner/repo@v1'],
    ['docker://alpine:3.22', 'docker://alpine:3.22 is a container image']
  ])('refuses %s', (uses, message) => {
    expect(checkReference(uses, table)).toContain(message)
  })
})

describe('findUsesReferences', () => {
  test('reads every step and reusable workflow of a YAML file, quoted or not, with its line', () => {
    const workflow = [
      'jobs:',
      '  build:',
      '    steps:',
      '      - uses: actions/checkout@v4',
      "      - uses: 'actions/setup-node@v4' # pinned",
      '      - name: Deploy',
      '        uses: "actions/deploy-pages@v4"',
      '      - { uses: actions/cache@v3, with: { path: x } }',
      '      # - uses: actions/upload-artifact@v3',
      '  call:',
      '    uses: octo/workflows/.github/workflows/ci.yml@v1'
    ].join('\n')
    expect(findUsesReferences(workflow, 'ci.yml')).toEqual([
      { file: 'ci.yml', line: 4, uses: 'actions/checkout@v4' },
      { file: 'ci.yml', line: 5, uses: 'actions/setup-node@v4' },
      { file: 'ci.yml', line: 7, uses: 'actions/deploy-pages@v4' },
      { file: 'ci.yml', line: 8, uses: 'actions/cache@v3' },
      { file: 'ci.yml', line: 9, uses: 'actions/upload-artifact@v3' },
      { file: 'ci.yml', line: 11, uses: 'octo/workflows/.github/workflows/ci.yml@v1' }
    ])
  })

  test('reads Markdown code blocks of any language and inline code, not prose', () => {
    const markdown = [
      'The `uses:` line of your workflow names the version; it uses: no snippet here.',
      'Step one is `- uses: actions/checkout@v4`.',
      '```yaml',
      '- uses: actions/setup-node@v4',
      '```',
      '',
      '~~~',
      '      - uses: actions/upload-pages-artifact@v3',
      '~~~',
      'After the block: uses: not/read@v1'
    ].join('\n')
    expect(findUsesReferences(markdown, 'docs/guide.md')).toEqual([
      { file: 'docs/guide.md', line: 2, uses: 'actions/checkout@v4' },
      { file: 'docs/guide.md', line: 4, uses: 'actions/setup-node@v4' },
      { file: 'docs/guide.md', line: 8, uses: 'actions/upload-pages-artifact@v3' }
    ])
  })

  test('a longer fence holds a shorter one as text, so a block showing a block is read whole', () => {
    const markdown = [
      '````md',
      '```yaml',
      '- uses: actions/checkout@v4',
      '```',
      '- uses: actions/cache@v3',
      '````'
    ]
    expect(findUsesReferences(markdown.join('\n'), 'README.md').map((r) => r.uses)).toEqual([
      'actions/checkout@v4',
      'actions/cache@v3'
    ])
  })
})

describe('parseActionMajors', () => {
  test.each([
    ['not JSON', '{', 'is not valid JSON'],
    ['no majors object', '{"majors": []}', 'needs a "majors" object'],
    ['a name without owner', '{"majors": {"checkout": "v7"}}', '"checkout" is not of the form owner/repo'],
    ['a bare number', '{"majors": {"actions/checkout": 7}}', 'write a major tag like "v7"'],
    ['a full version', '{"majors": {"actions/checkout": "v7.0.1"}}', 'write a major tag like "v7"'],
    [
      'the same action twice',
      '{"majors": {"actions/checkout": "v7", "Actions/Checkout": "v6"}}',
      '"Actions/Checkout" is listed twice'
    ]
  ])('refuses %s', (_case, text, message) => {
    expect(() => parseActionMajors(text)).toThrow(message)
  })
})
