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

/** One item of the failed_items output, its group's zone, type and reason beside it. */
export interface FailedEntry {
  zone: string
  type: string
  item: string
  reason: string
}

/** Groups of items under their reason (failed_items and its file), one entry per item, in order. */
function ungrouped(json: string | undefined): FailedEntry[] {
  const groups = JSON.parse(json ?? '[]') as Array<Omit<FailedEntry, 'item'> & { items: string[] }>
  return groups.flatMap(({ zone, type, reason, items }) =>
    items.map((item) => ({ zone, type, item, reason }))
  )
}

/** The failed_items output ungrouped: one entry per item it lists, in order. */
export function failedEntries(result: ActionRun): FailedEntry[] {
  return ungrouped(result.outputs.failed_items)
}

/** Every item not purged, from failed_items_file (failed_items holds what fits in GitHub's output limit). */
export function failedFileEntries(result: ActionRun): FailedEntry[] {
  return ungrouped(result.outputFiles.failed_items_file)
}

/** The items of the failed_items output, in order. */
export function failedItemsOf(result: ActionRun): string[] {
  return failedEntries(result).map((f) => f.item)
}

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
