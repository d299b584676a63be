// npm run bench: runs the bundled action (dist/index.js) against the local emulator with an injected
// latency and the plans' documented rate limits, prints one table row per scenario, and checks the
// targets. Build first (`npm run package`). BENCH_NODE=/path/to/node picks the Node binary that runs the
// action (the README measures on Node 24: BENCH_NODE=$(npx -y node@24 -p process.execPath)).
// BENCH_ONLY=start-up measures the start-up figures alone (about 15 seconds); BENCH_ONLY=budget the two
// rows of the API budget alone (the refusals and the 100,000-URL run, about 45 seconds).
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fixture, fixtureOptions } from '../emulator/fixtures.js'
import { startEmulator, URL_COUNTINGS, type Plan, type RunningEmulator } from '../emulator/index.js'
import { DIST, parseOutputs, runnerEnv } from '../e2e/run-action.js'
import { CLI } from '../e2e/run-cli.js'

const LATENCY_MS = 20
/** Pairs of runs for each start-up figure (the run and a bare `node -e ''`), alternated. */
const STARTUP_PAIRS = 15
const NODE = process.env.BENCH_NODE || process.execPath
const TIME = '/usr/bin/time'
const MEMORY_TARGET_MIB = 150
const STARTUP_TARGET_MS = 150

/** Cloudflare's documented purge limits, as the emulator applies them by default. */
const RATES: Record<Plan, { urlsPerSecond: number; requestsPerSecond: number; bucket: number }> = {
  free: { urlsPerSecond: 800, requestsPerSecond: 5 / 60, bucket: 25 },
  pro: { urlsPerSecond: 1500, requestsPerSecond: 5, bucket: 25 },
  business: { urlsPerSecond: 1500, requestsPerSecond: 10, bucket: 50 },
  enterprise: { urlsPerSecond: 3000, requestsPerSecond: 50, bucket: 500 }
}
/** Cloudflare's documented items per purge request. */
const PER_REQUEST = { files: { free: 100, pro: 100, business: 100, enterprise: 500 }, other: 100 }

type Counting = keyof typeof URL_COUNTINGS

interface Scenario {
  name: string
  plan: Plan
  type: 'files' | 'tags'
  /** Items of each run. */
  count: number
  counting?: Counting
  /** Through files_from (a workspace file) rather than the `files` input. */
  fromFile?: boolean
  /** Runs at the same moment on one account. */
  concurrent?: number
  /** Runs of which the median is reported. */
  runs?: number
  /** A single run paced by the rate limit: no 429 and wall ≤ 1.2 × bound are targets. */
  paced?: boolean
  memoryTarget?: boolean
}

const scenarios: Scenario[] = [
  ...(Object.keys(URL_COUNTINGS) as Counting[]).map((counting): Scenario => ({
    name: `10,000 URLs, Free, counted as ${counting}`,
    plan: 'free',
    type: 'files',
    count: 10_000,
    counting,
    fromFile: true,
    paced: true
  })),
  {
    name: '10,000 URLs, Enterprise',
    plan: 'enterprise',
    type: 'files',
    count: 10_000,
    fromFile: true,
    paced: true
  },
  {
    name: 'two runs at once, 3,000 URLs each, Free',
    plan: 'free',
    type: 'files',
    count: 3000,
    fromFile: true,
    concurrent: 2
  },
  ...(['sliding1s', 'average10s'] as const).map((counting): Scenario => ({
    name: `two runs, Free, counted as ${counting}`,
    plan: 'free',
    type: 'files',
    count: 3000,
    counting,
    fromFile: true,
    concurrent: 2
  })),
  ...([undefined, 'sliding1s', 'average10s'] as const).map((counting): Scenario => ({
    name: counting ? `three runs, Free, counted as ${counting}` : 'three runs at once, 2,000 URLs each, Free',
    plan: 'free',
    type: 'files',
    count: 2000,
    ...(counting ? { counting } : {}),
    fromFile: true,
    concurrent: 3
  })),
  {
    name: '100,000 URLs, Enterprise, files_from',
    plan: 'enterprise',
    type: 'files',
    count: 100_000,
    fromFile: true,
    paced: true,
    memoryTarget: true
  },
  { name: '1,000 tags, Pro', plan: 'pro', type: 'tags', count: 1000, runs: 3 }
]

interface Measured {
  wallMs: number
  peakKiB?: number
  exitCode: number | null
  stdout: string
  outputs: Record<string, string>
}

/** Runs node with `args` under /usr/bin/time (for the peak RSS) and measures its wall time here. */
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

const items = (s: Scenario, run: number): string[] => {
  const host = fixture.zones[s.plan].name
  return Array.from({ length: s.count }, (_, i) =>
    s.type === 'tags'
      ? `release-${run}-${i}`
      : `https://${host}/assets/r${run}/${i.toString(36)}/file-${i}.js`
  )
}

/** One run of the action on the scenario's zone, with its own workspace and runner files. */
async function runAction(s: Scenario, list: string[], apiUrl: string): Promise<Measured> {
  const workDir = mkdtempSync(join(tmpdir(), 'bench-run-'))
  try {
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
      writeFileSync(join(workspace, 'changed.txt'), `${list.join('\n')}\n`)
      inputs.files_from = 'changed.txt'
    } else inputs[s.type] = list.join('\n')
    return await measure(
      [DIST],
      runnerEnv(inputs, { dir: workDir, outputFile, summaryFile, workspace }),
      workspace
    )
  } finally {
    rmSync(workDir, { recursive: true, force: true })
  }
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

interface Row {
  scenario: Scenario
  items: number
  sent: number
  ideal: number
  rateLimited: number
  wallMs: number
  runs: number
  boundMs: number
  boundKind: string
  peakKiB?: number
  /** The fewest requests left in the credential's API window that any answer reported. */
  fewestLeft?: number
}

/** Purge requests the plan's per-request limit needs, plus the verify and zone calls, for each run. */
function idealRequests(s: Scenario): number {
  const per = s.type === 'files' ? PER_REQUEST.files[s.plan] : PER_REQUEST.other
  return (s.concurrent ?? 1) * (Math.ceil(s.count / per) + 2)
}

/** The least time Cloudflare's limit allows for the items, however they are paced. */
function rateMs(s: Scenario): number {
  const r = RATES[s.plan]
  const total = s.count * (s.concurrent ?? 1)
  if (s.type === 'files') return (total / r.urlsPerSecond) * 1000
  return (Math.max(0, Math.ceil(total / PER_REQUEST.other) - r.bucket) / r.requestsPerSecond) * 1000
}

async function runScenario(s: Scenario, bareMs: number): Promise<Row> {
  const emulator = await startEmulator(
    fixtureOptions({
      latencyMs: LATENCY_MS,
      ...(s.counting ? { urlCounting: URL_COUNTINGS[s.counting] } : {})
    })
  )
  try {
    const walls: number[] = []
    let sent = 0
    let rateLimited = 0
    let peakKiB: number | undefined
    let fewestLeft: number | undefined
    for (let i = 0; i < (s.runs ?? 1); i++) {
      emulator.reset()
      const lists = Array.from({ length: s.concurrent ?? 1 }, (_, run) => items(s, run))
      const started = performance.now()
      const results = await Promise.all(lists.map((list) => runAction(s, list, emulator.url)))
      walls.push(performance.now() - started)
      check(s, emulator, lists.flat(), results)
      sent = Math.max(sent, emulator.requests.length)
      rateLimited = Math.max(rateLimited, emulator.count429())
      for (const r of results) if (r.peakKiB !== undefined) peakKiB = Math.max(peakKiB ?? 0, r.peakKiB)
      const left = emulator.fewestLeft()
      if (left !== undefined) fewestLeft = Math.min(fewestLeft ?? Infinity, left)
    }
    const wallMs = median(walls)
    // Sequential parts no run can skip: Node's start, one round trip for the credential and zone
    // (sent together), the rate limit, and the round trip of the last purge. Two runs at once are held
    // to the issue's combined bound: the account's rate alone.
    const boundMs = s.concurrent ? rateMs(s) : bareMs + 2 * LATENCY_MS + rateMs(s)
    const boundKind = s.concurrent ? 'items / rate' : 'start-up + round trips + items / rate'
    return {
      scenario: s,
      items: s.count * (s.concurrent ?? 1),
      sent,
      ideal: idealRequests(s),
      rateLimited,
      wallMs,
      runs: walls.length,
      boundMs,
      boundKind,
      ...(peakKiB !== undefined ? { peakKiB } : {}),
      ...(fewestLeft !== undefined ? { fewestLeft } : {})
    }
  } finally {
    await emulator.close()
  }
}

/** Every run succeeded and every item was purged: a benchmark of a broken run measures nothing. */
function check(s: Scenario, emulator: RunningEmulator, list: string[], results: Measured[]): void {
  const purged = new Set(emulator.purgedItems(fixture.zones[s.plan].id).map(String))
  const lost = list.filter((item) => !purged.has(item)).length
  const failed = results.filter((r) => r.exitCode !== 0)
  if (failed.length > 0 || lost > 0) {
    for (const r of failed) console.error(r.stdout)
    throw new Error(`${s.name}: ${failed.length} run(s) failed, ${lost} item(s) not purged`)
  }
}

/** What refused items cost: the issue's run of 5,000 URLs on Free, every 10th refused by Cloudflare. */
interface RefusalRow {
  urls: number
  refused: number
  planned: number
  sent: number
  rateLimited: number
  fewestLeft?: number
}

/** Runs the action once on 5,000 URLs of which Cloudflare refuses every 10th, naming each in its answer. */
async function refusalRun(): Promise<RefusalRow> {
  const s: Scenario = { name: 'refusals', plan: 'free', type: 'files', count: 5000, fromFile: true }
  const list = items(s, 0)
  const refused = list.filter((_, i) => i % 10 === 7)
  const emulator = await startEmulator(
    fixtureOptions({ latencyMs: LATENCY_MS, refuseItems: refused.map((item) => ({ item })) })
  )
  try {
    const run = await runAction(s, list, emulator.url)
    const purged = emulator.purgedItems(fixture.zones.free.id).length
    if (purged !== list.length - refused.length || run.outputs.failed_count !== String(refused.length))
      throw new Error(`refusals: ${purged} purged, failed_count ${run.outputs.failed_count}\n${run.stdout}`)
    const path = `/zones/${fixture.zones.free.id}/purge_cache`
    const left = emulator.fewestLeft()
    return {
      urls: list.length,
      refused: refused.length,
      planned: Math.ceil(list.length / PER_REQUEST.files.free),
      sent: emulator.requests.filter((r) => r.path === path).length,
      rateLimited: emulator.count429(),
      ...(left !== undefined ? { fewestLeft: left } : {})
    }
  } finally {
    await emulator.close()
  }
}

/** One start-up figure: a run and a bare `node -e ''`, alternated run by run. */
interface StartUp {
  name: string
  runMs: number
  bareMs: number
  /** The median of the pairwise differences: what the run costs over Node's own start. */
  differenceMs: number
  pairs: number
  /** The issue's target, for the rows that have one. */
  targetMs?: number
}

/**
 * Start-up is what a run costs over Node's own start, so these runs talk to an emulator with no injected
 * latency: a round trip is the network's, not the action's. Each pair runs the subject and a bare
 * `node -e ''` back to back, which goes first alternating, and the median of the differences is kept:
 * single figures on a shared machine swing by 2 to 4 times, a difference within a pair much less.
 */
async function startUps(): Promise<StartUp[]> {
  const s: Scenario = { name: '5 URLs, Free', plan: 'free', type: 'files', count: 5 }
  const emulator = await startEmulator(fixtureOptions({ latencyMs: 0 }))
  const token = fixture.tokens.user.value
  const subjects: Array<{ name: string; targetMs?: number; run: (i: number) => Promise<number> }> = [
    {
      name: 'action, 5-URL purge',
      targetMs: STARTUP_TARGET_MS,
      run: async (i) => {
        const list = items(s, i)
        const run = await runAction(s, list, emulator.url)
        check(s, emulator, list, [run])
        return run.wallMs
      }
    },
    {
      // A relative path is refused before any request: what loading and reading the inputs cost.
      name: 'action, stopped at an input mistake (no request)',
      run: async () => {
        const run = await runAction(s, ['about.html'], emulator.url)
        if (run.exitCode !== 1 || emulator.requests.length > 0)
          throw new Error(`the input mistake was not caught before any request:\n${run.stdout}`)
        return run.wallMs
      }
    },
    {
      name: 'command line, 5-URL purge',
      run: async (i) => {
        const list = items(s, i)
        const run = await measure(
          [CLI, '--zone', fixture.zones[s.plan].id, '--api-url', emulator.url, '--files', list.join(' ')],
          { PATH: process.env.PATH ?? '', HOME: tmpdir(), CLOUDFLARE_API_TOKEN: token },
          tmpdir()
        )
        check(s, emulator, list, [run])
        return run.wallMs
      }
    },
    {
      name: 'command line, --version',
      run: async () => {
        const run = await measure([CLI, '--version'], { PATH: process.env.PATH ?? '' }, tmpdir())
        if (run.exitCode !== 0) throw new Error('cloudflare-purge --version failed')
        return run.wallMs
      }
    }
  ]
  const bareRun = async (): Promise<number> =>
    (await measure(['-e', ''], { PATH: process.env.PATH ?? '' }, tmpdir())).wallMs
  const figures: StartUp[] = []
  try {
    for (const subject of subjects) {
      const runs: number[] = []
      const bare: number[] = []
      for (let i = 0; i < STARTUP_PAIRS; i++) {
        emulator.reset()
        if (i % 2) {
          bare.push(await bareRun())
          runs.push(await subject.run(i))
        } else {
          runs.push(await subject.run(i))
          bare.push(await bareRun())
        }
      }
      figures.push({
        name: subject.name,
        runMs: median(runs),
        bareMs: median(bare),
        differenceMs: median(runs.map((r, i) => r - (bare[i] as number))),
        pairs: runs.length,
        ...(subject.targetMs !== undefined ? { targetMs: subject.targetMs } : {})
      })
    }
  } finally {
    await emulator.close()
  }
  return figures
}

/** The start-up table. */
function startUpLines(starts: StartUp[]): string[] {
  return [
    '',
    `Start-up: each figure is ${STARTUP_PAIRS} pairs alternated run by run (the run, then a bare \`node -e ''\`, or the ` +
      'other way round), against the emulator with no injected latency.',
    '',
    "| start-up | run (median) | bare `node -e ''` (median) | median of the pairwise differences |",
    '| --- | ---: | ---: | ---: |',
    ...starts.map(
      (f) =>
        `| ${f.name} | ${Math.round(f.runMs)} ms | ${Math.round(f.bareMs)} ms | ${Math.round(f.differenceMs)} ms |`
    )
  ]
}

/** Node's own start, when the start-up figures are not measured: the median of a few bare runs. */
async function bareStart(): Promise<number> {
  const runs: number[] = []
  for (let i = 0; i < 5; i++)
    runs.push((await measure(['-e', ''], { PATH: process.env.PATH ?? '' }, tmpdir())).wallMs)
  return median(runs)
}

/** The two rows of the API budget: what a refused item costs, and how much of the window the big run left. */
function budgetLines(refusals: RefusalRow | undefined, big: Row | undefined): string[] {
  if (!refusals && big?.fewestLeft === undefined) return []
  const lines = ['', '| API budget | figure | detail |', '| --- | ---: | --- |']
  if (refusals) {
    const perItem = (refusals.sent - refusals.planned) / refusals.refused
    lines.push(
      `| purge requests per refused item | ${perItem.toFixed(2)} | ${refusals.urls.toLocaleString('en-US')} URLs on Free, ` +
        `${refusals.refused} refused: ${refusals.sent} purge requests for ${refusals.planned} planned, ` +
        `${refusals.rateLimited} answered 429, fewest left in the window ${refusals.fewestLeft ?? 'n/a'} of 1,200 |`
    )
  }
  if (big?.fewestLeft !== undefined)
    lines.push(
      `| fewest requests left in the window, ${big.scenario.name} | ${big.fewestLeft} | of 1,200 per 5 minutes; ` +
        `${big.sent} requests sent |`
    )
  return lines
}

async function nodeVersion(): Promise<string> {
  return new Promise((done) => {
    const child = spawn(NODE, ['-v'])
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.on('close', () => done(out.trim()))
  })
}

const fmtS = (ms: number): string => `${(ms / 1000).toFixed(2)} s`

async function main(): Promise<void> {
  if (!existsSync(DIST)) throw new Error(`${DIST} is missing: run \`npm run package\` first`)
  const startedAll = performance.now()
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')
  console.log(
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GB, ` +
      `load average ${load} at start; action run by Node ${await nodeVersion()}; emulator latency ` +
      `${LATENCY_MS} ms per request in the scenarios, none in the start-up figures.\n`
  )

  const only = process.env.BENCH_ONLY
  const starts = only === 'budget' ? [] : await startUps()
  if (starts.length > 0) console.error(`done: start-up, ${starts.length} figures of ${STARTUP_PAIRS} pairs`)
  const bareMs = starts.length > 0 ? median(starts.map((f) => f.bareMs)) : await bareStart()
  const rows: Row[] = []
  const chosen = scenarios.filter((s) => (only === 'budget' ? s.memoryTarget : only !== 'start-up'))
  for (const s of chosen) {
    rows.push(await runScenario(s, bareMs))
    console.error(`done: ${s.name} (${fmtS(rows[rows.length - 1]?.wallMs ?? 0)})`)
  }
  const refusals = only === 'start-up' ? undefined : await refusalRun()
  const big = rows.find((r) => r.scenario.memoryTarget)
  const lines = [
    '| scenario | items | requests sent | ideal | 429s | wall time | lower bound | wall / bound | peak memory |',
    '| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.scenario.name} | ${r.items.toLocaleString('en-US')} | ${r.sent} | ${r.ideal} | ${r.rateLimited} | ` +
        `${fmtS(r.wallMs)}${r.runs > 1 ? ` (median of ${r.runs})` : ''} | ${fmtS(r.boundMs)} (${r.boundKind}) | ` +
        `${(r.wallMs / r.boundMs).toFixed(2)} | ${r.peakKiB !== undefined ? `${(r.peakKiB / 1024).toFixed(0)} MiB` : 'n/a'} |`
    ),
    ...(starts.length > 0 ? startUpLines(starts) : []),
    ...budgetLines(refusals, big)
  ]
  console.log(lines.join('\n'))

  const checks: Array<[string, boolean]> = [
    ...rows
      .filter((r) => !r.scenario.concurrent)
      .map((r): [string, boolean] => [`${r.scenario.name}: requests sent = ideal`, r.sent === r.ideal]),
    ...rows
      .filter((r) => !r.scenario.concurrent)
      .map((r): [string, boolean] => [`${r.scenario.name}: no 429`, r.rateLimited === 0]),
    ...rows
      .filter((r) => r.scenario.paced)
      .map((r): [string, boolean] => [
        `${r.scenario.name}: wall time ≤ 1.2 × lower bound`,
        r.wallMs <= 1.2 * r.boundMs
      ]),
    ...rows
      .filter((r) => r.scenario.concurrent)
      .flatMap((r): Array<[string, boolean]> => [
        [`${r.scenario.name}: at most 10 answers 429 in all`, r.rateLimited <= 10],
        [`${r.scenario.name}: wall time ≤ 1.3 × (6,000 / 800 s)`, r.wallMs <= 1.3 * r.boundMs]
      ]),
    ...(big
      ? [
          [
            `${big.scenario.name}: peak memory ≤ ${MEMORY_TARGET_MIB} MiB`,
            big.peakKiB !== undefined && big.peakKiB / 1024 <= MEMORY_TARGET_MIB
          ] as [string, boolean]
        ]
      : []),
    ...(refusals
      ? [
          [
            'refusals: at most 150 purge requests for 5,000 URLs with 500 refused, no 429',
            refusals.sent <= 150 && refusals.rateLimited === 0
          ] as [string, boolean]
        ]
      : []),
    ...(big?.fewestLeft !== undefined
      ? [
          [
            `${big.scenario.name}: at least 60 requests always left in the API window`,
            big.fewestLeft >= 60
          ] as [string, boolean]
        ]
      : []),
    ...starts
      .filter((f) => f.targetMs !== undefined)
      .map((f): [string, boolean] => [
        `${f.name}: start-up within ${f.targetMs} ms of bare Node (paired median)`,
        f.differenceMs <= (f.targetMs as number)
      ])
  ]
  const tookS = (performance.now() - startedAll) / 1000
  if (!only) checks.push([`the benchmark takes under 3 minutes`, tookS < 180])
  console.log(`\nTargets:\n${checks.map(([what, ok]) => `- ${ok ? 'met' : 'NOT MET'}: ${what}`).join('\n')}`)
  console.log(`\nBenchmark took ${tookS.toFixed(1)} s.`)
  if (checks.some(([, ok]) => !ok)) process.exitCode = 1
}

await main()
