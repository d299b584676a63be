// One Node.js story: the action runs on the version in action.yml; the command line runs from package.json's
// `engines` (an older maintained line too), as the lockfile and the docs say. CI runs every test once on the
// action's version, and the command line's end-to-end tests again on the oldest that engines allows.
import { describe, expect, test } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { referenceFiles } from '../scripts/action-majors.js'
import { ROOT } from '../scripts/workflow-lint.js'

const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8')

const runtime = Number(/^node(\d+)$/.exec(parse(read('action.yml')).runs.using)?.[1])
const engines: string = JSON.parse(read('package.json')).engines?.node ?? ''
const oldest = Number(/^>=(\d+)$/.exec(engines)?.[1])

interface Step {
  uses?: string
  run?: string
  with?: Record<string, unknown>
}
const ci = parse(read('.github/workflows/ci.yml')) as {
  jobs: Record<string, { steps?: Step[]; strategy?: { matrix?: { node?: unknown[] } } }>
}

describe('Node.js versions', () => {
  test('action.yml names a Node.js runtime and engines is ">=N"', () => {
    expect(runtime).toBeGreaterThan(0)
    expect(engines).toMatch(/^>=\d+$/)
  })

  test('engines starts at or below the version the action runs on, in package.json and the lockfile alike', () => {
    expect(oldest).toBeLessThanOrEqual(runtime)
    expect(JSON.parse(read('package-lock.json')).packages[''].engines).toEqual({ node: engines })
  })

  test("the README (and docs/) promise the command line from engines, and development from the action's version", () => {
    const promises = referenceFiles()
      .filter((file) => file.endsWith('.md'))
      .flatMap((file) => [...read(file).matchAll(/Node\.js (\d+) or newer/g)].map((m) => `${file}: ${m[1]}`))
    expect(promises.length).toBeGreaterThan(0)
    for (const promise of promises) expect(promise).toMatch(new RegExp(`: (${oldest}|${runtime})$`))
    expect(read('docs/cli.md')).toContain(`Node.js ${oldest} or newer`)
  })

  const setupNode = (job: string): unknown =>
    (ci.jobs[job]?.steps ?? []).find((step) => step.uses?.startsWith('actions/setup-node@'))?.with?.[
      'node-version'
    ]
  const runs = (job: string): string[] => (ci.jobs[job]?.steps ?? []).map((step) => step.run ?? '')

  test("CI runs every test once, on the action's version, as .ci/run does", () => {
    expect(ci.jobs.test?.strategy).toBeUndefined()
    expect(setupNode('test')).toBe(runtime)
    expect(runs('test')).toContain('npm test')
    expect(read('.ci/run')).toMatch(new RegExp(`^on_node ${runtime} npm test$`, 'm'))
  })

  test("the command line's end-to-end tests run once more, on engines' oldest Node.js, in CI and .ci/run", () => {
    const cliNode = Number(/^on_node (\d+) npm test -- e2e\/cli e2e\/install$/m.exec(read('.ci/run'))?.[1])
    expect(cliNode).toBe(oldest)
    expect(setupNode('cli')).toBe(oldest)
    expect(runs('cli')).toContain('npm test -- e2e/cli e2e/install')
  })

  test('every job that sets up a fixed Node.js sets up one engines allows', () => {
    const fixed = Object.values(ci.jobs)
      .flatMap((job) => job.steps ?? [])
      .filter((step) => step.uses?.startsWith('actions/setup-node@'))
      .map((step) => step.with?.['node-version'])
      .filter((version): version is number => typeof version === 'number')
    expect(fixed.length).toBeGreaterThan(0)
    for (const version of fixed) expect(version).toBeGreaterThanOrEqual(oldest)
  })
})
