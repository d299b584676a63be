// npm run bench: runs the bundled action (dist/index.js) against the local emulator with an injected
// latency and the plans' real rate limits, and prints one table row per scenario. Build first
// (`npm run package`). BENCH_NODE=/path/to/node picks the Node binary that runs the action.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fixture, fixtureOptions } from '../emulator/fixtures.js'
import { startEmulator, type Plan } from '../emulator/index.js'
import { DIST, parseOutputs, runnerEnv } from '../e2e/run-action.js'
import { count } from '../src/words.js'

const LATENCY_MS = 20
/** Requests in flight at once in the action (src/purge/send.ts). */
const CONCURRENCY = 8
/** Start-up runs are short and noisy on a shared machine: the median of several. */
const STARTUP_RUNS = 7
const NODE = process.env.BENCH_NODE || process.execPath
const TIME = '/usr/bin/time'

/** Cloudflare's documented purge limits, as the emulator applies them by default. */
const RATES: Record<Plan, { urlsPerSecond: number; requestsPerSecond: number; bucket: number }> = {
  free: { urlsPerSecond: 800, requestsPerSecond: 5 / 60, bucket: 25 },
  pro: { urlsPerSecond: 1500, requestsPerSecond: 5, bucket: 25 },
  business: { urlsPerSecond: 1500, requestsPerSecond: 10, bucket: 50 },
  enterprise: { urlsPerSecond: 3000, requestsPerSecond: 50, bucket: 500 }
}

interface Scenario {
  name: string
  plan: Plan
  type: 'files' | 'tags'
  items: string[]
  perRequest: number
  /** Through files_from (a workspace file) rather than the `files` input. */
  fromFile?: boolean
  /** Runs of which the median is reported, each after a bare `node -e ''`. */
  runs?: number
  /** The start-up scenario, compared with bare Node. */
  startup?: boolean
}

interface Measured {
  wallMs: number
  peakKiB?: number
  exitCode: number | null
  stdout: string
  outputs: Record<string, string>
}

const urls = (host: string, n: number): string[] =>
  Array.from({ length: n }, (_, i) => `https://${host}/assets/${i.toString(36)}/file-${i}.js`)

const scenarios: Scenario[] = [
  {
    name: '10,000 URLs, Free zone, files_from',
    plan: 'free',
    type: 'files',
    items: urls(fixture.zones.free.name, 10_000),
    perRequest: 30,
    fromFile: true
  },
  {
    name: '10,000 URLs, Enterprise zone, files_from',
    plan: 'enterprise',
    type: 'files',
    items: urls(fixture.zones.enterprise.name, 10_000),
    perRequest: 500,
    fromFile: true
  },
  {
    name: '1,000 tags, Pro zone',
    plan: 'pro',
    type: 'tags',
    items: Array.from({ length: 1000 }, (_, i) => `release-${i}`),
    perRequest: 100,
    runs: 3
  },
  {
    name: '5 URLs, Free zone',
    plan: 'free',
    type: 'files',
    items: urls(fixture.zones.free.name, 5),
    perRequest: 30,
    runs: STARTUP_RUNS,
    startup: true
  }
]

/** Runs a command under /usr/bin/time (for the peak RSS) and measures its wall time here. */
async function measure(args: string[], env: Record<string, string>, cwd: string): Promise<Measured> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-time-'))
  const timeFile = join(dir, 'time')
  const withTime = existsSync(TIME)
  const [command, ...rest] = withTime ? [TIME, '-f', '%M', '-o', timeFile, NODE, ...args] : [NODE, ...args]
  const started = performance.now()
  const child = spawn(command as string, rest, { env, cwd, stdio: ['ignore', 'pipe', 'inherit'] })
  let stdout = ''
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
  const exitCode = await new Promise<number | null>((done) => child.on('close', (code) => done(code)))
  const wallMs = performance.now() - started
  const peak = withTime ? Number(readFileSync(timeFile, 'utf8').trim().split('\n').pop()) : NaN
  rmSync(dir, { recursive: true, force: true })
  const outputs = env.GITHUB_OUTPUT ? parseOutputs(readFileSync(env.GITHUB_OUTPUT, 'utf8')) : {}
  return { wallMs, exitCode, stdout, outputs, ...(Number.isFinite(peak) ? { peakKiB: peak } : {}) }
}

async function runScenario(
  s: Scenario,
  apiUrl: string
): Promise<Measured & { workDir: string; cleanup: () => void }> {
  const workDir = mkdtempSync(join(tmpdir(), 'bench-run-'))
  const workspace = join(workDir, 'workspace')
  mkdirSync(workspace)
  const outputFile = join(workDir, 'output')
  const summaryFile = join(workDir, 'summary')
  writeFileSync(outputFile, '')
  writeFileSync(summaryFile, '')
  const inputs: Record<string, string> = {
    zone: fixture.zones[s.plan].id,
    api_token: fixture.tokens.user.value,
    api_url: apiUrl
  }
  if (s.fromFile) {
    writeFileSync(join(workspace, 'changed.txt'), `${s.items.join('\n')}\n`)
    inputs.files_from = 'changed.txt'
  } else inputs[s.type] = s.items.join('\n')
  const env = runnerEnv(inputs, { dir: workDir, outputFile, summaryFile, workspace })
  const result = await measure([DIST], env, workspace)
  return { ...result, workDir, cleanup: () => rmSync(workDir, { recursive: true, force: true }) }
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] as number
}

interface Measurement {
  scenario: Scenario
  sent: number
  rateLimited: number
  walls: number[]
  peakKiB?: number
}

/** The wait that the plan's purge rate limit imposes by itself (the issue's `items / rate`). */
function rateBoundMs(s: Scenario, requests: number): number {
  const r = RATES[s.plan]
  if (s.type === 'files') return (s.items.length / r.urlsPerSecond) * 1000
  return (Math.max(0, requests - r.bucket) / r.requestsPerSecond) * 1000
}

async function main(): Promise<void> {
  if (!existsSync(DIST)) throw new Error(`${DIST} is missing: run \`npm run package\` first`)
  const emulator = await startEmulator(fixtureOptions({ latencyMs: LATENCY_MS }))
  const startedAll = performance.now()
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')
  const nodeVersion = await new Promise<string>((done) => {
    const child = spawn(NODE, ['-v'])
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.on('close', () => done(out.trim()))
  })
  console.log(
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, load average ${load} at start; ` +
      `action run by Node ${nodeVersion}; emulator latency ${LATENCY_MS} ms per request.\n`
  )

  // Bare start-up, measured in turn with the short runs so that both see the same machine load.
  const bare: number[] = []
  const measured: Measurement[] = []
  try {
    for (const s of scenarios) {
      const m: Measurement = { scenario: s, sent: 0, rateLimited: 0, walls: [] }
      for (let i = 0; i < (s.runs ?? 1); i++) {
        emulator.reset()
        if (s.runs) bare.push((await measure(['-e', ''], { PATH: process.env.PATH ?? '' }, tmpdir())).wallMs)
        const run = await runScenario(s, emulator.url)
        run.cleanup()
        const purged = new Set(emulator.purgedItems(fixture.zones[s.plan].id).map(String))
        const lost = s.items.filter((item) => !purged.has(item)).length
        if (run.exitCode !== 0 || lost > 0) {
          console.error(run.stdout)
          throw new Error(`${s.name}: exit code ${run.exitCode}, ${count(lost, 'item')} not purged`)
        }
        m.walls.push(run.wallMs)
        m.sent = Math.max(m.sent, emulator.requests.length)
        m.rateLimited = Math.max(m.rateLimited, emulator.count429())
        if (run.peakKiB !== undefined) m.peakKiB = Math.max(m.peakKiB ?? 0, run.peakKiB)
      }
      measured.push(m)
      console.error(`done: ${s.name} (${(median(m.walls) / 1000).toFixed(2)} s)`)
    }
  } finally {
    await emulator.close()
  }

  const bareMs = median(bare)
  const rows = measured.map((m) => {
    const s = m.scenario
    const requests = Math.ceil(s.items.length / s.perRequest)
    const rate = rateBoundMs(s, requests)
    // Node start-up, then the verify and zone calls together, then rounds of CONCURRENCY purges.
    const latency = bareMs + (1 + Math.ceil(requests / CONCURRENCY)) * LATENCY_MS
    return {
      ...m,
      ideal: requests + 2,
      wallMs: median(m.walls),
      boundMs: Math.max(rate, latency),
      boundKind: rate >= latency ? 'rate limit' : 'start-up + latency'
    }
  })
  const fmtS = (ms: number): string => `${(ms / 1000).toFixed(2)} s`
  const short = rows.find((r) => r.scenario.startup)
  const lines = [
    '| scenario | items | requests sent | ideal (purges + 2) | 429s | wall time | lower bound | wall / bound | peak memory |',
    '| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.scenario.name} | ${r.scenario.items.length.toLocaleString('en-US')} | ${r.sent} | ${r.ideal} | ` +
        `${r.rateLimited} | ${fmtS(r.wallMs)}${r.walls.length > 1 ? ` (median of ${r.walls.length})` : ''} | ` +
        `${fmtS(r.boundMs)} (${r.boundKind}) | ${(r.wallMs / r.boundMs).toFixed(2)} | ` +
        `${r.peakKiB !== undefined ? `${(r.peakKiB / 1024).toFixed(0)} MiB` : 'n/a'} |`
    ),
    '',
    `Bare \`node -e ''\`: ${Math.round(bareMs)} ms (median of ${bare.length}, each run just before a short scenario). ` +
      `5-URL run: ${Math.round(short?.wallMs ?? 0)} ms, ${Math.round((short?.wallMs ?? 0) - bareMs)} ms more, ` +
      `of which ${2 * LATENCY_MS} ms are two round trips of injected latency.`
  ]
  console.log(lines.join('\n'))

  const checks: Array<[string, boolean]> = [
    ...rows.map((r): [string, boolean] => [`${r.scenario.name}: requests sent = ideal`, r.sent === r.ideal]),
    ...rows.map((r): [string, boolean] => [`${r.scenario.name}: no 429`, r.rateLimited === 0]),
    ...rows
      .filter((r) => r.boundKind === 'rate limit')
      .map((r): [string, boolean] => [
        `${r.scenario.name}: wall time ≤ 1.2 × rate-limit bound`,
        r.wallMs <= 1.2 * r.boundMs
      ]),
    ['5 URLs: within 150 ms of bare Node start-up', (short?.wallMs ?? Infinity) - bareMs <= 150]
  ]
  console.log(`\nTargets:\n${checks.map(([what, ok]) => `- ${ok ? 'met' : 'NOT MET'}: ${what}`).join('\n')}`)
  console.log(`\nBenchmark took ${((performance.now() - startedAll) / 1000).toFixed(1)} s.`)
  if (checks.some(([, ok]) => !ok)) process.exitCode = 1
}

await main()
