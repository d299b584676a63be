// End to end: every scenario in e2e/scenarios.ts, run with the runner's debug logging on, and nothing it
// writes anywhere (log, annotations, outputs, summary, stderr) contains a token, a key or an email.
import { describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { catalogue, type DiagnosisId } from '../src/diagnosis/catalogue.js'
import { secretForms } from '../src/report/redactor.js'
import { scenarios as DIAGNOSIS_SCENARIOS, TESTED_ELSEWHERE } from './diagnosis-scenarios.js'
import { ALL_SCENARIOS, FIXTURE_SECRETS, runAll, runScenario, type Scenario } from './scenarios.js'

const DEBUG = { ACTIONS_STEP_DEBUG: 'true', RUNNER_DEBUG: '1' }
const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'src')

/** Every credential the scenario passes, in every form the action promises to mask, plus the fixture's. */
function secretsOf(scenario: Scenario): string[] {
  const given = ['api_token', 'global_key', 'email']
    .map((name) => scenario.inputs[name] ?? '')
    .filter((v) => v.trim() !== '')
  return [...new Set([...FIXTURE_SECRETS, ...given.flatMap(secretForms)])]
}

/** The catalogue entries that the source code can raise. */
function raisedDiagnoses(): DiagnosisId[] {
  const ids = new Set<string>()
  for (const file of readdirSync(SRC, { recursive: true }) as string[]) {
    if (!file.endsWith('.ts')) continue
    for (const match of readFileSync(join(SRC, file), 'utf8').matchAll(/diagnose\(\s*'([a-z-]+)'/g))
      ids.add(match[1] as string)
  }
  return [...ids].filter((id): id is DiagnosisId => id in catalogue).sort()
}

describe('secrets never leak', () => {
  it('the scenarios cover every diagnosis the code can raise', () => {
    // Diagnosis scenarios (e2e/diagnosis-scenarios.ts) run with debug logging on and scan for secrets
    // themselves; the few provoked in other end-to-end files scan their runs there.
    const covered = new Set<string>([
      ...ALL_SCENARIOS.flatMap((s) => s.expects),
      ...DIAGNOSIS_SCENARIOS.map((s) => s.id),
      ...Object.keys(TESTED_ELSEWHERE)
    ])
    const missing = raisedDiagnoses().filter((id) => !covered.has(id))
    // A new diagnosis needs a scenario, so that its messages are scanned too.
    expect(missing).toEqual([])
  })

  it('in any scenario, with ACTIONS_STEP_DEBUG and RUNNER_DEBUG on', async () => {
    const problems: string[] = []
    let debugLines = 0
    await runAll(ALL_SCENARIOS, 4, async (scenario) => {
      const { run, requests } = await runScenario(scenario, DEBUG)
      const where = (text: string): string => `${scenario.name}: ${text}`
      for (const secret of secretsOf(scenario)) {
        if (run.everything.includes(secret)) {
          const line = run.everything.split('\n').find((l) => l.includes(secret)) ?? ''
          problems.push(where(`secret ${secret.slice(0, 6)}… appears in: ${line.slice(0, 200)}`))
        }
      }
      if (run.stderr !== '') problems.push(where(`stderr: ${run.stderr.slice(0, 300)}`))
      if (run.exitCode !== scenario.exitCode) problems.push(where(`exit code ${run.exitCode}`))
      for (const id of scenario.expects) {
        const { title, severity } = catalogue[id]
        if (!run.annotations.some((a) => a.title === title && a.level === severity))
          problems.push(
            where(`no ${severity} "${title}" among ${JSON.stringify(run.annotations.map((a) => a.title))}`)
          )
      }
      // The debug log really was on: every run that reached the API wrote debug lines.
      if (requests.length > 0) {
        const lines = run.stdout.split('\n').filter((l) => l.startsWith('::debug::')).length
        if (lines === 0) problems.push(where('no ::debug:: line although requests were made'))
        debugLines += lines
      }
    })
    expect(problems).toEqual([])
    expect(debugLines).toBeGreaterThan(0)
  }, 240_000)
})
