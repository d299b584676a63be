// The order of work: inputs → validation → credential and zone (together) → plan → purge → report.
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { CloudflareApi } from './cloudflare/api.js'
import { CloudflareHttpClient } from './cloudflare/http-client.js'
import { verifyCredential, type Verification } from './credential-verifier.js'
import { diagnose } from './diagnoses.js'
import { diagnoseError } from './error-diagnosis.js'
import { DiagnosedFailure } from './failure.js'
import { parseSettings, type RawInputs } from './input-parser.js'
import { readInputs } from './input-reader.js'
import { limitsForPlan, planBatches, type Batch } from './purge-planner.js'
import { executeBatches, type BatchOutcome } from './purge-runner.js'
import { describeRateLimit, GLOBAL_API_LIMIT, PurgePacer, TokenBucket } from './rate-limiter.js'
import { Redactor, Reporter, requestedItems, summaryRows, totals, type ZoneReport } from './report.js'
import type { Finding, Settings } from './types.js'
import { resolveZone, type ZoneResolution } from './zone-resolver.js'
import { assignToZones } from './zone-assignment.js'

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
    await reportNothingPurged(progress.settings, findings, reporter)
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
      checkAccess(api, settings, reporter)
    )
    reporter.findings([...verification.notes, ...zones.flatMap((z) => z.notes)])

    const assignment = assignToZones(
      settings.purge,
      zones.map((z) => z.zone)
    )
    reporter.findings(assignment.warnings)
    if (assignment.errors.length > 0) throw new DiagnosedFailure(assignment.errors)
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
    const outcomes = await reporter.group('Purge', () => purge(api, planned, settings, reporter))
    await reportPurge(planned, outcomes, reporter, started)
  } finally {
    reporter.debug(`${http.requestCount} API requests, ${http.rateLimitedCount} answered 429`)
    await http.close()
  }
}

function logInputs(settings: Settings, reporter: Reporter): void {
  const zones = settings.zones.map((z) => (z.kind === 'id' ? z.id : z.name)).join(', ')
  const credential = settings.credential.kind === 'token' ? 'API token' : 'email + Global API Key'
  const p = settings.purge
  const what = p.everything
    ? 'everything'
    : [
        p.files.length && `${p.files.length} files`,
        p.tags.length && `${p.tags.length} tags`,
        p.hosts.length && `${p.hosts.length} hosts`,
        p.prefixes.length && `${p.prefixes.length} prefixes`
      ]
        .filter(Boolean)
        .join(', ')
  reporter.info(`Zone: ${zones}`)
  reporter.info(`Credential: ${credential}`)
  reporter.info(`Purge: ${what || 'nothing (every item was a duplicate)'}`)
  if (settings.dryRun) reporter.info('Dry run: nothing will be purged')
  if (settings.apiUrl !== 'https://api.cloudflare.com/client/v4') reporter.info(`API: ${settings.apiUrl}`)
}

/** Verifies the credential and resolves the zones at the same time; the verdict on the credential comes first. */
async function checkAccess(
  api: CloudflareApi,
  settings: Settings,
  reporter: Reporter
): Promise<{ verification: Verification; zones: ZoneResolution[] }> {
  const zonesPromise = Promise.all(settings.zones.map((ref) => resolveZone(api, ref)))
  zonesPromise.catch(() => undefined) // awaited below; this only keeps an early rejection from going unhandled
  const verificationPromise = verifyCredential(api, settings.credential, {
    ...(settings.accountId ? { accountId: settings.accountId } : {}),
    zoneAccountId: async () => (await zonesPromise).find((z) => z.zone.accountId)?.zone.accountId
  })
  const [verification, zones] = await Promise.allSettled([verificationPromise, zonesPromise])
  if (verification.status === 'rejected') throw verification.reason
  if (zones.status === 'rejected') throw zones.reason
  const v = verification.value
  reporter.info(
    v.owner === 'global-key'
      ? 'Global API Key accepted'
      : `API token is active (${v.owner === 'account' ? 'account-owned' : 'user'} token${v.tokenId ? ` ${v.tokenId}` : ''})`
  )
  for (const z of zones.value) {
    const plan = z.zone.plan ? `${z.zone.plan} plan` : 'plan unknown'
    reporter.info(
      `Zone ${z.label} → ${z.zone.id}${z.zone.name && z.zone.name !== z.label ? ` (${z.zone.name})` : ''}, ${plan}`
    )
  }
  return { verification: v, zones: zones.value }
}

interface PlannedZone {
  resolution: ZoneResolution
  batches: Batch[]
}

async function purge(
  api: CloudflareApi,
  planned: PlannedZone[],
  settings: Settings,
  reporter: Reporter
): Promise<BatchOutcome[]> {
  const pacers = new Map<string, PurgePacer>()
  const pacerFor = (zoneId: string): PurgePacer => {
    const zone = planned.find((p) => p.resolution.zone.id === zoneId)?.resolution.zone
    const key = `${zone?.accountId ?? zoneId} ${zone?.plan ?? 'free'}`
    let pacer = pacers.get(key)
    if (!pacer) pacers.set(key, (pacer = new PurgePacer(zone?.plan)))
    return pacer
  }
  const batches = planned.flatMap((p) => p.batches)
  const started = Date.now()
  let lastProgress = started
  const outcomes = await executeBatches(api, batches, {
    concurrency: CONCURRENCY,
    pacerFor,
    globalBucket: new TokenBucket(GLOBAL_API_LIMIT),
    deadline: started + settings.timeoutMs,
    onProgress: (done, total) => {
      const now = Date.now()
      if (now - lastProgress < PROGRESS_EVERY_MS || done === total) return
      lastProgress = now
      const rate = Math.round((done / (now - started)) * 1000)
      reporter.info(`Progress: ${done} of ${total} items (${rate}/s)`)
    },
    onSplit: (batch, limit) =>
      reporter.findings([diagnose('too-many-items', { type: batch.type, size: batch.items.length, limit })])
  })
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
  const zoneReports: ZoneReport[] = planned.map(({ resolution }) => {
    const zoneId = resolution.zone.id
    return {
      zoneId,
      label: resolution.zone.name ?? zoneId,
      outcomes: outcomes
        .filter((o) => o.batch.zoneId === zoneId)
        .map((o) => ({ ...o, ...(o.error ? { reason: failureOf(o, resolution).message } : {}) }))
    }
  })
  reporter.findings(failureAnnotations(planned, outcomes))
  const sum = totals(zoneReports)
  reporter.outputs({
    zone_id: planned.map((p) => p.resolution.zone.id).join(','),
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
function failureAnnotations(planned: PlannedZone[], outcomes: BatchOutcome[]): Finding[] {
  const groups = new Map<string, { finding: Finding; items: number; label: string }>()
  for (const outcome of outcomes) {
    if (!outcome.error) continue
    const resolution = planned.find((p) => p.resolution.zone.id === outcome.batch.zoneId)
      ?.resolution as ZoneResolution
    const finding = failureOf(outcome, resolution)
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
    purge_ids: ''
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
  reporter.outputs({
    zone_id: planned.map((p) => p.resolution.zone.id).join(','),
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
