// Checks every end-to-end run shares: nothing secret anywhere the user can read, nothing on stderr,
// no stack trace, and for a success, no error and exit code 0; and that text from outside starts no
// workflow command.
import { expect } from '@jest/globals'
import { fixture } from '../emulator/fixtures.js'
import { terminalSafe } from '../src/report/safe-text.js'
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

/** Text that would start workflow commands in the Actions log, and redraw or retitle a terminal. */
export const HOSTILE =
  ' \r\n::error title=Injected::obeyed\n::add-mask::example\r::stop-commands::halt\u2028' +
  '::warning::x\n::error::bare \x1b[31mred\x1b[0m \x1b]0;owned\x07 \x9b2J end'

/** No line of the log starts a workflow command the action did not write itself. */
export function expectNoInjectedCommand(result: ActionRun, secrets: string[] = FIXTURE_CREDENTIALS): void {
  // The action's own add-mask for a secret it was given comes first; no other may come.
  const lines = result.stdout
    .split(/\r\n|[\n\r]/)
    .filter((l) => !/^::add-mask::/.test(l) || !secrets.includes(l.slice('::add-mask::'.length)))
  const commands = lines.filter((l) => /^\s*(::|##\[)/.test(l)).map((l) => /^\s*::([a-z-]+)/.exec(l)?.[1])
  expect(new Set(commands)).toEqual(
    new Set(
      commands.filter((c) => ['debug', 'group', 'endgroup', 'error', 'warning', 'notice'].includes(c ?? ''))
    )
  )
  expect(lines.filter((l) => /^\s*::(add-mask|stop-commands)/.test(l))).toEqual([])
  expect(result.annotations.map((a) => a.title)).not.toContain('Injected')
  // No raw escape character, nor any other control but the line break, in the log.
  const text = result.stdout.replace(/\n/g, '')
  expect(terminalSafe(text)).toBe(text)
}
