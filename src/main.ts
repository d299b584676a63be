// The order of work: inputs → validation → changed files (when asked) → credential and zones (together)
// → plan → purge → report.
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { commitRange, describeRange, listChangedFiles } from './action/changed-files.js'
import { urlsForChanges } from './inputs/changed-urls.js'
import { CloudflareApi } from './cloudflare/api.js'
import { CloudflareHttpClient } from './cloudflare/http-client.js'
import { verifyCredential, type Verification } from './access/credential-verifier.js'
import { diagnose } from './diagnosis/catalogue.js'
import { diagnoseError } from './diagnosis/from-error.js'
import { DiagnosedFailure } from './diagnosis/failure.js'
import { parseSettings, type RawInputs } from './inputs/parser.js'
import { readInputs } from './action/input-reader.js'
import { dedupe, fileKey } from './inputs/items.js'
import { batchSizeFindings, limitsForPlan, planBatches, type Batch } from './purge/planner.js'
import { executeBatches, type BatchOutcome } from './purge/runner.js'
import { describeRateLimit, GLOBAL_API_LIMIT, pacersByAccount, RequestWindow } from './purge/pacing.js'
import {
  Redactor,
  Reporter,
  requestedItems,
  summaryRows,
  totals,
  zoneCounts,
  type ZoneReport
} from './action/reporter.js'
import type { ChangeSettings, Finding, PurgeRequest, Settings } from './types.js'
import {
  findZonesOfHosts,
  resolveZones,
  type HostZones,
  type ZoneResolution
} from './access/zone-resolver.js'
import { assignToZones, itemHosts } from './access/zone-assignment.js'

const USER_AGENT =
  'cloudflare-purge-action/0.1 (+https://github.com/marketplace/actions/cloudflare-cache-purge)'
const CONCURRENCY = 8
const PROGRESS_EVERY_MS = 5000

export async function run(): Promise<void> {
  const { raw, secrets } = readInputs()
  const reporter = new Reporter(new Redactor(secrets))
  const progress: RunProgress = {}
  try {
    await purgeCache(raw, reporter, progress)
  } catch (error) {
    let findings: Finding[]
    if (error instanceof DiagnosedFailure) {
      findings = error.findings
    } else {
      // Unexpected: explain in one line; the stack goes to the debug log only.
      reporter.debug(error instanceof Error ? (error.stack ?? error.message) : String(error))
      findings = [diagnoseError(error, { stage: 'purge' })]
    }
    reporter.findings(findings)
    // A failure after the outputs were written (e.g. the summary file) must not overwrite them.
    if (!reporter.outputsWritten) {
      await reportNothingPurged(progress.settings, findings, reporter).catch((reportError: unknown) => {
        // The runner's files themselves failed: the annotations above still reach the log.
        const detail = reportError instanceof Error ? reportError.message : String(reportError)
        reporter.debug(reportError instanceof Error ? (reportError.stack ?? detail) : detail)
        reporter.findings([
          diagnose('unexpected-error', {
            detail: `the outputs or the job summary could not be written (${detail})`
          })
        ])
      })
    }
  }
}

/** How far a run got, so that a failure can still say which items were not purged. */
export interface RunProgress {
  settings?: Settings
}

export async function purgeCache(
  raw: RawInputs,
  reporter: Reporter,
  progress: RunProgress = {}
): Promise<void> {
  const workspace = process.env.GITHUB_WORKSPACE || process.cwd()
  const parsed = parseSettings(raw, { readFile: (path) => readFileSync(resolve(workspace, path), 'utf8') })
  reporter.findings(parsed.warnings)
  if (!parsed.settings) throw new DiagnosedFailure(parsed.errors)
  const settings = parsed.settings
  progress.settings = settings
  await reporter.group('Inputs', async () => logInputs(settings, reporter))

  const started = Date.now()
  const changes = settings.changes
  const purgeRequest = changes
    ? await reporter.group('Changed files', () =>
        withChangedFiles(settings.purge, changes, reporter, started + settings.timeoutMs)
      )
    : settings.purge
  // Empty lists (an empty files_from file, nothing changed): nothing to do, so no request at all.
  if (isEmpty(purgeRequest)) {
    reporter.outputs({
      zone_id: '',
      zones: '[]',
      purge_ids: '',
      purged_count: 0,
      failed_count: 0,
      failed_items: '[]'
    })
    return
  }
  const hostless = purgeRequest.everything || purgeRequest.tags.length > 0
  if (settings.zones.length === 0 && hostless && itemHosts(purgeRequest).length === 0) {
    throw new DiagnosedFailure([
      diagnose('no-zone', { what: purgeRequest.everything ? 'purge_everything' : 'tags' })
    ])
  }

  const http = new CloudflareHttpClient({
    apiUrl: settings.apiUrl,
    credential: settings.credential,
    deadline: started + settings.timeoutMs,
    userAgent: USER_AGENT,
    onRetry: (r) =>
      reporter.info(
        `Retrying ${r.endpoint} in ${(r.delayMs / 1000).toFixed(1)} s (attempt ${r.attempt} failed: ${r.reason})`
      )
  })
  const api = new CloudflareApi(http)
  const { from, note } = http.proxyChoice
  if (from) reporter.info(http.proxy ? `Proxy: ${http.proxy} (from ${from})` : `Proxy: none (${note})`)
  try {
    const { verification, zones } = await reporter.group('Credential and zone', () =>
      checkAccess(api, settings, purgeRequest, reporter)
    )
    reporter.findings([...verification.notes, ...zones.flatMap((z) => z.notes)])

    const assignment = assignToZones(
      purgeRequest,
      zones.map((z) => z.zone)
    )
    reporter.findings(assignment.warnings)
    if (assignment.errors.length > 0) throw new DiagnosedFailure(assignment.errors)
    reporter.findings(
      batchSizeFindings(
        assignment.work.map((w) => w.zone),
        settings.batchSize
      )
    )
    const planned = assignment.work.map(({ zone, purge }) => {
      const resolution = zones.find((z) => z.zone.id === zone.id) as ZoneResolution
      return {
        resolution,
        batches: planBatches(zone.id, purge, limitsForPlan(zone.plan, settings.batchSize))
      }
    })

    if (settings.dryRun) {
      await reportDryRun(planned, reporter)
      return
    }
    const outcomes = await reporter.group('Purge', () =>
      purge(
        api,
        planned,
        { deadline: started + settings.timeoutMs, requestsSoFar: http.requestCount },
        reporter
      )
    )
    await reportPurge(planned, outcomes, reporter, started)
  } finally {
    reporter.debug(`${http.requestCount} API requests, ${http.rateLimitedCount} answered 429`)
    await http.close()
  }
}

/** The purge with the URLs of the files changed under changed_paths added; fails when they cannot be listed. */
async function withChangedFiles(
  purge: PurgeRequest,
  changes: ChangeSettings,
  reporter: Reporter,
  deadline: number
): Promise<PurgeRequest> {
  const env = process.env
  const range = commitRange({
    ...(changes.base ? { base: changes.base } : {}),
    ...(changes.head ? { head: changes.head } : {}),
    eventName: env.GITHUB_EVENT_NAME,
    eventPath: env.GITHUB_EVENT_PATH,
    sha: env.GITHUB_SHA
  })
  if (!('base' in range)) throw new DiagnosedFailure([range])
  const files = await listChangedFiles(range, {
    token: changes.githubToken,
    repository: env.GITHUB_REPOSITORY,
    deadline,
    userAgent: USER_AGENT,
    onRetry: (reason) => reporter.info(`Retrying GitHub's compare: ${reason}`)
  })
  const { urls, unmapped } = urlsForChanges(files, changes.mappings)
  const described = describeRange(range)
  reporter.info(
    `${described}: ${files.length} changed file(s), ${files.length - unmapped} under changed_paths, ${urls.length} URL(s) to purge`
  )
  for (const url of urls.slice(0, 50)) reporter.info(`  ${url}`)
  if (urls.length > 50) reporter.info(`  … and ${urls.length - 50} more`)
  const merged = { ...purge, files: dedupe([...purge.files, ...urls.map((url) => ({ url }))], fileKey) }
  if (isEmpty(merged))
    reporter.findings([diagnose('nothing-changed', { range: described, count: files.length })])
  return merged
}

function isEmpty(p: PurgeRequest): boolean {
  return !p.everything && p.files.length + p.tags.length + p.hosts.length + p.prefixes.length === 0
}

function logInputs(settings: Settings, reporter: Reporter): void {
  const zones =
    settings.zones.map((z) => (z.kind === 'id' ? z.id : z.name)).join(', ') ||
    'found from the hostnames of the items'
  const credential = settings.credential.kind === 'token' ? 'API token' : 'email + Global API Key'
  const p = settings.purge
  const what = p.everything
    ? 'everything'
    : (
        [
          [p.files.length, 'URL'],
          [p.tags.length, 'tag'],
          [p.hosts.length, 'host'],
          [p.prefixes.length, 'prefix']
        ] as const
      )
        .filter(([count]) => count > 0)
        .map(([count, noun]) => `${count} ${noun}${count === 1 ? '' : noun === 'prefix' ? 'es' : 's'}`)
        .join(', ')
  reporter.info(`Zone: ${zones}`)
  reporter.info(`Credential: ${credential}`)
  const changed = settings.changes
    ? `the files changed under ${settings.changes.mappings.map((m) => `${m.path || './'} → ${m.url}`).join(', ')}`
    : ''
  reporter.info(`Purge: ${[what, changed].filter(Boolean).join(', and ') || 'nothing'}`)
  if (settings.dryRun) reporter.info('Dry run: nothing will be purged')
  if (settings.apiUrl !== 'https://api.cloudflare.com/client/v4') reporter.info(`API: ${settings.apiUrl}`)
}

/**
 * Verifies the credential and resolves the zones (given, or found from the items' hostnames) at the same
 * time; the verdict on the credential comes first.
 */
async function checkAccess(
  api: CloudflareApi,
  settings: Settings,
  purge: PurgeRequest,
  reporter: Reporter
): Promise<{ verification: Verification; zones: ZoneResolution[] }> {
  const zonesPromise: Promise<HostZones> =
    settings.zones.length > 0
      ? resolveZones(api, settings.zones).then((zones) => ({ zones, byHost: new Map(), errors: [] }))
      : findZonesOfHosts(api, itemHosts(purge))
  zonesPromise.catch(() => undefined) // awaited below; this only keeps an early rejection from going unhandled
  const verificationPromise = verifyCredential(api, settings.credential, {
    ...(settings.accountId ? { accountId: settings.accountId } : {}),
    zoneAccountId: async () => (await zonesPromise).zones.find((z) => z.zone.accountId)?.zone.accountId
  })
  const [verification, found] = await Promise.allSettled([verificationPromise, zonesPromise])
  // An Account ID given as zone was recognised by reading that account with this very credential,
  // so it is the real problem even when the token could not be verified (no account to verify under).
  if (verification.status === 'rejected' && found.status === 'rejected' && isAccountIdMixup(found.reason))
    throw found.reason
  if (verification.status === 'rejected') throw verification.reason
  if (found.status === 'rejected') throw found.reason
  // Every hostname in no visible zone, reported together, before anything is purged.
  if (found.value.errors.length > 0) throw new DiagnosedFailure(found.value.errors)
  const zones = found.value.zones
  for (const [host, zoneId] of found.value.byHost) {
    reporter.info(`Host ${host} → zone ${zones.find((z) => z.zone.id === zoneId)?.zone.name ?? zoneId}`)
  }
  const v = verification.value
  reporter.info(
    v.owner === 'global-key'
      ? 'Global API Key accepted'
      : `API token is active (${v.owner === 'account' ? 'account-owned' : 'user'} token${v.tokenId ? ` ${v.tokenId}` : ''})`
  )
  for (const z of zones) {
    const plan = z.zone.plan ? `${z.zone.plan} plan` : 'plan unknown'
    reporter.info(
      `Zone ${z.label} → ${z.zone.id}${z.zone.name && z.zone.name !== z.label ? ` (${z.zone.name})` : ''}, ${plan}`
    )
  }
  return { verification: v, zones }
}

function isAccountIdMixup(error: unknown): boolean {
  return error instanceof DiagnosedFailure && error.findings.some((f) => f.id === 'zone-is-account-id')
}

interface PlannedZone {
  resolution: ZoneResolution
  batches: Batch[]
}

async function purge(
  api: CloudflareApi,
  planned: PlannedZone[],
  run: { deadline: number; requestsSoFar: number },
  reporter: Reporter
): Promise<BatchOutcome[]> {
  const pacerFor = pacersByAccount(planned.map((p) => p.resolution.zone))
  const batches = planned.flatMap((p) => p.batches)
  const started = Date.now()
  const total = batches.reduce((n, b) => n + Math.max(1, b.items.length), 0)
  let done = 0
  // A timer, not a callback per batch: a run held up by the rate limit still says how far it got.
  const progress = setInterval(() => {
    const rate = Math.round((done / (Date.now() - started)) * 1000)
    reporter.info(`Progress: ${done} of ${total} items purged or given up (${rate}/s)`)
  }, PROGRESS_EVERY_MS)
  progress.unref()
  let outcomes: BatchOutcome[]
  try {
    outcomes = await executeBatches(api, batches, {
      concurrency: CONCURRENCY,
      pacerFor,
      // The verification and zone lookups already count against the credential's limit.
      globalLimit: new RequestWindow(GLOBAL_API_LIMIT, run.requestsSoFar),
      pause: api.http,
      deadline: run.deadline,
      onProgress: (itemsDone) => (done = itemsDone),
      onSplit: (batch, limit) =>
        reporter.findings([diagnose('too-many-items', { type: batch.type, size: batch.items.length, limit })])
    })
  } finally {
    clearInterval(progress)
  }
  const sent = outcomes.filter((o) => o.purgeId).length
  reporter.info(
    `${sent} of ${outcomes.length} purge requests succeeded in ${((Date.now() - started) / 1000).toFixed(1)} s`
  )
  return outcomes
}

async function reportPurge(
  planned: PlannedZone[],
  outcomes: BatchOutcome[],
  reporter: Reporter,
  started: number
): Promise<void> {
  // Each failed batch is diagnosed once: its finding feeds both failed_items and the annotations.
  const failures = new Map<BatchOutcome, { finding: Finding; resolution: ZoneResolution }>()
  for (const outcome of outcomes) {
    if (!outcome.error) continue
    const resolution = planned.find((p) => p.resolution.zone.id === outcome.batch.zoneId)
      ?.resolution as ZoneResolution
    failures.set(outcome, { finding: failureOf(outcome, resolution), resolution })
  }
  const zoneReports: ZoneReport[] = planned.map(({ resolution }) => {
    const zoneId = resolution.zone.id
    return {
      zoneId,
      label: resolution.zone.name ?? zoneId,
      outcomes: outcomes
        .filter((o) => o.batch.zoneId === zoneId)
        .map((o) => {
          const failure = failures.get(o)
          return failure ? { ...o, reason: failure.finding.message } : o
        })
    }
  })
  reporter.findings(failureAnnotations(failures))
  const sum = totals(zoneReports)
  const perZone = zoneCounts(zoneReports.map((z, i) => ({ ...z, name: planned[i]?.resolution.zone.name })))
  reporter.outputs({
    zone_id: planned.map((p) => p.resolution.zone.id).join(','),
    zones: JSON.stringify(perZone),
    purge_ids: sum.purgeIds.join(','),
    purged_count: sum.purgedCount,
    failed_count: sum.failedItems.length,
    failed_items: JSON.stringify(sum.failedItems)
  })
  const seconds = ((Date.now() - started) / 1000).toFixed(1)
  if (sum.failedItems.length === 0) reporter.info(`Purged ${sum.purgedCount} item(s) in ${seconds} s`)
  await reporter.summary((s) => {
    s.addHeading('Cloudflare cache purge', 2)
    s.addTable([
      [
        { data: 'Zone', header: true },
        { data: 'Type', header: true },
        { data: 'Items', header: true },
        { data: 'Purged', header: true },
        { data: 'Failed', header: true },
        { data: 'Request IDs', header: true }
      ],
      ...summaryRows(zoneReports).map((r) => [
        r.zone,
        r.type,
        String(r.items),
        String(r.purged),
        String(r.failed),
        r.ids.length > 3 ? `${r.ids.slice(0, 3).join(', ')} and ${r.ids.length - 3} more` : r.ids.join(', ')
      ])
    ])
    s.addRaw(`${sum.purgedCount} purged, ${sum.failedItems.length} failed, in ${seconds} s.`, true)
    if (perZone.length > 1) {
      s.addHeading('Per zone', 3)
      s.addTable([
        ['Zone', 'Zone ID', 'Items', 'Purged', 'Failed'].map((data) => ({ data, header: true })),
        ...perZone.map((z) => [
          z.name || z.id,
          z.id,
          String(z.items),
          String(z.purged_count),
          String(z.failed_count)
        ])
      ])
    }
    if (sum.failedItems.length > 0) {
      s.addHeading('Not purged', 3)
      s.addList([...new Set(sum.failedItems.map((f) => f.reason))])
    }
  })
}

function failureOf(outcome: BatchOutcome, resolution: ZoneResolution): Finding {
  return diagnoseError(outcome.error, {
    stage: 'purge',
    zone: resolution.label,
    verified: true,
    zoneReadable: resolution.readable,
    rateLimit: describeRateLimit(resolution.zone.plan, outcome.batch.type)
  })
}

/** One annotation per zone and kind of failure, counting the items it left unpurged. */
function failureAnnotations(
  failures: Map<BatchOutcome, { finding: Finding; resolution: ZoneResolution }>
): Finding[] {
  const groups = new Map<string, { finding: Finding; items: number; label: string }>()
  for (const [outcome, { finding, resolution }] of failures) {
    const key = `${resolution.zone.id} ${finding.id} ${finding.message}`
    const group = groups.get(key) ?? { finding, items: 0, label: resolution.label }
    group.items += Math.max(1, outcome.batch.items.length)
    groups.set(key, group)
  }
  return [...groups.values()].map(({ finding, items, label }) => ({
    ...finding,
    message: `${items} item${items === 1 ? '' : 's'} on ${label} not purged (listed in the failed_items output). ${finding.message}`
  }))
}

/** The run stopped before any purge request: every requested item is reported as not purged. */
async function reportNothingPurged(
  settings: Settings | undefined,
  findings: Finding[],
  reporter: Reporter
): Promise<void> {
  const first = findings.find((f) => f.severity === 'error') ?? findings[0]
  const reason = first ? `${first.title}: ${first.message}` : 'the run stopped before purging'
  const failed = settings && !settings.dryRun ? requestedItems(settings, reason) : []
  reporter.outputs({
    purged_count: 0,
    failed_count: failed.length,
    failed_items: JSON.stringify(failed),
    purge_ids: '',
    zones: '[]'
  })
  await reporter.summary((s) => {
    s.addHeading('Cloudflare cache purge', 2)
    s.addRaw(
      `Nothing was purged: ${first?.title ?? 'the run stopped'}.` +
        (failed.length > 0
          ? ` ${failed.length} requested item(s) are listed in the failed_items output.`
          : ''),
      true
    )
  })
}

async function reportDryRun(planned: PlannedZone[], reporter: Reporter): Promise<void> {
  await reporter.group('Plan (dry run)', async () => {
    for (const { resolution, batches } of planned) {
      for (const [i, batch] of batches.entries()) {
        const count = batch.type === 'everything' ? '' : ` ${batch.items.length} item(s)`
        reporter.info(`Request ${i + 1} on ${resolution.label}: ${batch.type}${count}`)
      }
    }
  })
  const total = planned.reduce(
    (n, p) => n + p.batches.reduce((m, b) => m + Math.max(1, b.items.length), 0),
    0
  )
  const requests = planned.reduce((n, p) => n + p.batches.length, 0)
  reporter.info(`Dry run: ${total} item(s) in ${requests} request(s) would be purged; nothing was sent`)
  const perZone = zoneCounts(
    planned.map(({ resolution, batches }) => ({
      zoneId: resolution.zone.id,
      label: resolution.label,
      name: resolution.zone.name,
      outcomes: batches.map((batch) => ({ batch }))
    })),
    false
  )
  reporter.outputs({
    zone_id: planned.map((p) => p.resolution.zone.id).join(','),
    zones: JSON.stringify(perZone),
    purge_ids: '',
    purged_count: 0,
    failed_count: 0,
    failed_items: '[]'
  })
  await reporter.summary((s) => {
    s.addHeading('Cloudflare cache purge (dry run)', 2)
    s.addRaw('Nothing was purged. This is what would be sent:', true)
    const rows = new Map<string, { zone: string; type: string; items: number; requests: number }>()
    for (const { resolution, batches } of planned) {
      for (const b of batches) {
        const key = `${resolution.zone.id} ${b.type}`
        const row = rows.get(key) ?? {
          zone: resolution.zone.name ?? resolution.zone.id,
          type: b.type,
          items: 0,
          requests: 0
        }
        row.items += b.type === 'everything' ? 1 : b.items.length
        row.requests += 1
        rows.set(key, row)
      }
    }
    s.addTable([
      [
        { data: 'Zone', header: true },
        { data: 'Type', header: true },
        { data: 'Items', header: true },
        { data: 'Requests', header: true }
      ],
      ...[...rows.values()].map((r) => [r.zone, r.type, String(r.items), String(r.requests)])
    ])
  })
}
