// End to end: the bundled command line (dist/cli/index.js) against the emulator. What Cloudflare
// received, the exit code, standard output (JSON) and standard error (for people); every diagnosis
// the command line can reach, explained as the action explains it; no secret printed anywhere.
import { beforeEach, describe, expect, it } from '@jest/globals'
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fixture } from '../emulator/fixtures.js'
import { catalogue, type DiagnosisId } from '../src/diagnosis/catalogue.js'
import { secretForms } from '../src/report/redactor.js'
import { commandLineDoor } from '../src/cli/door.js'
import { FLAGS } from '../src/cli/flags.js'
import { envelopeError, useEmulator } from './emulator-setup.js'
import { runAction, type Annotation } from './run-action.js'
import { CLI, commandLineFor, runCli, type CliRun } from './run-cli.js'
import {
  describePurged,
  exitCodeOf,
  FIXTURE_SECRETS,
  SCENARIOS,
  secretsOf,
  withScenarioWorld,
  type Scenario
} from './scenarios.js'

const { zones, tokens, globalKey, accountId } = fixture
const TOKEN = { CLOUDFLARE_API_TOKEN: tokens.user.value }
const VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version

const emulator = useEmulator()
beforeEach(() => emulator.clearFaults())

/** The command against the shared emulator, with the user token from the environment unless `env` says otherwise. */
function cli(args: string[], options: Parameters<typeof runCli>[1] = {}): Promise<CliRun> {
  return runCli(['--api-url', emulator.url, ...args], { ...options, env: options.env ?? TOKEN })
}

const posts = (): string[] => emulator.requests.filter((r) => r.method === 'POST').map((r) => r.path)

/** Nothing secret printed, no stack trace, no colour (standard error is not a terminal here). */
function expectClean(run: CliRun, secrets: string[] = []): void {
  for (const secret of [...FIXTURE_SECRETS, ...secrets]) expect(run.everything).not.toContain(secret)
  expect(run.everything).not.toMatch(/\n\s+at .+:\d+:\d+/)
  expect(run.everything).not.toContain('\x1b[')
}

/** The items of failed_items in the JSON result, out of their groups, in order. */
const itemsOf = (run: CliRun): string[] => (run.json?.failed_items ?? []).flatMap((g) => g.items)

/**
 * The action's words, which the command line never uses: an input in backquotes, a workflow's things.
 * (`timeout`, `api_url` and `prefixes` are left out: the client's and the URL checks' details still name them.)
 */
const ACTION_WORDS =
  /`(api_token|global_key|email|account_id|zone|files|files_from|tags|hosts|purge_everything|batch_size|mode|environment)\b|\bthe secret\b|workflow|\brunner|failed_items output|debug logging|The action/

/**
 * A scenario's expected words (the action's) as the command line says them: an input named by its option,
 * or by its variable for a credential (as commandLineFor gives them); none for a workflow's secrets.
 */
function inCommandLineWords(word: RegExp): RegExp | undefined {
  if (/secrets\\\.|workflow|GitHub-hosted|GITHUB_WORKSPACE|time allowed by/.test(word.source))
    return undefined
  const door = commandLineDoor({
    api_token: 'CLOUDFLARE_API_TOKEN',
    email: 'CLOUDFLARE_EMAIL',
    global_key: 'CLOUDFLARE_API_KEY'
  })
  const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')
  const source = word.source
    .replace(
      /`([a-z_]+): ([^`]+)`|\b(purge_everything): (true)\b/g,
      (_, a?: string, b?: string, c?: string) => escape(a && b ? door.set(a, b) : door.set(c ?? '', 'true'))
    )
    .replace(/`([a-z_]+)`|^files_from\b/g, (all: string, name?: string) => escape(door.input(name ?? all)))
    .replace(/the secret\b/g, door.secret)
    .replace(/runner/g, door.machine)
  return new RegExp(source, word.flags)
}

/** How standard error shows a finding: level and title on a line, then the message, word for word. */
const shown = (a: Pick<Annotation, 'level' | 'title' | 'message'>): string =>
  `${a.level}: ${a.title}\n  ${a.message}\n`

describe('purging from the command line', () => {
  it('purges URLs given after --files, with the token from CLOUDFLARE_API_TOKEN', async () => {
    const run = await cli([
      '--zone',
      'example.com',
      '--files',
      'https://example.com/a.css',
      'https://example.com/b.js'
    ])
    expect(run.exitCode).toBe(0)
    expect(emulator.purgedItems(zones.free.id)).toEqual([
      'https://example.com/a.css',
      'https://example.com/b.js'
    ])
    expect(emulator.purgeRequests()[0]?.headers.authorization).toBe(`Bearer ${tokens.user.value}`)
    expect(run.stdout).toBe('')
    // One line: what, where, how many requests, how long.
    expect(run.stderr).toMatch(/^Purged 2 URLs on example\.com: 1 purge request in \d+\.\d s\.\n$/)
    expectClean(run)
  })

  it('purges tags from a repeated --tags, each list separated by commas', async () => {
    const run = await cli(['--zone', zones.pro.id, '--tags', 'release-42,header', '--tags', 'footer'])
    expect(run.exitCode).toBe(0)
    expect(emulator.purgeRequests().map((r) => r.body)).toEqual([
      { tags: ['release-42', 'header', 'footer'] }
    ])
    expectClean(run)
  })

  it('reads URLs from standard input with --files-from -', async () => {
    const stdin = 'https://example.com/x\n\nhttps://example.com/y\n'
    const run = await cli(['--files-from', '-'], { stdin })
    expect(run.exitCode).toBe(0)
    // No --zone: found from the URLs' hostname.
    expect(emulator.purgedItems(zones.free.id)).toEqual(['https://example.com/x', 'https://example.com/y'])
    expectClean(run)
  })

  it('reads URLs from a file named by --files-from, relative to the current folder', async () => {
    const run = await cli(['--zone', 'example.com', '--files-from', 'urls.txt'], {
      files: { 'urls.txt': '["https://example.com/from-file"]' }
    })
    expect(run.exitCode).toBe(0)
    expect(emulator.purgedItems(zones.free.id)).toEqual(['https://example.com/from-file'])
  })

  it('--json prints one JSON object with the fields of the action outputs, and the same values', async () => {
    const inputs = { zone: 'example.com', files: 'https://example.com/a\nhttps://example.com/b', tags: 't1' }
    const action = await runAction({ api_url: emulator.url, api_token: tokens.user.value, ...inputs })
    const { args } = commandLineFor(inputs)
    const run = await cli([...args, '--json'])
    expect(run.exitCode).toBe(0)
    expect(run.stdout.trim().split('\n')).toHaveLength(1)
    const json = run.json!
    // Every output but failed_items_file, which holds the list when GitHub's output limit cuts it:
    // failed_items here is never cut.
    const outputs = Object.keys(action.outputs).filter((name) => name !== 'failed_items_file')
    expect(outputs.length).toBe(Object.keys(action.outputs).length - 1)
    for (const name of outputs) expect(json).toHaveProperty(name)
    expect(json).not.toHaveProperty('failed_items_file')
    expect(json.status).toBe('purged')
    expect(json.zone_id).toBe(action.outputs.zone_id)
    expect(String(json.purged_count)).toBe(action.outputs.purged_count)
    expect(String(json.failed_count)).toBe(action.outputs.failed_count)
    expect(json.failed_items).toEqual(JSON.parse(action.outputs.failed_items ?? ''))
    expect(json.verified).toEqual(JSON.parse(action.outputs.verified ?? ''))
    // Cloudflare gives every purge request a new ID; the rest of `zones` is the same.
    const withoutIds = (z: Array<{ purge_ids: string[] }>): unknown[] =>
      z.map((zone) => ({ ...zone, purge_ids: zone.purge_ids.length }))
    expect(withoutIds(json.zones)).toEqual(withoutIds(JSON.parse(action.outputs.zones ?? '')))
    expect(json.purge_ids.split(',')).toEqual(json.zones.flatMap((z) => z.purge_ids))
    expect(json.purge_ids).toMatch(/^[0-9a-f]{32},[0-9a-f]{32}$/)
    // The text for people is on standard error only.
    expect(run.stderr).toMatch(/^Purged 2 URLs and 1 tag on example\.com: 2 purge requests in \d+\.\d s\.\n$/)
    expectClean(run)
  })

  it('--dry-run verifies and plans but purges nothing, and exits 0', async () => {
    const run = await cli([
      '--zone',
      'example.com',
      '--files',
      'https://example.com/a',
      '--dry-run',
      '--json'
    ])
    expect(run.exitCode).toBe(0)
    expect(posts()).toEqual([])
    expect(emulator.requests.map((r) => r.path)).toContain('/user/tokens/verify')
    expect(run.json).toMatchObject({
      status: 'planned',
      purged_count: 0,
      failed_count: 0,
      zone_id: zones.free.id
    })
    expect(run.stderr).toMatch(
      /^Dry run: 1 URL on example\.com would take 1 purge request; nothing was sent \(\d+\.\d s\)\.\n$/
    )
    expectClean(run)
  })

  it('takes the email and Global API Key from CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY', async () => {
    const run = await cli(['--zone', 'example.com', '--hosts', 'www.example.com', '--json'], {
      env: { CLOUDFLARE_EMAIL: globalKey.email, CLOUDFLARE_API_KEY: globalKey.key }
    })
    expect(run.exitCode).toBe(0)
    expect(emulator.purgeRequests()[0]?.headers['x-auth-key']).toBe(globalKey.key)
    expect(run.json?.findings.map((f) => f.title)).toEqual([catalogue['global-key-in-use'].title])
    expectClean(run)
  })

  it('takes a credential given as a flag, and warns that the shell history keeps it', async () => {
    const run = await cli(
      [
        '--zone',
        'example.com',
        '--files',
        'https://example.com/a',
        '--api-token',
        tokens.userNewFormat.value
      ],
      {
        env: {}
      }
    )
    expect(run.exitCode).toBe(0)
    expect(emulator.purgeRequests()[0]?.headers.authorization).toBe(`Bearer ${tokens.userNewFormat.value}`)
    expect(run.stderr).toMatch(
      /warning: Credential given on the command line\n {2}--api-token puts the credential in your shell's history/
    )
    expect(run.stderr).toContain('Set CLOUDFLARE_API_TOKEN in the environment instead')
    expectClean(run)
  })
})

describe('short on success, once on error', () => {
  const one = ['--zone', 'example.com', '--files', 'https://example.com/a']

  it('--quiet prints nothing on success', async () => {
    const run = await cli([...one, '--quiet'])
    expect(run).toMatchObject({ exitCode: 0, stdout: '', stderr: '' })
    expect(emulator.purgedItems(zones.free.id)).toEqual(['https://example.com/a'])
  })

  it('--verbose shows the steps: the settings, the verification, the requests', async () => {
    const run = await cli([...one, '--verbose'])
    expect(run.exitCode).toBe(0)
    expect(run.stderr).toContain('Credential: API token, from CLOUDFLARE_API_TOKEN')
    expect(run.stderr).toMatch(/\nPurge\n {2}/)
    expect(run.stderr).toMatch(/\nPurged 1 URL on example\.com: 1 purge request in \d+\.\d s\.\n$/)
  })

  it('prints each error once, with its fix, and nothing else', async () => {
    const run = await cli(['--zone', 'example.com', '--files', 'example.com/a', '--timeout', 'soon'])
    expect(run.exitCode).toBe(2)
    expect(run.stderr).toBe(
      'error: Invalid input\n  --timeout is "soon", but it must be a whole number from 1 to 21600.\n' +
        `error: ${catalogue['relative-url'].title}\n  "example.com/a" is not a full URL. Cloudflare purges files by ` +
        'their full URL including the scheme, because the scheme is part of the cache key: write ' +
        '"https://example.com/a".\n'
    )
  })

  it('without arguments, prints a short usage and exits 2, sending nothing', async () => {
    const run = await runCli([], { env: TOKEN })
    expect(run.exitCode).toBe(2)
    expect(emulator.requests).toEqual([])
    expect(run.stdout).toBe('')
    expect(run.stderr).toMatch(/^Usage: cloudflare-purge /)
    expect(run.stderr.trim().split('\n').length).toBeLessThanOrEqual(5)
    expect(run.stderr).toContain('cloudflare-purge --help')
  })

  it("--help ends with the documentation's address", async () => {
    const run = await runCli(['--help'])
    expect(run.stdout).toMatch(/\nDocumentation: https:\/\/\S+\n$/)
  })
})

describe('flags beat the environment', () => {
  const one = ['--zone', 'example.com', '--files', 'https://example.com/a']
  const keyEnv = { CLOUDFLARE_EMAIL: globalKey.email, CLOUDFLARE_API_KEY: globalKey.key }

  it('--api-token wins over CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY, and says so in a line', async () => {
    const run = await cli([...one, '--api-token', tokens.user.value], { env: keyEnv })
    expect(run.exitCode).toBe(0)
    const [request] = emulator.purgeRequests()
    expect(request?.headers.authorization).toBe(`Bearer ${tokens.user.value}`)
    expect(request?.headers['x-auth-key']).toBeUndefined()
    expect(run.stderr).toContain(
      'notice: --api-token is used; CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY from the environment are ignored.\n'
    )
    expectClean(run)
  })

  it('--email with --global-key wins over CLOUDFLARE_API_TOKEN', async () => {
    const run = await cli([...one, '--email', globalKey.email, '--global-key', globalKey.key])
    expect(run.exitCode).toBe(0)
    expect(emulator.purgeRequests()[0]?.headers['x-auth-key']).toBe(globalKey.key)
    expect(run.stderr).toContain(
      'notice: --global-key is used; CLOUDFLARE_API_TOKEN from the environment is ignored.\n'
    )
    expectClean(run)
  })

  it('reads each --files on its own: JSON arrays and URLs mixed', async () => {
    const run = await cli([
      '--zone',
      'example.com',
      '--files',
      'https://example.com/a',
      '--files',
      '["https://example.com/b", {"url": "https://example.com/c", "headers": {"CF-IPCountry": "US"}}]',
      'https://example.com/d',
      '--files',
      '["https://example.com/e"]'
    ])
    expect(run.exitCode).toBe(0)
    expect(sorted(emulator.purgedItems(zones.free.id).map(describePurged))).toEqual(
      sorted([
        'https://example.com/a',
        'https://example.com/b',
        'https://example.com/c [CF-IPCountry: US]',
        'https://example.com/d',
        'https://example.com/e'
      ])
    )
  })
})

describe('colour', () => {
  const bad = ['--zone', 'example.com', '--files', '/a']

  it('FORCE_COLOR colours a log that is not a terminal, whatever NO_COLOR says', async () => {
    const run = await cli(bad, { env: { ...TOKEN, FORCE_COLOR: '1', NO_COLOR: '1' } })
    expect(run.stderr.startsWith('\x1b[31merror:\x1b[39m')).toBe(true)
  })

  it('FORCE_COLOR=0, and --no-color, leave it plain', async () => {
    for (const [args, env] of [
      [bad, { ...TOKEN, FORCE_COLOR: '0' }],
      [[...bad, '--no-color'], { ...TOKEN, FORCE_COLOR: '1' }]
    ] as const) {
      const run = await cli([...args], { env })
      expect(run.stderr).toMatch(/^error: /)
    }
  })
})

describe('exit codes', () => {
  it('0 when everything was purged, and when the lists given were empty (nothing sent)', async () => {
    expect((await cli(['--zone', 'example.com', '--files', 'https://example.com/a'])).exitCode).toBe(0)
    const empty = await cli(['--zone', 'example.com', '--files-from', '-'], { stdin: '\n' })
    expect(empty.exitCode).toBe(0)
    expect(empty.stderr).toContain(`notice: ${catalogue['lists-empty'].title}`)
    expect(posts()).toEqual([`/zones/${zones.free.id}/purge_cache`])
  })

  it('1 when something was not purged, with the items in failed_items', async () => {
    emulator.addFault({
      method: 'POST',
      path: `/zones/${zones.free.id}/purge_cache`,
      action: envelopeError(400, [{ code: 1234, message: 'Nope' }])
    })
    const run = await cli([
      '--zone',
      zones.free.id,
      '--files',
      'https://example.com/a',
      'https://example.com/b',
      '--json'
    ])
    expect(run.exitCode).toBe(1)
    expect(itemsOf(run)).toEqual(['https://example.com/a', 'https://example.com/b'])
    // The error once, with its fix, and the line that counts what was not purged.
    expect(run.stderr.split(`error: ${catalogue['purge-failed'].title}`)).toHaveLength(2)
    expect(run.stderr.split('Cloudflare refused the purge')).toHaveLength(2)
    expect(run.stderr).toMatch(
      /\nNothing was purged on example\.com \(2 items not purged\): 1 purge request in \d+\.\d s\.\n$/
    )
    expectClean(run)
  })

  it('1 when Cloudflare refuses the credential', async () => {
    const run = await cli(['--zone', zones.free.id, '--files', 'https://example.com/a'], {
      env: { CLOUDFLARE_API_TOKEN: tokens.noPurge.value }
    })
    expect(run.exitCode).toBe(1)
    expect(run.stderr).toContain(`error: ${catalogue['purge-not-permitted'].title}`)
  })

  it('2 for an unknown option or a missing value, with a suggestion and nothing sent', async () => {
    const run = await cli(['--zones', 'example.com', '--purge_everything', '--timeout', '--json'])
    expect(run.exitCode).toBe(2)
    expect(emulator.requests).toEqual([])
    expect(run.json?.findings.map((f) => f.message)).toEqual([
      'Unknown option --zones. Did you mean --zone?',
      'Unknown option --purge_everything. Did you mean --everything?',
      '--timeout needs a value: --timeout SECONDS.'
    ])
    expect(run.json).toMatchObject({ status: 'stopped', purged_count: 0, failed_count: 0 })
    expect(run.stderr).toContain('Run cloudflare-purge --help for the options.')
  })

  it('2 for a mistake in a value, found before any request: every one reported at once', async () => {
    const run = await cli([
      '--zone',
      'example.com',
      '--files',
      'example.com/a',
      '--timeout',
      'soon',
      '--json'
    ])
    expect(run.exitCode).toBe(2)
    expect(emulator.requests).toEqual([])
    const errors = run.json?.findings.filter((f) => f.severity === 'error')
    expect(errors?.map((f) => f.id)).toEqual(['bad-option', 'relative-url'])
    expect(run.stderr).toContain('--timeout is "soon", but it must be a whole number from 1 to 21600.')
  })

  it('--help prints every option, the exit codes and examples, and exits 0', async () => {
    const run = await runCli(['--help'])
    expect(run.exitCode).toBe(0)
    for (const flag of FLAGS) expect(run.stdout).toContain(`--${flag.name}`)
    expect(run.stdout).toMatch(/Exit codes:\n {2}0 .*\n {2}1 .*\n {2}2 /)
    expect(run.stdout).toContain('Examples:')
    expect(run.stderr).toBe('')
  })

  it('prints no password given in --api-url, in any form', async () => {
    const run = await runCli(
      ['--zone', 'example.com', '--tags', 't', '--api-url', 'https://ops:S3cret-pass%21@api.invalid/v4'],
      { env: TOKEN }
    )
    expect(run.exitCode).toBe(2)
    for (const form of ['S3cret-pass%21', 'S3cret-pass!', 'ops:S3cret-pass%21'])
      expect(run.everything).not.toContain(form)
    expect(run.stderr).toContain(`error: ${catalogue['bad-option'].title}`)
  })

  it('takes a reader that stops early in its stride: no stack trace, the exit code unchanged', async () => {
    const child = spawn(process.execPath, [CLI, '--help'], { stdio: ['ignore', 'pipe', 'pipe'] })
    child.stdout.destroy()
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const code = await new Promise<number | null>((done) => child.on('close', done))
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' })
  })

  it('--version prints the version of package.json', async () => {
    const run = await runCli(['--version'])
    expect(run).toMatchObject({ exitCode: 0, stdout: `${VERSION}\n`, stderr: '' })
  })
})

describe("the forum thread's mistakes, as precise as the action's, in the command line's words", () => {
  /**
   * Runs the action and the command line on the same inputs: the same diagnosis, each in its own words
   * (`cliWords` on the command line), shown once on standard error.
   */
  async function both(inputs: Record<string, string>, id: DiagnosisId, cliWords: string): Promise<CliRun> {
    const action = await runAction({ api_url: emulator.url, ...inputs })
    const annotation = action.annotations.find((a) => a.title === catalogue[id].title)
    expect(annotation).toBeDefined()
    emulator.reset()
    const { args, env } = commandLineFor(inputs)
    const run = await runCli(['--api-url', emulator.url, ...args, '--json'], { env })
    const { level, title } = annotation!
    const finding = run.json?.findings.find((f) => f.id === id)
    expect(finding).toMatchObject({ id, severity: level, title })
    expect(finding?.message).toContain(cliWords)
    expect(run.stderr).toContain(shown({ level, title, message: finding!.message }))
    expect(finding?.message).not.toMatch(ACTION_WORDS)
    // The items not purged, as the action's failed_items output lists them.
    expect(run.json?.failed_items).toEqual(JSON.parse(action.outputs.failed_items ?? ''))
    expectClean(run, secretForms(inputs.api_token ?? ''))
    return run
  }
  const purge = { zone: zones.free.id, files: 'https://example.com/a' }

  it('a token pasted with "Bearer ": warned, removed, purged (exit 0)', async () => {
    const run = await both(
      { ...purge, api_token: `Bearer ${tokens.user.value}` },
      'bearer-prefix',
      'CLOUDFLARE_API_TOKEN starts with "Bearer ". cloudflare-purge adds that word itself, so it was removed ' +
        'and the run goes on. Store only the token in the environment variable to silence this warning.'
    )
    expect(run.exitCode).toBe(0)
    expect(emulator.purgeRequests()[0]?.headers.authorization).toBe(`Bearer ${tokens.user.value}`)
  })

  it('a Global API Key in CLOUDFLARE_API_TOKEN: refused before any request (exit 2)', async () => {
    const run = await both(
      { ...purge, api_token: globalKey.key },
      'global-key-as-token',
      'CLOUDFLARE_API_TOKEN looks like a Global API Key, not an API token, and Cloudflare would answer ' +
        '"Invalid format for Authorization header".'
    )
    expect(run.exitCode).toBe(2)
    expect(emulator.requests).toEqual([])
    expect(run.stderr).toContain('pass it as CLOUDFLARE_API_KEY together with CLOUDFLARE_EMAIL.')
  })

  it('a relative path instead of a URL: refused before any request (exit 2)', async () => {
    const run = await both(
      {
        ...purge,
        zone: 'example.com',
        api_token: tokens.user.value,
        files: '/assets/app.css https://example.com/ok.css'
      },
      'relative-url',
      '"/assets/app.css" is not a full URL. Cloudflare purges files by their full URL including the scheme'
    )
    expect(run.exitCode).toBe(2)
    expect(emulator.requests).toEqual([])
    expect(run.stderr).toContain('write "https://example.com/assets/app.css"')
    // The valid URL was not purged either: listed, with the reason.
    expect(itemsOf(run)).toEqual(['https://example.com/ok.css'])
  })

  it('an Account ID as zone: found out from Cloudflare, nothing purged (exit 1)', async () => {
    const run = await both(
      { ...purge, zone: accountId, api_token: tokens.user.value },
      'zone-is-account-id',
      `${accountId} is an Account ID, not a Zone ID.`
    )
    expect(run.exitCode).toBe(1)
    expect(posts()).toEqual([])
    expect(run.json?.failed_items).toEqual([
      expect.objectContaining({
        items: ['https://example.com/a'],
        reason: expect.stringContaining('Account ID used as zone')
      })
    ])
  })
})

describe('--mode and --environment', () => {
  it('--mode invalidate marks the URLs stale at the invalidate endpoint, and says so', async () => {
    const run = await cli([
      '--zone',
      zones.free.id,
      '--mode',
      'invalidate',
      '--files',
      'https://example.com/a',
      '--json'
    ])
    expect(run.exitCode).toBe(0)
    expect(posts()).toEqual([`/zones/${zones.free.id}/invalidate_cache`])
    expect(emulator.invalidatedItems(zones.free.id)).toEqual(['https://example.com/a'])
    expect(emulator.purgedItems()).toEqual([])
    expect(run.json).toMatchObject({ status: 'purged', purged_count: 1, failed_count: 0 })
    expect(run.stderr).toMatch(/^Invalidated 1 URL on example\.com: 1 invalidation request in /)
    expectClean(run)
  })

  it('a --mode the parser does not know is explained with the option it means (exit 2)', async () => {
    const run = await cli(['--zone', zones.free.id, '--mode', 'delete', '--files', 'https://example.com/a'])
    expect(run.exitCode).toBe(2)
    expect(emulator.requests).toEqual([])
    expect(run.stderr).toContain('--mode is "delete", but it must be')
  })

  it('--environment purges that Version Management environment only', async () => {
    const run = await cli([
      '--zone',
      'enterprise.example',
      '--environment',
      'staging',
      '--files',
      'https://enterprise.example/a',
      '--verbose'
    ])
    expect(run.exitCode).toBe(0)
    expect(posts()).toEqual([
      `/zones/${zones.enterprise.id}/environments/${fixture.environments.staging.ref}/purge_cache`
    ])
    expect(run.stderr).toContain('Environment: staging (Version Management)')
    expectClean(run)
  })
})

/** The action's inputs and variables that only a workflow has. */
const ACTION_ONLY = ['changed_paths', 'github_token', 'base', 'head']
const REACHABLE = SCENARIOS.filter(
  (s) =>
    !ACTION_ONLY.some((name) => (s.inputs[name] ?? '') !== '') &&
    !Object.keys(s.env ?? {}).some((name) => name.startsWith('GITHUB_'))
)
const diagnosesOf = (scenarios: Scenario[]): Set<string> =>
  new Set(scenarios.flatMap((s) => Object.keys(s.expects)))
const sorted = (items: string[]): string[] => [...items].sort()

describe("the action's scenarios on the command line, with --verbose", () => {
  it('reach every diagnosis that does not need a workflow', () => {
    const reached = diagnosesOf(REACHABLE)
    expect(sorted([...diagnosesOf(SCENARIOS)].filter((id) => !reached.has(id)))).toEqual([
      'bad-changed-paths',
      'changes-no-range',
      'no-github-token',
      'refs-ignored',
      'unexpected-error'
    ])
  })

  it.concurrent.each(REACHABLE.map((s) => [s.name, s] as const))(
    '%s',
    async (_name, scenario) => {
      const { cf, run } = await withScenarioWorld(scenario, async (cf, apiUrl, worldEnv) => {
        const { args, env } = commandLineFor({ api_url: apiUrl, ...scenario.inputs })
        const run = await runCli([...args, '--json', '--verbose'], {
          env: { ...env, ...worldEnv },
          ...(scenario.workspaceFiles ? { files: scenario.workspaceFiles } : {})
        })
        return { cf, run }
      })

      // The diagnoses the scenario declares, as findings and on standard error, in the command line's words.
      const findings = run.json!.findings
      for (const [id, words] of Object.entries(scenario.expects)) {
        const { title, severity } = catalogue[id as DiagnosisId]
        const matching = findings.filter((f) => f.title === title && f.severity === severity)
        expect({ id, found: matching.length > 0 }).toEqual({ id, found: true })
        for (const word of words.map(inCommandLineWords))
          if (word) expect(matching.map((f) => f.message).join('\n')).toMatch(word)
        for (const f of matching) expect(run.stderr).toContain(shown({ level: f.severity, ...f }))
      }
      expect(findings.filter((f) => ACTION_WORDS.test(f.message)).map((f) => f.message)).toEqual([])
      const message = scenario.message && inCommandLineWords(scenario.message)
      if (message) expect(findings.find((f) => f.severity === 'error')?.message).toMatch(message)

      // The action's exit code, except that a mistake found before any request is a usage error.
      const beforeRequests = Object.keys(scenario.expects).some((id) => {
        const entry = catalogue[id as DiagnosisId]
        return entry.severity === 'error' && entry.detection.startsWith('input, before any request')
      })
      expect(run.exitCode).toBe(beforeRequests ? 2 : exitCodeOf(scenario))

      // Invalidations and environment purges are purge requests too (src/purge/target.ts).
      const purges = cf.requests.filter((r) => /\/(purge|invalidate)_cache$/.test(r.path))
      if (scenario.reached === 'nothing') expect(cf.requests).toEqual([])
      if (scenario.reached === 'no-purge') expect(purges).toEqual([])
      if (scenario.reached === 'purge') expect(purges.length).toBeGreaterThan(0)
      if (scenario.purged) {
        expect(sorted(cf.purgedItems().map(describePurged))).toEqual(sorted(scenario.purged))
        expect(run.json!.purged_count).toBe(scenario.purged.length)
      }
      if (scenario.failed) expect(sorted(itemsOf(run))).toEqual(sorted(scenario.failed))

      expectClean(run, secretsOf(scenario))
      if (cf.requests.length > 0) expect(run.stderr).toMatch(/^debug: /m)
    },
    60_000
  )
})
