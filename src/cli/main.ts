// The command line's order of work: read the flags and the environment → check them as the action
// checks its inputs → run the engine → print the summary (and, with --json, the result) → the exit code.
// The second edge over src/engine.ts, beside the action's (src/main.ts); no Actions toolkit here.
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { proxySecrets } from '../cloudflare/proxy.js'
import { userinfoSecrets } from '../inputs/canonical-url.js'
import { parseSettings, type RawInputs } from '../inputs/parser.js'
import { describeSettings } from '../report/log.js'
import { Redactor, secretForms } from '../report/redactor.js'
import { stoppedRun, type RunResult } from '../report/result.js'
import type { Finding } from '../types.js'
import { commandLineDoor } from './door.js'
import { FLAGS, parseCommandLine, type CommandLine } from './flags.js'
import { helpText, usageText } from './help.js'
import { jsonResult } from './json.js'
import { outcomeLine } from './outcome.js'
import { TerminalReporter, wantsColour, type TextOutput } from './terminal.js'
import { HOMEPAGE, VERSION } from './version.js'

/** Documented in docs/cli.md and --help. */
export const EXIT = { ok: 0, notPurged: 1, usage: 2 } as const

const USER_AGENT = `cloudflare-purge/${VERSION} (command line; +${HOMEPAGE})`

export interface CliIo {
  args: string[]
  env: Record<string, string | undefined>
  cwd: string
  stdout: TextOutput
  stderr: TextOutput
  /** All of standard input, read when --files-from is `-`. */
  readStdin: () => Promise<string>
  /** Whether standard input is a terminal (then the person is told how to end it). */
  stdinIsTTY?: boolean
}

/** Runs one command and returns its exit code; never throws. */
export async function runCli(io: CliIo): Promise<number> {
  const startedAt = Date.now()
  if (io.args.length === 0) {
    io.stderr.write(usageText())
    return EXIT.usage
  }
  const line = parseCommandLine(io.args, io.env)
  if (line.help) {
    io.stdout.write(helpText(VERSION))
    return EXIT.ok
  }
  if (line.version) {
    io.stdout.write(`${VERSION}\n`)
    return EXIT.ok
  }
  const redactor = new Redactor(secretsOf(line, io.env))
  const reporter = new TerminalReporter(io.stderr, redactor, {
    door: commandLineDoor(line.sources),
    colour: wantsColour(io.stderr, io.env, line.noColor),
    quiet: line.quiet,
    verbose: line.verbose
  })
  const finish = (result: RunResult, code: number): number => {
    // One line to end with; --quiet keeps it only when something went wrong.
    const outcome = outcomeLine(result)
    if (outcome && (!line.quiet || code !== EXIT.ok)) reporter.line(outcome)
    if (line.json) io.stdout.write(`${JSON.stringify(jsonResult(result, reporter.reported, redactor))}\n`)
    return code
  }

  if (line.errors.length > 0) {
    const findings = line.errors.map(usageError)
    reporter.findings(findings)
    reporter.line('Run cloudflare-purge --help for the options.')
    return finish(stoppedRun(findings, startedAt), EXIT.usage)
  }
  if (line.credentialFlags.length > 0) reporter.findings([credentialFlagWarning(line.credentialFlags)])
  for (const note of line.notes) reporter.notice(note)

  try {
    const stdin = line.raw.files_from?.trim() === '-' ? await readStdin(io, reporter) : undefined
    const parsed = parseSettings(line.raw as RawInputs, {
      readFile: (path) => (path === '-' && stdin ? stdin() : readFileSync(resolve(io.cwd, path), 'utf8'))
    })
    reporter.findings(parsed.warnings)
    if (!parsed.settings) {
      reporter.findings(parsed.errors)
      // As the action: the valid items asked are listed as not purged.
      return finish(stoppedRun(parsed.errors, startedAt, parsed.requested), EXIT.usage)
    }
    for (const text of describeSettings(parsed.settings)) reporter.info(withSource(text, line))
    // Loaded only now: the engine brings undici, most of the start-up time, which --help,
    // --version and a mistake in the flags do without.
    const { purgeCache } = await import('../engine.js')
    const result = await purgeCache(parsed.settings, { userAgent: USER_AGENT, startedAt }, reporter)
    const failed = result.status === 'stopped' || result.failed.length > 0 || reporter.errorCount > 0
    return finish(result, failed ? EXIT.notPurged : EXIT.ok)
  } catch (error) {
    // The engine never throws; this is a bug here, explained in one line, the stack with --verbose.
    reporter.debug(error instanceof Error ? (error.stack ?? error.message) : String(error))
    const finding: Finding = {
      id: 'unexpected-error',
      severity: 'error',
      title: 'Unexpected failure',
      message: `cloudflare-purge stopped on an unexpected error: ${error instanceof Error ? error.message : String(error)}. Run it again with --verbose and report the output.`
    }
    reporter.findings([finding])
    return finish(stoppedRun([finding], startedAt), EXIT.notPurged)
  }
}

/**
 * Every form of every credential given, those a flag overrode in the environment too, and a password in a
 * proxy's URL or --api-url: none may be printed.
 */
function secretsOf(line: CommandLine, env: Record<string, string | undefined>): string[] {
  const secret = FLAGS.filter((f) => f.group === 'credential')
  const values = secret.flatMap((f) => [line.raw[f.input as string], f.env ? env[f.env] : undefined])
  return [
    ...values.flatMap((value) => (value?.trim() ? secretForms(value) : [])),
    ...proxySecrets(env),
    ...userinfoSecrets(line.raw.api_url ?? '')
  ]
}

function usageError(message: string): Finding {
  return { id: 'command-line', severity: 'error', title: 'Invalid command line', message }
}

function credentialFlagWarning(flags: string[]): Finding {
  const envs = FLAGS.filter(
    (f) => flags.includes(`--${f.name}`) || (flags.includes('--global-key') && f.name === 'email')
  )
    .map((f) => f.env)
    .join(' and ')
  return {
    id: 'credential-in-arguments',
    severity: 'warning',
    title: 'Credential given on the command line',
    message:
      `${flags.join(' and ')} ${flags.length === 1 ? 'puts' : 'put'} the credential in your shell's history, and in the ` +
      'process list that other users of this machine can read while the command runs. Set ' +
      `${envs} in the environment instead, for example from a password manager or your CI system's secret variables.`
  }
}

/** "Credential: API token, from CLOUDFLARE_API_TOKEN": where the credential was taken from. */
function withSource(text: string, line: CommandLine): string {
  if (!text.startsWith('Credential: ')) return text
  const input = line.raw.api_token?.trim() ? 'api_token' : 'global_key'
  const from = line.sources[input]
  return from ? `${text}, from ${from}` : text
}

/** Standard input, read once: a function that returns it, or throws what reading it threw. */
async function readStdin(io: CliIo, reporter: TerminalReporter): Promise<() => string> {
  if (io.stdinIsTTY) reporter.line('Reading URLs from standard input, one per line; end with Ctrl-D.')
  try {
    const text = await io.readStdin()
    return () => text
  } catch (error) {
    return () => {
      throw error
    }
  }
}
