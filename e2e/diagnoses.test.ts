// End to end: every entry of the diagnosis catalogue, provoked against the emulator and read back
// from the annotations the way a user sees them. Each scenario checks the title and severity, the key
// words of the message, how far the run got (nothing sent, no purge, or purge), and that no secret leaks.
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { catalogue, type DiagnosisId } from '../src/diagnosis/catalogue.js'
import { play, scenarios, secretsOf, TESTED_ELSEWHERE } from './diagnosis-scenarios.js'

describe('every diagnosis in the catalogue', () => {
  it('has at least one scenario', () => {
    const covered = new Set(scenarios.map((s) => s.id))
    expect(
      Object.keys(catalogue).filter((id) => !covered.has(id as DiagnosisId) && !(id in TESTED_ELSEWHERE))
    ).toEqual([])
  })

  it.each(Object.entries(TESTED_ELSEWHERE))('%s is provoked end to end in %s', (id, file) => {
    // Those files run the action against the emulator too and assert the annotation by its title.
    const text = readFileSync(new URL(file, import.meta.url), 'utf8')
    expect(text).toContain(catalogue[id as DiagnosisId].title)
  })

  it.concurrent.each(scenarios.map((s) => [`${s.id}: ${s.name}`, s] as const))(
    '%s',
    async (_label, scenario) => {
      const entry = catalogue[scenario.id]
      const { run, cf } = await play(scenario)

      const matching = run.annotations.filter((a) => a.title === entry.title && a.level === entry.severity)
      expect(matching.length).toBeGreaterThan(0)
      const message = matching.map((a) => a.message).join('\n')
      for (const words of scenario.says) expect(message).toMatch(words)

      expect(run.exitCode).toBe(scenario.exitCode ?? (entry.severity === 'error' ? 1 : 0))
      if (entry.severity !== 'error' && scenario.exitCode === undefined) expect(run.errors).toEqual([])

      // Invalidations and environment purges are purge requests too (src/purge/target.ts).
      const purges = cf.requests.filter((r) => /\/(purge|invalidate)_cache$/.test(r.path))
      if (scenario.reached === 'nothing') expect(cf.requests).toEqual([])
      if (scenario.reached === 'no-purge') {
        expect(cf.requests.length).toBeGreaterThan(0)
        expect(purges).toEqual([])
      }
      if (scenario.reached === 'purge') expect(purges.length).toBeGreaterThan(0)

      for (const secret of secretsOf(scenario.inputs)) expect(run.everything).not.toContain(secret)
      expect(run.stderr).toBe('')
      // No stack trace where the user looks; it goes to the debug log only (hidden unless enabled).
      const visible = run.stdout.split('\n').filter((line) => !line.startsWith('::debug::'))
      expect(visible.filter((line) => /^\s*at .+:\d+:\d+\)?$/.test(line))).toEqual([])
      for (const a of run.annotations) expect(a.message).not.toMatch(/\sat .+:\d+:\d+/)
      scenario.then?.(run, cf)
    }
  )
})
