// End to end: every scenario of e2e/scenarios.ts, run once against the emulator with the runner's debug
// logging on. Each run is checked for what its scenario declares (annotations and their key words, exit
// code, how far it got, what was and was not purged) and for what every run promises: no secret in
// anything it wrote (log, annotations, outputs, summary, stderr), no stack trace, an empty stderr, at
// most 10 annotations of a level, and a job summary that keeps its rules.
import { describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { catalogue, type DiagnosisId } from '../src/diagnosis/catalogue.js'
import {
  describePurged,
  exitCodeOf,
  runScenario,
  SCENARIOS,
  secretsOf,
  TESTED_ELSEWHERE
} from './scenarios.js'
import { failedItemsOf } from './expectations.js'
import type { ActionRun } from './run-action.js'
import { readSummary, sanitizerChanges, SUMMARY_LIMIT_BYTES, summaryProblems } from './summary-dom.js'

const DEBUG = { ACTIONS_STEP_DEBUG: 'true', RUNNER_DEBUG: '1' }
const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'src')

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

const sorted = (items: string[]): string[] => [...items].sort()

/** The mark of a step that passed: 📋 for a dry run, ⚠️ when it warned, ✅ otherwise. */
function markOf(run: ActionRun): string {
  if (readSummary(run.summary).title.endsWith('(dry run)')) return '📋'
  return run.warnings.length > 0 ? '⚠️' : '✅'
}

describe('the scenarios cover', () => {
  it('every diagnosis in the catalogue, with the key words of its message', () => {
    const covered = new Set(
      SCENARIOS.flatMap((s) =>
        Object.entries(s.expects)
          .filter(([, words]) => words.length > 0)
          .map(([id]) => id)
      )
    )
    expect(Object.keys(catalogue).filter((id) => !covered.has(id) && !(id in TESTED_ELSEWHERE))).toEqual([])
  })

  it.each(Object.entries(TESTED_ELSEWHERE))('%s, provoked end to end in %s', (id, file) => {
    // Those files run the action against the emulator too and assert the annotation by its title.
    const text = readFileSync(new URL(file, import.meta.url), 'utf8')
    expect(text).toContain(catalogue[id as DiagnosisId].title)
  })

  it('every diagnosis the code can raise, so that its messages are scanned for secrets', () => {
    const covered = new Set<string>([
      ...SCENARIOS.flatMap((s) => Object.keys(s.expects)),
      ...Object.keys(TESTED_ELSEWHERE)
    ])
    expect(raisedDiagnoses().filter((id) => !covered.has(id))).toEqual([])
  })

  it('each under a name of its own', () => {
    const names = SCENARIOS.map((s) => s.name)
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([])
  })
})

describe('every scenario, with ACTIONS_STEP_DEBUG and RUNNER_DEBUG on', () => {
  it.concurrent.each(SCENARIOS.map((s) => [s.name, s] as const))(
    '%s',
    async (_name, scenario) => {
      const { run, cf, elapsedMs } = await runScenario(scenario, DEBUG)

      // What the scenario declares.
      expect(run.exitCode).toBe(exitCodeOf(scenario))
      if (exitCodeOf(scenario) === 0) expect(run.errors).toEqual([])
      const seen = run.annotations.map((a) => `${a.level}: ${a.title}`)
      for (const [id, words] of Object.entries(scenario.expects)) {
        const { title, severity } = catalogue[id as DiagnosisId]
        expect(seen).toContain(`${severity}: ${title}`)
        const message = run.annotations
          .filter((a) => a.title === title && a.level === severity)
          .map((a) => a.message)
          .join('\n')
        for (const word of words) expect(message).toMatch(word)
      }
      if (scenario.message) expect(run.errors[0]?.message).toMatch(scenario.message)

      // Invalidations and environment purges are purge requests too (src/purge/target.ts).
      const purges = cf.requests.filter((r) => /\/(purge|invalidate)_cache$/.test(r.path))
      if (scenario.reached === 'nothing') expect(cf.requests).toEqual([])
      if (scenario.reached === 'no-purge') {
        expect(cf.requests.length).toBeGreaterThan(0)
        expect(purges).toEqual([])
      }
      if (scenario.reached === 'purge') expect(purges.length).toBeGreaterThan(0)

      // Exactly what Cloudflare purged, and exactly what the outputs report.
      if (scenario.purged) {
        expect(sorted(cf.purgedItems().map(describePurged))).toEqual(sorted(scenario.purged))
        expect(run.outputs.purged_count).toBe(String(scenario.purged.length))
      }
      if (scenario.failed) {
        expect(sorted(failedItemsOf(run))).toEqual(sorted(scenario.failed))
        expect(run.outputs.failed_count).toBe(String(scenario.failed.length))
        // The summary's status line says what was left unpurged, or that nothing was purged (or invalidated).
        if (scenario.failed.length > 0)
          expect(readSummary(run.summary).status.headline).toMatch(
            /were not\.$|was not\.$|^Nothing was (purged|invalidated)/
          )
      }
      // Whatever the run, it writes a summary that keeps the rules: a title, a status line whose mark agrees
      // with the exit code, only HTML that GitHub's sanitizer keeps, under 1 MiB, no blank line, Cloudflare's
      // words escaped.
      // (But where the runner gives no file to write it to: then an annotation says so.)
      if (!scenario.env?.GITHUB_STEP_SUMMARY) {
        expect(summaryProblems(run.summary)).toEqual([])
        expect(sanitizerChanges(run.summary)).toEqual([])
        expect(Buffer.byteLength(run.summary)).toBeLessThan(SUMMARY_LIMIT_BYTES)
        expect(readSummary(run.summary).status.mark).toBe(run.exitCode === 1 ? '❌' : markOf(run))
      }
      // Within GitHub's limits: at most 10 annotations of a level.
      for (const level of [run.errors, run.warnings, run.notices])
        expect(level.length).toBeLessThanOrEqual(10)
      // The run ends within the time allowed (300 s unless a valid `timeout` says otherwise), plus the
      // start of a Node process.
      const allowed = Number(scenario.inputs.timeout) || 300
      expect(elapsedMs).toBeLessThan(allowed * 1000 + 5000)

      // What every run promises.
      const leaks = secretsOf(scenario)
        .filter((secret) => run.everything.includes(secret))
        .map((secret) => {
          const line = run.everything.split('\n').find((l) => l.includes(secret)) ?? ''
          return `secret ${secret.slice(0, 6)}… appears in: ${line.slice(0, 200)}`
        })
      expect(leaks).toEqual([])
      expect(run.stderr).toBe('')
      // No stack trace where the user looks; it goes to the debug log only (hidden unless enabled).
      expect(run.everything).not.toMatch(/\n\s+at /)
      const visible = run.stdout.split('\n').filter((line) => !line.startsWith('::debug::'))
      expect(visible.filter((line) => /^\s*at .+:\d+:\d+\)?$/.test(line))).toEqual([])
      for (const a of run.annotations) expect(a.message).not.toMatch(/\sat .+:\d+:\d+/)
      // The debug log really was on: a run that reached the API wrote debug lines.
      if (cf.requests.length > 0) expect(run.stdout).toMatch(/^::debug::/m)

      scenario.then?.(run, cf)
    },
    60_000
  )
})
