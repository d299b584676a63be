// Runs the bundled action (dist/index.js) the way the runner does: inputs as INPUT_* variables,
// GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, workflow commands read back from stdout.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const DIST = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'index.js')
const HERE = dirname(fileURLToPath(import.meta.url))
/**
 * Loaded before every run's own code: `.invalid` names fail without a DNS query, so that no test sends
 * traffic off the machine (offline-dns.cjs); each request carries its send time, for an emulator that
 * counts its rate limits then (send-clock.cjs).
 */
export const PRELOADS = ['offline-dns.cjs', 'send-clock.cjs'].flatMap((file) => [
  '--require',
  resolve(HERE, file)
])

export interface Annotation {
  level: 'error' | 'warning' | 'notice'
  title?: string
  message: string
}

export interface ActionRun {
  exitCode: number | null
  stdout: string
  stderr: string
  outputs: Record<string, string>
  summary: string
  annotations: Annotation[]
  errors: Annotation[]
  warnings: Annotation[]
  notices: Annotation[]
  /** Everything the run wrote anywhere, for secret scans (add-mask commands excluded). */
  everything: string
  /** The GITHUB_OUTPUT file as the run left it. */
  outputFile: string
  /** The content of each output that names a file the run wrote (read before the run's folder goes). */
  outputFiles: Record<string, string>
  /** When the last annotation reached stdout, and when the process exited (Date.now()). */
  lastAnnotationAt?: number
  exitedAt: number
}

export interface RunOptions {
  env?: Record<string, string>
  /** Files to create in the workspace before the run: name → content. */
  workspaceFiles?: Record<string, string>
  timeoutMs?: number
  /** The script to run instead of dist/index.js (a copy of the bundle, for instance). */
  entry?: string
}

export async function runAction(
  inputs: Record<string, string>,
  options: RunOptions = {}
): Promise<ActionRun> {
  const dir = mkdtempSync(join(tmpdir(), 'purge-action-'))
  const outputFile = join(dir, 'output')
  const summaryFile = join(dir, 'summary')
  const workspace = join(dir, 'workspace')
  writeFileSync(outputFile, '')
  writeFileSync(summaryFile, '')
  rmSync(workspace, { recursive: true, force: true })
  await import('node:fs').then((fs) => fs.mkdirSync(workspace))
  for (const [name, content] of Object.entries(options.workspaceFiles ?? {}))
    writeFileSync(join(workspace, name), content)

  const env = runnerEnv(inputs, { dir, outputFile, summaryFile, workspace }, options.env)

  try {
    const child = spawn(process.execPath, [...PRELOADS, options.entry ?? DIST], {
      env,
      cwd: workspace,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stdout = ''
    let stderr = ''
    let lastAnnotationAt: number | undefined
    let exitedAt = 0
    child.on('exit', () => (exitedAt = Date.now()))
    child.stdout.on('data', (d: Buffer) => {
      const text = d.toString()
      if (/^::(error|warning|notice)/m.test(text)) lastAnnotationAt = Date.now()
      stdout += text
    })
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000)
    const exitCode = await new Promise<number | null>((done) => child.on('close', (code) => done(code)))
    clearTimeout(timer)
    const outputsText = readFileSync(outputFile, 'utf8')
    const summary = readFileSync(summaryFile, 'utf8')
    const outputs = parseOutputs(outputsText)
    const outputFiles: Record<string, string> = {}
    for (const [name, value] of Object.entries(outputs)) {
      if (value.startsWith(dir) && existsSync(value)) outputFiles[name] = readFileSync(value, 'utf8')
    }
    const annotations = parseAnnotations(stdout)
    const visible = stdout
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'))
      .join('\n')
    return {
      exitCode,
      stdout,
      stderr,
      outputs,
      summary,
      annotations,
      errors: annotations.filter((a) => a.level === 'error'),
      warnings: annotations.filter((a) => a.level === 'warning'),
      notices: annotations.filter((a) => a.level === 'notice'),
      everything: [visible, stderr, outputsText, summary, ...Object.values(outputFiles)].join('\n'),
      outputFile: outputsText,
      outputFiles,
      ...(lastAnnotationAt !== undefined ? { lastAnnotationAt } : {}),
      exitedAt
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The environment the runner gives an action: its files, its workspace, and each input as INPUT_*. */
export function runnerEnv(
  inputs: Record<string, string>,
  paths: { dir: string; outputFile: string; summaryFile: string; workspace: string },
  extra: Record<string, string> = {}
): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? paths.dir,
    GITHUB_OUTPUT: paths.outputFile,
    GITHUB_STEP_SUMMARY: paths.summaryFile,
    GITHUB_WORKSPACE: paths.workspace,
    RUNNER_TEMP: paths.dir,
    ...extra
  }
  for (const [name, value] of Object.entries(inputs))
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
  return env
}

/** Reads `name<<DELIMITER\nvalue\nDELIMITER` blocks written by core.setOutput. */
export function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<=]+)<<(.+)$/.exec(lines[i] ?? '')
    if (!match) continue
    const [, name, delimiter] = match
    const value: string[] = []
    for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i] ?? '')
    outputs[name as string] = value.join('\n')
  }
  return outputs
}

const unescapeData = (s: string): string => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')
const unescapeProperty = (s: string): string => unescapeData(s).replace(/%3A/g, ':').replace(/%2C/g, ',')

export function parseAnnotations(stdout: string): Annotation[] {
  const out: Annotation[] = []
  for (const line of stdout.split('\n')) {
    const match = /^::(error|warning|notice)( [^:]*)?::(.*)$/.exec(line)
    if (!match) continue
    const annotation: Annotation = {
      level: match[1] as Annotation['level'],
      message: unescapeData(match[3] ?? '')
    }
    for (const prop of (match[2] ?? '').trim().split(',')) {
      const [key, ...rest] = prop.split('=')
      if (key === 'title') annotation.title = unescapeProperty(rest.join('='))
    }
    out.push(annotation)
  }
  return out
}
