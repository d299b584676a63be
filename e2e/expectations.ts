// Checks every end-to-end run shares: nothing secret anywhere the user can read, nothing on stderr,
// no stack trace, and for a success, no error and exit code 0.
import { expect } from '@jest/globals'
import { fixture } from '../emulator/fixtures.js'
import type { ActionRun } from './run-action.js'

/** Every credential of the fixture world. */
export const FIXTURE_CREDENTIALS = [
  ...Object.values(fixture.tokens).map((t) => t.value),
  fixture.globalKey.key
]

export function expectNoSecrets(result: ActionRun, extraSecrets: string[] = []): void {
  for (const secret of [...FIXTURE_CREDENTIALS, ...extraSecrets])
    expect(result.everything).not.toContain(secret)
  expect(result.stderr).toBe('')
  expect(result.everything).not.toMatch(/\n\s+at .+:\d+:\d+/) // no stack trace
}

export function expectSucceeded(result: ActionRun, extraSecrets: string[] = []): void {
  expect(result.errors).toEqual([])
  expect(result.exitCode).toBe(0)
  expectNoSecrets(result, extraSecrets)
}
