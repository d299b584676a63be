// Runs the bundled command line (dist/cli/index.js) the way a person or a script does: arguments,
// environment variables, standard input; reads back its exit code, standard output and standard error.
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { JsonResult } from '../src/cli/json.js'
import { PRELOADS } from './run-action.js'

const HERE = dirname(fileURLToPath(import.meta.url))
export const CLI = resolve(HERE, '..', 'dist', 'cli', 'index.js')

export interface CliRun {
  exitCode: number | null
  stdout: string
  stderr: string
  /** Standard output read as JSON, when the run was given --json. */
  json?: JsonResult
  /** Everything the run printed, for secret scans. */
  everything: string
}

export interface CliOptions {
  /** The only environment variables the command sees, besides PATH and HOME. */
  env?: Record<string, string>
  /** Written to standard input, which is then closed; without it standard input is empty. */
  stdin?: string
  /** Files to create in the folder the command runs in: name → content. */
  files?: Record<string, string>
  timeoutMs?: number
}

export async function runCli(args: string[], options: CliOptions = {}): Promise<CliRun> {
  const dir = mkdtempSync(join(tmpdir(), 'purge-cli-'))
  const cwd = join(dir, 'work')
  mkdirSync(cwd)
  for (const [name, content] of Object.entries(options.files ?? {})) writeFileSync(join(cwd, name), content)
  try {
    const child = spawn(process.execPath, [...PRELOADS, CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: dir, ...options.env },
      cwd,
      stdio: ['pipe', 'pipe', 'pipe']
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.stdin.end(options.stdin ?? '')
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000)
    const exitCode = await new Promise<number | null>((done) => child.on('close', (code) => done(code)))
    clearTimeout(timer)
    const run: CliRun = { exitCode, stdout, stderr, everything: `${stdout}\n${stderr}` }
    if (args.includes('--json')) run.json = JSON.parse(stdout) as JsonResult
    return run
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The command line for the action's inputs: credentials as the CLOUDFLARE_* variables, the rest as flags. */
export function commandLineFor(inputs: Record<string, string>): {
  args: string[]
  env: Record<string, string>
} {
  const env: Record<string, string> = {}
  const args: string[] = []
  const variables: Record<string, string> = {
    api_token: 'CLOUDFLARE_API_TOKEN',
    email: 'CLOUDFLARE_EMAIL',
    global_key: 'CLOUDFLARE_API_KEY'
  }
  const switches: Record<string, string> = { purge_everything: 'everything', dry_run: 'dry-run' }
  for (const [name, value] of Object.entries(inputs)) {
    if (variables[name]) {
      if (value !== '') env[variables[name]] = value
    } else if (switches[name]) {
      if (value !== '' && value !== 'false')
        args.push(value === 'true' ? `--${switches[name]}` : `--${switches[name]}=${value}`)
    } else if (value !== '') args.push(`--${name.replace(/_/g, '-')}=${value}`)
  }
  return { args, env }
}
