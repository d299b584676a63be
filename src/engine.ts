// The engine: from validated settings to one RunResult, without the Actions toolkit. The action
// (src/main.ts) calls it, and so can a command line; each edge turns the result into what its user sees.
// Order of work: add the changed files' URLs → verify the credential and find the zones → assign the
// items to their zones → plan the requests → find the Version Management environment in each zone (when
// one is named) → send them (or, on a dry run, show the plan) → sum up.
import { checkAccess } from './access/check-access.js'
import { assignToZones } from './access/zone-assignment.js'
import type { ZoneResolution } from './access/zone-resolver.js'
import { CloudflareApi } from './cloudflare/api.js'
import { CloudflareHttpClient } from './cloudflare/http-client.js'
import { diagnose } from './diagnosis/catalogue.js'
import { DiagnosedFailure } from './diagnosis/failure.js'
import { diagnoseError } from './diagnosis/from-error.js'
import type { ListedChanges } from './inputs/changed-urls.js'
import { isEmptyPurge, withChangedUrls, zoneMissing } from './inputs/request.js'
import {
  diagnoseFailures,
  failureAnnotations,
  splitRecorder,
  splitWarnings,
  type FailedRequest
} from './purge/failures.js'
import { batchSizeFindings, itemCount, limitsForPlan, planBatches } from './purge/planner.js'
import type { BatchOutcome } from './purge/runner.js'
import { sendPlan, type PlannedZone } from './purge/send.js'
import { describeEnvironment, findEnvironments, wordsFor } from './purge/target.js'
import {
  emptyRun,
  stoppedRun,
  totals,
  type FailureCause,
  type RunResult,
  type ZoneRun
} from './report/result.js'
import { dryRunLimits } from './report/summary.js'
import type { CacheMode, Finding, PurgeRequest, Settings, ZoneRef } from './types.js'
import { edgeCandidates } from './verify/candidates.js'
import { checkAtEdge, type VerifyResult } from './verify/check.js'
import { EdgeClient } from './verify/edge-client.js'
import { edgeFindings } from './verify/findings.js'
import { describeEdgeCheck } from './verify/words.js'
import { count, countOf, seconds } from './words.js'

/** Where the engine tells its user what happens: the Actions log at the action's edge, a terminal in a CLI. */
export interface RunReporter {
  info(line: string): void
  warning(line: string): void
  notice(line: string): void
  debug(line: string): void
  /** A progress line while purge requests are sent, every few seconds; a terminal may redraw it in place. Default: `info`. */
  progress?(line: string): void
  /** How often `progress` gets a line; default: every 5 s. */
  readonly progressEveryMs?: number
  /** One annotation per finding, in order; an error finding fails the run. */
  findings(findings: Finding[]): void
  /** Runs `work` under a heading: a collapsible group in the Actions log. */
  group<T>(name: string, work: () => Promise<T>): Promise<T>
}

export interface EngineOptions {
  /** Sent with every request to Cloudflare. */
  userAgent: string
  /** When the run began (epoch ms); `timeout` counts from here, so listing the changed files counts too. Default: now. */
  startedAt?: number
  /** The files changed under `changed_paths`, already listed and mapped to URLs. */
  changes?: ListedChanges
}

/**
 * Purges (or invalidates) what the settings ask for, or plans it on a dry run, and returns what happened;
 * never throws.
 */
export async function purgeCache(
  settings: Settings,
  options: EngineOptions,
  reporter: RunReporter
): Promise<RunResult> {
  const result = await run(settings, options, reporter)
  return settings.mode ? { ...result, mode: settings.mode } : result
}

async function run(settings: Settings, options: EngineOptions, reporter: RunReporter): Promise<RunResult> {
  const startedAt = options.startedAt ?? Date.now()
  const purge = options.changes ? withChangedUrls(settings.purge, options.changes.urls) : settings.purge
  const requested = {
    zones: settings.zones,
    purge,
    dryRun: settings.dryRun,
    ...(settings.mode ? { mode: settings.mode } : {})
  }
  // A changed file's URL that fails the checks a URL in `files` passes stops the run like one would.
  const refused = options.changes?.errors ?? []
  if (refused.length > 0) return stopRun(new DiagnosedFailure(refused), reporter, startedAt, requested)
  if (isEmptyPurge(purge)) {
    if (options.changes) {
      const { range, files } = options.changes
      reporter.findings([diagnose('nothing-changed', { range, count: files })])
    }
    return emptyRun('nothing-to-purge', startedAt)
  }
  const noZone = zoneMissing(settings.zones, purge)
  if (noZone) return stopRun(new DiagnosedFailure([noZone]), reporter, startedAt, requested)

  const http = new CloudflareHttpClient({
    apiUrl: settings.apiUrl,
    credential: settings.credential,
    deadline: startedAt + settings.timeoutMs,
    userAgent: options.userAgent,
    onRetry: (r) =>
      reporter.info(
        `Retrying ${r.endpoint} in ${seconds(r.delayMs)} (attempt ${r.attempt} failed: ${r.reason})`
      ),
    onWarning: (w) => reporter.findings([diagnose('success-with-errors', w)])
  })
  const { from, note } = http.proxyChoice
  if (from) reporter.info(http.proxy ? `Proxy: ${http.proxy} (from ${from})` : `Proxy: none (${note})`)
  const apiRequests = (): RunResult['apiRequests'] => ({
    total: http.requestCount,
    rateLimited: http.rateLimitedCount
  })
  try {
    const result = await purgeWith(new CloudflareApi(http), settings, purge, startedAt, reporter)
    const verify = await verifyAtEdge(settings, result, options.userAgent, reporter)
    return { ...result, apiRequests: apiRequests(), ...(verify ? { verify } : {}) }
  } catch (error) {
    return { ...stopRun(error, reporter, startedAt, requested), apiRequests: apiRequests() }
  } finally {
    reporter.debug(`${http.requestCount} API requests, ${http.rateLimitedCount} answered 429`)
    await http.close()
  }
}

/**
 * With `verify`, after an accepted purge: the purged URLs (and `verify_urls`) requested at the edge, each
 * answer read into a verdict and reported. Within `timeout`, outside the API's request budget.
 */
async function verifyAtEdge(
  settings: Settings,
  result: RunResult,
  userAgent: string,
  reporter: RunReporter
): Promise<VerifyResult | undefined> {
  const wanted = settings.verify
  if (!wanted || result.status !== 'purged') return undefined
  const items = edgeCandidates(
    result.zones.flatMap((z) => z.requests),
    wanted.urls
  )
  if (items.length === 0) return undefined
  const deadline = result.timings.startedAt + settings.timeoutMs
  const client = new EdgeClient({ userAgent, deadline })
  // The earliest moment Cloudflare can have accepted the purge: a copy cached since then is a new one.
  const acceptedAt = result.timings.purgeStartedAt ?? result.timings.startedAt
  try {
    const verified = await reporter.group('At the edge', async () => {
      const found = await checkAtEdge({
        items,
        limit: wanted.limit,
        warm: wanted.warm,
        acceptedAt,
        deadline,
        get: (i) => client.get(i)
      })
      for (const line of describeEdgeCheck(found)) reporter.info(line)
      return found
    })
    reporter.findings(edgeFindings(verified))
    return verified
  } finally {
    reporter.debug(`${client.requestCount} edge requests (not API calls)`)
    await client.close()
  }
}

/** Reports what stopped the run before purging, and returns a result listing every requested item as not purged. */
export function stopRun(
  error: unknown,
  reporter: RunReporter,
  startedAt: number,
  requested?: { zones: ZoneRef[]; purge: PurgeRequest; dryRun: boolean; mode?: CacheMode }
): RunResult {
  let findings: Finding[]
  if (error instanceof DiagnosedFailure) findings = error.findings
  else {
    // Unexpected: explained in one line; the stack goes to the debug log only.
    reporter.debug(error instanceof Error ? (error.stack ?? error.message) : String(error))
    findings = [diagnoseError(error, { stage: 'purge' })]
  }
  reporter.findings(findings)
  return stoppedRun(findings, startedAt, requested)
}

async function purgeWith(
  api: CloudflareApi,
  settings: Settings,
  purge: PurgeRequest,
  startedAt: number,
  reporter: RunReporter
): Promise<RunResult> {
  const info = (line: string): void => reporter.info(line)
  const access = await reporter.group('Credential and zone', () => checkAccess(api, settings, purge, info))
  const notes = [...access.verification.notes, ...access.zones.flatMap((z) => z.notes)]
  reporter.findings(notes)

  const assignment = assignToZones(
    purge,
    access.zones.map((z) => z.zone)
  )
  reporter.findings(assignment.warnings)
  if (assignment.errors.length > 0) throw new DiagnosedFailure(assignment.errors)
  reporter.findings(
    batchSizeFindings(
      assignment.work.map((w) => w.zone),
      settings.batchSize
    )
  )
  let planned: PlannedZone[] = assignment.work.map(({ zone, purge: part }) => ({
    resolution: access.zones.find((z) => z.zone.id === zone.id) as ZoneResolution,
    batches: planBatches(zone.id, part, limitsForPlan(zone.plan, settings.batchSize))
  }))
  const { owner, tokenId } = access.verification
  const verified = { credential: { owner, ...(tokenId ? { tokenId } : {}) }, notes }
  const mode = settings.mode ?? 'purge'
  const wanted = settings.environment
  // Before the dry run, so that it shows the environment each zone's requests would go to.
  if (wanted) {
    const zones = planned
    planned = await reporter.group('Environment', () => findEnvironments(api, zones, { wanted, mode }, info))
  }

  if (settings.dryRun) {
    await reporter.group('Plan (dry run)', async () => logPlan(planned, mode, info))
    const zones = zoneRuns(planned)
    // Outside the group, where a reader sees it: what passing a dry run does not promise.
    for (const line of dryRunLimits({ mode, zones, ...verified })) info(line)
    return { ...summed('planned', zones, startedAt), ...verified }
  }
  const words = wordsFor(mode)
  const purgeStarted = Date.now()
  const { splits, record } = splitRecorder()
  const { outcomes, sent } = await reporter.group(words.Verb, () =>
    sendPlan(api, planned, {
      deadline: startedAt + settings.timeoutMs,
      log: info,
      progress: (line) => (reporter.progress ? reporter.progress(line) : info(line)),
      ...(reporter.progressEveryMs ? { progressEveryMs: reporter.progressEveryMs } : {}),
      onSplit: record,
      mode
    })
  )
  const purgeMs = Date.now() - purgeStarted
  // Once the outcomes are known, a split can say whether anything was lost.
  reporter.findings(splitWarnings(splits, outcomes))
  const failures = diagnoseFailures(planned, outcomes)
  reporter.findings(failureAnnotations(failures, mode))
  const result = summed('purged', zoneRuns(planned, { outcomes, failures }), startedAt)
  if (result.failed.length === 0)
    info(`${words.Past} ${count(result.purgedCount, 'item')} in ${seconds(result.timings.totalMs)}`)
  return {
    ...result,
    ...verified,
    requestsSent: sent,
    timings: { ...result.timings, purgeMs, purgeStartedAt: purgeStarted }
  }
}

/** Each zone with its requests: as sent, with their purge IDs or reasons, or (on a dry run) as planned. */
function zoneRuns(
  planned: PlannedZone[],
  sent?: { outcomes: BatchOutcome[]; failures: FailedRequest[] }
): ZoneRun[] {
  const failures = new Map(sent?.failures.map((f) => [f.outcome, f]))
  const causeOf = ({ finding, rerun }: FailedRequest): FailureCause => ({
    title: finding.title,
    rerun,
    ...(finding.id === 'purge-item-refused' ? { perItem: true } : {})
  })
  return planned.map(({ resolution: { zone, label }, batches, environment }) => ({
    id: zone.id,
    name: zone.name,
    label,
    plan: zone.plan,
    ...(environment ? { environment } : {}),
    requests: sent
      ? sent.outcomes
          .filter((o) => o.batch.zoneId === zone.id)
          .map((o) => {
            const failure = failures.get(o)
            return failure
              ? { batch: o.batch, reason: failure.finding.message, cause: causeOf(failure) }
              : { batch: o.batch, purgeId: o.purgeId }
          })
      : batches.map((batch) => ({ batch }))
  }))
}

function summed(status: 'planned' | 'purged', zones: ZoneRun[], startedAt: number): RunResult {
  return { ...emptyRun(status, startedAt), zones, ...totals(zones) }
}

function logPlan(planned: PlannedZone[], mode: CacheMode, info: (line: string) => void): void {
  const words = wordsFor(mode)
  for (const { resolution, batches, environment } of planned) {
    const where = environment
      ? `${resolution.label}, environment ${describeEnvironment(environment)}`
      : resolution.label
    for (const [i, batch] of batches.entries()) {
      info(`Request ${i + 1} on ${where}: ${words.verb} ${countOf(batch.type, batch.items.length)}`)
    }
  }
  const batches = planned.flatMap((p) => p.batches)
  const items = batches.reduce((n, b) => n + itemCount(b), 0)
  info(
    `Dry run: ${count(items, 'item')} in ${count(batches.length, 'request')} would be ${words.past}; nothing was sent`
  )
}
