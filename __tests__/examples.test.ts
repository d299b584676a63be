// The example workflows do what their names and comments say: least permissions, approval before
// everything is purged, the whole push's list of URLs (and a clear stop when there is none to compare), and
// failed_items_file kept after the job.
import { describe, expect, test } from '@jest/globals'
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'yaml'
import { ROOT, workflowFiles } from '../scripts/workflow-lint.js'

interface Step {
  id?: string
  if?: string
  uses?: string
  run?: string
  env?: Record<string, string>
  with?: Record<string, unknown>
}
interface Job {
  if?: string
  environment?: unknown
  permissions?: unknown
  steps: Step[]
}
interface Workflow {
  permissions?: unknown
  jobs: Record<string, Job>
}

const examples = workflowFiles().filter((file) => file.startsWith('examples/'))
const load = (file: string): Workflow => parse(readFileSync(join(ROOT, file), 'utf8')) as Workflow
const purgeSteps = (job: Job): Step[] =>
  job.steps.filter((s) => s.uses?.startsWith('OWNER/cloudflare-purge-action@'))

describe('example permissions', () => {
  test.each(examples)(
    '%s: a job reads the repository only when it checks it out or lists changes',
    (file) => {
      const workflow = load(file)
      for (const [name, job] of Object.entries(workflow.jobs)) {
        const permissions = (job.permissions ?? workflow.permissions ?? 'unset') as Record<string, string>
        const readsRepository =
          job.steps.some((s) => s.uses?.startsWith('actions/checkout@')) ||
          purgeSteps(job).some((s) => s.with?.changed_paths !== undefined)
        // Unset would give the workflow token the repository's default permissions.
        expect([name, permissions === ('unset' as unknown)]).toEqual([name, false])
        expect([name, permissions.contents === 'read']).toEqual([name, readsRepository])
      }
    }
  )
})

describe('manual-purge.yml', () => {
  const { jobs } = load('examples/manual-purge.yml')

  test('everything is purged only by a job that waits for the purge-everything environment', () => {
    const everything = Object.values(jobs).filter((job) =>
      purgeSteps(job).some((s) => s.with?.purge_everything !== undefined)
    )
    expect(everything).toHaveLength(1)
    expect(everything[0]?.environment).toBe('purge-everything')
    expect(everything[0]?.if).toBe("inputs.type == 'everything'")
    const others = Object.values(jobs).filter((job) => !everything.includes(job))
    for (const job of others) expect(job.if).toBe("inputs.type != 'everything'")
  })
})

describe('failed_items_file outlives the job', () => {
  test('an example uploads it with actions/upload-artifact under if: failure()', () => {
    const uploads = examples.flatMap((file) =>
      Object.values(load(file).jobs).flatMap((job) => {
        const purgeId = purgeSteps(job).find((s) => s.id)?.id
        return job.steps
          .filter((s) => s.uses?.startsWith('actions/upload-artifact@'))
          .map((s) => ({ file, purgeId, if: s.if, path: s.with?.path }))
      })
    )
    expect(uploads).toEqual([
      expect.objectContaining({
        if: expect.stringMatching(/^failure\(\)/),
        path: expect.stringMatching(/steps\.(\w+)\.outputs\.failed_items_file/)
      })
    ])
    const [upload] = uploads
    expect(upload?.path).toBe(`\${{ steps.${upload?.purgeId}.outputs.failed_items_file }}`)
  })
})

describe("purge-url-list.yml's list of URLs, run in a repository", () => {
  const job = load('examples/purge-url-list.yml').jobs.deploy as Job
  const list = job.steps.find((s) => s.id === 'list') as Step
  const purge = job.steps.find((s) => s.id === 'purge') as Step

  test('compares the commit before the push with the pushed one, and purges only a list that has lines', () => {
    expect(list.env).toEqual({ BEFORE: '${{ github.event.before }}', AFTER: '${{ github.sha }}' })
    expect(purge.if).toBe("steps.list.outputs.count != '0'")
    expect(purge.with?.files_from).toBe('purge-urls.txt')
  })

  /** A repository with these commits (path → content, or null to delete), and the step run on a range. */
  function runList(
    commits: Array<Record<string, string | null>>,
    range: (shas: string[]) => [string, string]
  ) {
    const dir = mkdtempSync(join(tmpdir(), 'purge-url-list-'))
    try {
      const git = (...args: string[]): string =>
        execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
          cwd: dir,
          encoding: 'utf8'
        }).trim()
      git('init', '-q')
      const shas: string[] = []
      for (const files of commits) {
        for (const [path, content] of Object.entries(files)) {
          if (content === null) git('rm', '-q', path)
          else {
            mkdirSync(join(dir, path, '..'), { recursive: true })
            writeFileSync(join(dir, path), content)
            git('add', path)
          }
        }
        git('commit', '-q', '--allow-empty', '-m', 'c')
        shas.push(git('rev-parse', 'HEAD'))
      }
      const [before, after] = range(shas)
      const output = join(dir, '.output')
      writeFileSync(output, '')
      const result = spawnSync('bash', ['-e', '-c', list.run ?? ''], {
        cwd: dir,
        encoding: 'utf8',
        env: { PATH: process.env.PATH, BEFORE: before, AFTER: after, GITHUB_OUTPUT: output }
      })
      const read = (name: string): string => readFileSync(join(dir, name), 'utf8')
      return {
        status: result.status,
        stdout: result.stdout,
        urls: result.status === 0 ? read('purge-urls.txt').split('\n').filter(Boolean).sort() : [],
        outputs: read('.output')
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }

  test('lists every file the push changed under public/, over all its commits: added, changed, deleted, renamed', () => {
    const run = runList(
      [
        { 'public/old.css': 'a', 'public/gone.js': 'a', 'src/app.ts': 'a' },
        { 'public/index.html': 'b', 'src/app.ts': 'b' },
        { 'public/gone.js': null },
        { 'public/old.css': null, 'public/new.css': 'a' }
      ],
      (shas) => [shas[0] as string, shas[3] as string]
    )
    expect(run.status).toBe(0)
    expect(run.urls).toEqual([
      'https://example.com/gone.js',
      'https://example.com/index.html',
      'https://example.com/new.css',
      'https://example.com/old.css'
    ])
    expect(run.outputs).toBe('count=4\n')
  })

  test('a push that changed nothing under public/ gives an empty list, and the purge step is skipped', () => {
    const run = runList([{ 'public/a.css': 'a' }, { 'src/app.ts': 'b' }], (shas) => [
      shas[0] as string,
      shas[1] as string
    ])
    expect([run.status, run.urls, run.outputs]).toEqual([0, [], 'count=0\n'])
  })

  test("a branch's first push (before is all zeros) compares the pushed commit with its parent", () => {
    const run = runList([{ 'public/a.css': 'a' }, { 'public/b.css': 'b' }], (shas) => [
      '0'.repeat(40),
      shas[1] as string
    ])
    expect([run.status, run.urls]).toEqual([0, ['https://example.com/b.css']])
  })

  test('public/ not committed (build output): stops with an error instead of purging nothing', () => {
    const run = runList([{ 'src/app.ts': 'a' }, { 'src/app.ts': 'b' }], (shas) => [
      shas[0] as string,
      shas[1] as string
    ])
    expect(run.status).toBe(1)
    expect(run.stdout).toMatch(/^::error title=No list of changed files::public\/ is not in the repository/m)
  })
})
