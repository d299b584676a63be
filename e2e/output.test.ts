// End to end: what a run shows stays within GitHub's limits, says what happened, and obeys no text from
// outside. Thousands of input errors and hundreds of refused items make at most 10 annotations of a level
// and a summary under 1 MiB; an empty list still gets a summary; and a Cloudflare message, a zone name
// and an environment name that carry line breaks, workflow commands and escape sequences are shown as
// text by the action (no command reaches the runner) and by the command line (no control reaches the
// terminal).
import { beforeEach, describe, expect, it } from '@jest/globals'
import { fixture } from '../emulator/fixtures.js'
import { catalogue } from '../src/diagnosis/catalogue.js'
import type { EmulatorZone } from '../emulator/index.js'
import { envelopeError, useEmulator } from './emulator-setup.js'
import { expectNoInjectedCommand, HOSTILE } from './expectations.js'
import { runAction, type ActionRun } from './run-action.js'
import { terminalSafe } from '../src/report/safe-text.js'
import { runCli, type CliRun } from './run-cli.js'
import { readSummary, sanitizerChanges, SUMMARY_LIMIT_BYTES, summaryProblems } from './summary-dom.js'

const { zones, tokens, accountId } = fixture

/** A zone whose name, as Cloudflare answers it, carries the hostile text. */
const EVIL: EmulatorZone = {
  id: 'f00d00000000000000000000000000e1',
  name: `evil.example${HOSTILE}`,
  plan: 'enterprise',
  accountId,
  environments: [{ name: `Staging${HOSTILE}`, ref: 'e0e000000000000000000000000000e1' }]
}

const emulator = useEmulator({ zones: [...Object.values(zones), EVIL], rateLimits: false })
beforeEach(() => emulator.clearFaults())

const run = (inputs: Record<string, string>, files?: Record<string, string>): Promise<ActionRun> =>
  runAction(
    { api_url: emulator.url, api_token: tokens.user.value, ...inputs },
    files ? { workspaceFiles: files } : {}
  )

/** The summary every run writes: GitHub keeps all of it, and all of it fits. */
function expectGoodSummary(result: ActionRun): void {
  expect(summaryProblems(result.summary)).toEqual([])
  expect(sanitizerChanges(result.summary)).toEqual([])
  expect(Buffer.byteLength(result.summary)).toBeLessThan(SUMMARY_LIMIT_BYTES)
}

/** At most 10 annotations of each level: GitHub drops the rest without a word. */
function expectWithinLimits(result: ActionRun): void {
  for (const level of [result.errors, result.warnings, result.notices])
    expect(level.length).toBeLessThanOrEqual(10)
}

describe('thousands of findings', () => {
  it('5000 paths without https:// in `files` make one error annotation that counts them, and a summary under 1 MiB', async () => {
    const n = 5_000
    const paths = Array.from({ length: n }, (_, i) => `static/app-${i}.js`)
    const result = await run({ zone: zones.free.id, files: paths.join('\n') })
    expect(result.exitCode).toBe(1)
    expect(emulator.requests).toEqual([])
    expectWithinLimits(result)
    expect(result.errors).toHaveLength(1)
    const [first, ...examples] = result.errors[0]!.message.split('\n')
    expect(first).toBe('5,000 times; the first 3:')
    expect(examples[0]).toMatch(/^- "static\/app-0\.js" is not a full URL/)
    expect(examples.at(-1)).toBe('… and 4,997 more, each one is in the log above.')
    // Every one is in the log.
    expect(result.stdout.match(/^error: Invalid input: files: "static\/app-\d+\.js" is not/gm)).toHaveLength(
      n
    )
    expectGoodSummary(result)
    const view = readSummary(result.summary)
    expect(view.status).toMatchObject({
      mark: '❌',
      headline: 'Nothing was purged: Invalid input: files (5,000 times).'
    })
    expect(view.status.text).toMatch(
      /^The first: "static\/app-0\.js" is not a full URL\..* No purge request was sent\. Each one is in the log\.$/
    )
  }, 60_000)

  it.each([5_000, 20_000])(
    '%i paths without https:// in `files_from` make one error that names line numbers only, and a summary under 1 MiB',
    async (n) => {
      const paths = Array.from({ length: n }, (_, i) => `static/app-${i}.js`)
      const result = await run(
        { zone: zones.free.id, files_from: 'paths.txt' },
        { 'paths.txt': paths.join('\n') }
      )
      expect(result.exitCode).toBe(1)
      expect(emulator.requests).toEqual([])
      expectWithinLimits(result)
      expect(result.errors.map((e) => e.title)).toEqual([catalogue['files-not-urls'].title])
      const message = result.errors[0]!.message
      expect(message).toContain(`has ${n.toLocaleString('en-US')} lines that are not a full URL`)
      expect(message).toContain(`and ${(n - 10).toLocaleString('en-US')} more`)
      // The file's lines are never echoed: only a short start of the first.
      expect(result.stdout).not.toContain('static/app-1')
      expectGoodSummary(result)
      expect(readSummary(result.summary).status.mark).toBe('❌')
    },
    60_000
  )

  it('300 items that Cloudflare refuses make at most 10 annotations of a level, and a summary under 1 MiB', async () => {
    const urls = Array.from({ length: 300 }, (_, i) => `https://example.com/refused/${i}`)
    const refuseItems = urls.map((item, i) => ({ item, message: `Refused ${item} for reason ${i}.` }))
    const { startEmulator } = await import('../emulator/index.js')
    const { fixtureOptions } = await import('../emulator/fixtures.js')
    const refusing = await startEmulator(fixtureOptions({ refuseItems, rateLimits: false }))
    try {
      const result = await runAction(
        { api_url: refusing.url, api_token: tokens.user.value, zone: zones.free.id, files_from: 'urls.txt' },
        { workspaceFiles: { 'urls.txt': urls.join('\n') } }
      )
      expect(result.exitCode).toBe(1)
      expectWithinLimits(result)
      expect(result.outputs.failed_count).toBe('300')
      expectGoodSummary(result)
      expect(readSummary(result.summary).status.mark).toBe('❌')
    } finally {
      await refusing.close()
    }
  }, 60_000)
})

describe('a summary on every run', () => {
  it('an empty files_from: nothing to purge, said in the summary, with what to do', async () => {
    const result = await run({ zone: zones.free.id, files_from: 'empty.txt' }, { 'empty.txt': '' })
    expect(result.exitCode).toBe(0)
    expectGoodSummary(result)
    const view = readSummary(result.summary)
    expect(view.status).toMatchObject({ mark: '✅', headline: 'Nothing to purge.' })
    expect(view.status.text).toMatch(/hold no item .*check that step produced it/)
  })
})

/** The terminal gets no control character but line breaks: the hostile text is shown escaped. */
function expectNoControls(result: CliRun): void {
  const text = result.stderr.replace(/\n/g, '')
  expect(terminalSafe(text)).toBe(text)
  expect(result.stderr).toContain('\\x1b[31mred\\x1b[0m')
}

const cli = (args: string[]): Promise<CliRun> =>
  runCli(['--api-url', emulator.url, ...args], { env: { CLOUDFLARE_API_TOKEN: tokens.user.value } })

describe('text from Cloudflare is shown, never obeyed', () => {
  it('a Cloudflare message: in the retry line, the annotation and the summary', async () => {
    emulator.addFault({
      method: 'POST',
      path: `/zones/${zones.free.id}/purge_cache`,
      bodyContains: '"tags"',
      times: 1,
      action: envelopeError(503, [{ code: 10000, message: `Busy${HOSTILE}` }])
    })
    emulator.addFault({
      method: 'POST',
      path: `/zones/${zones.free.id}/purge_cache`,
      bodyContains: '"files"',
      action: envelopeError(400, [{ code: 1016, message: `Refused${HOSTILE}` }])
    })
    const inputs = { zone: zones.free.id, files: 'https://example.com/a', tags: 'release' }
    const result = await run(inputs)
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toMatch(
      /^Retrying .*Busy \\r\\n\\?::error title=Injected::obeyed\\n::add-mask::example/m
    )
    expectNoInjectedCommand(result)
    expectGoodSummary(result)
    const { text } = readSummary(result.summary)
    expect(terminalSafe(text.replace(/\n/g, ''))).toBe(text.replace(/\n/g, ''))

    const shown = await cli([
      '--zone',
      zones.free.id,
      '--files',
      'https://example.com/a',
      '--tags',
      'release'
    ])
    expect(shown.exitCode).toBe(1)
    expectNoControls(shown)
  }, 60_000)

  it('a zone name: in the log, the warnings and the summary', async () => {
    // A host outside the zone is sent with a warning that names the zone.
    const result = await run({ zone: EVIL.id, hosts: 'other.example' })
    expect(result.exitCode).toBe(0)
    // (Hostnames are compared in lower case.)
    expect(result.stdout.toLowerCase()).toContain('(evil.example \\r\\n::error title=injected::obeyed')
    expectNoInjectedCommand(result)
    expectGoodSummary(result)

    const shown = await cli(['--zone', EVIL.id, '--hosts', 'other.example'])
    expect(shown.exitCode).toBe(0)
    expectNoControls(shown)
  }, 60_000)

  it('an environment name: in the error that lists the environments there are', async () => {
    const result = await run({ zone: EVIL.id, hosts: 'evil.example', environment: 'Production' })
    expect(result.exitCode).toBe(1)
    expect(result.errors.map((e) => e.message).join('\n')).toContain('Staging \\r\\n::error title=Injected')
    expectNoInjectedCommand(result)
    expectGoodSummary(result)

    const shown = await cli(['--zone', EVIL.id, '--hosts', 'evil.example', '--environment', 'Production'])
    expect(shown.exitCode).toBe(1)
    expectNoControls(shown)
  }, 60_000)
})
