// The engine on its own, as a command line would call it: plain settings and a plain reporter, no
// Actions toolkit, against the local emulator. Each test checks the one RunResult it returns.
import { describe, expect, it } from '@jest/globals'
import { fixture } from '../emulator/fixtures.js'
import { useEmulator, withEmulator } from '../e2e/emulator-setup.js'
import { purgeCache, type EngineOptions, type RunReporter } from '../src/engine.js'
import { parseSettings, type RawInputs } from '../src/inputs/parser.js'
import type { Finding, Settings } from '../src/types.js'

const { zones, tokens } = fixture
const cf = useEmulator()

/** Everything the engine told its user. */
class Recorder implements RunReporter {
  lines: string[] = []
  found: Finding[] = []
  groups: string[] = []
  info(line: string): void {
    this.lines.push(line)
  }
  warning(line: string): void {
    this.lines.push(`warning: ${line}`)
  }
  notice(line: string): void {
    this.lines.push(`notice: ${line}`)
  }
  debug(line: string): void {
    this.lines.push(`debug: ${line}`)
  }
  findings(findings: Finding[]): void {
    this.found.push(...findings)
  }
  async group<T>(name: string, work: () => Promise<T>): Promise<T> {
    this.groups.push(name)
    return work()
  }
}

function settingsOf(raw: RawInputs): Settings {
  const parsed = parseSettings({ api_url: cf.url, ...raw }, { readFile: () => '' })
  expect(parsed.errors).toEqual([])
  return parsed.settings as Settings
}

async function run(raw: RawInputs, options: Partial<EngineOptions> = {}) {
  const reporter = new Recorder()
  const result = await purgeCache(settingsOf(raw), { userAgent: 'engine-test', ...options }, reporter)
  return { result, reporter }
}

const FILES = { zone: zones.free.id, api_token: tokens.user.value }

describe('purgeCache', () => {
  it('purges and returns the zones, counts, purge IDs, timings and the credential', async () => {
    const { result, reporter } = await run({ ...FILES, files: 'https://example.com/a https://example.com/b' })
    expect(result.status).toBe('purged')
    expect(result.purgedCount).toBe(2)
    expect(result.failed).toEqual([])
    expect(result.purgeIds).toHaveLength(1)
    expect(result.purgeIds[0]).toMatch(/^[0-9a-f]{32}$/)
    expect(result.zones.map((z) => [z.id, z.name, z.plan])).toEqual([[zones.free.id, 'example.com', 'free']])
    expect(result.zones[0]?.requests[0]?.purgeId).toBe(result.purgeIds[0])
    expect(result.credential).toEqual(expect.objectContaining({ owner: 'user' }))
    expect(result.apiRequests.total).toBe(cf.requests.length)
    expect(result.timings.totalMs).toBeGreaterThanOrEqual(result.timings.purgeMs ?? 0)
    expect(cf.purgedItems(zones.free.id)).toEqual(['https://example.com/a', 'https://example.com/b'])
    expect(reporter.groups).toEqual(['Credential and zone', 'Purge'])
    expect(reporter.lines).toContain('Purged 2 items in ' + (result.timings.totalMs / 1000).toFixed(1) + ' s')
    expect(reporter.found).toEqual([])
  })

  it('plans without sending on a dry run; purge everything counts as one item', async () => {
    const { result, reporter } = await run({ ...FILES, purge_everything: 'true', dry_run: 'true' })
    expect(result.status).toBe('planned')
    expect(result.zones[0]?.requests).toEqual([
      { batch: { zoneId: zones.free.id, type: 'everything', items: [] } }
    ])
    expect(result.purgedCount).toBe(0)
    expect(result.failed).toEqual([])
    expect(cf.purgeRequests()).toEqual([])
    expect(reporter.lines).toContain('Dry run: 1 item in 1 request would be purged; nothing was sent')
    // The log says, as the summary does, what passing a dry run does not promise.
    expect(reporter.lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^It cannot check that the token may purge: no Cloudflare API tells a purge-only token/
        )
      ])
    )
  })

  it('stops before purging with every requested item failed, changed URLs included', async () => {
    const { result, reporter } = await run(
      { ...FILES, api_token: 'FAKEunknownToken0000000000000000000000ab', tags: 'release' },
      { changes: { range: 'aaaaaaa...bbbbbbb', files: 1, unmapped: 0, urls: ['https://example.com/new'] } }
    )
    expect(result.status).toBe('stopped')
    expect(result.stoppedBy?.map((f) => f.id)).toEqual(['token-invalid'])
    expect(reporter.found.map((f) => f.id)).toEqual(['token-invalid'])
    expect(result.failed.map((f) => [f.type, f.item, f.zone])).toEqual([
      ['files', 'https://example.com/new', zones.free.id],
      ['tags', 'release', zones.free.id]
    ])
    expect(result.failed[0]?.reason).toMatch(/^API token not recognised: /)
    expect(result.apiRequests.total).toBeGreaterThan(0)
    expect(cf.purgeRequests()).toEqual([])
  })

  it('reports each failed request with its reason, in failed and in one annotation', async () => {
    const { result, reporter } = await run({
      ...FILES,
      api_token: tokens.noPurge.value,
      files: 'https://example.com/a https://example.com/b'
    })
    expect(result.status).toBe('purged')
    expect(result.purgedCount).toBe(0)
    expect(result.failed.map((f) => f.item)).toEqual(['https://example.com/a', 'https://example.com/b'])
    expect(reporter.found.map((f) => f.id)).toEqual(['purge-not-permitted'])
    expect(reporter.found[0]?.message).toMatch(
      /^2 items on .* not purged \(listed in the failed_items output\)\. /
    )
    expect(reporter.found[0]?.message).toContain(result.failed[0]?.reason)
  })

  it('invalidates in the environment it finds, and says invalidated', async () => {
    const { staging } = fixture.environments
    const { result, reporter } = await run({
      zone: 'enterprise.example',
      api_token: tokens.user.value,
      mode: 'invalidate',
      environment: 'STAGING',
      tags: 'release'
    })
    expect(result.status).toBe('purged')
    expect(result.mode).toBe('invalidate')
    expect(result.zones.map((z) => z.environment)).toEqual([{ name: 'Staging', ref: staging.ref }])
    expect(result.purgedCount).toBe(1)
    expect(cf.invalidatedItems(zones.enterprise.id)).toEqual(['release'])
    expect(cf.purgeRequests()).toEqual([])
    expect(cf.requests.filter((r) => r.method === 'POST').map((r) => r.path)).toEqual([
      `/zones/${zones.enterprise.id}/environments/${staging.ref}/invalidate_cache`
    ])
    expect(reporter.groups).toEqual(['Credential and zone', 'Environment', 'Invalidate'])
    expect(reporter.lines).toContain(`Environment on enterprise.example: Staging (ref ${staging.ref})`)
    expect(reporter.lines).toEqual(
      expect.arrayContaining([expect.stringMatching(/^1 invalidation request sent, 1 accepted, in /)])
    )
    expect(reporter.lines).toEqual(expect.arrayContaining([expect.stringMatching(/^Invalidated 1 item in /)]))
  })

  it('shows the environment and the verb in the plan of a dry run', async () => {
    const { production } = fixture.environments
    const { result, reporter } = await run({
      zone: 'enterprise.example',
      api_token: tokens.user.value,
      environment: 'Production',
      purge_everything: 'true',
      dry_run: 'true'
    })
    expect(result.status).toBe('planned')
    expect(result.mode).toBeUndefined()
    expect(result.zones[0]?.environment).toEqual({ name: 'Production', ref: production.ref })
    expect(reporter.lines).toEqual(
      expect.arrayContaining([
        `Request 1 on enterprise.example, environment Production (ref ${production.ref}): purge everything`,
        expect.stringMatching(/^Purging everything on Production clears the cache of every environment/),
        'Dry run: 1 item in 1 request would be purged; nothing was sent'
      ])
    )
    expect(cf.requests.filter((r) => r.method === 'POST')).toEqual([])
  })

  it('stops before sending when the environment is unknown, with the mode in the result', async () => {
    const { result } = await run({
      zone: 'enterprise.example',
      api_token: tokens.user.value,
      mode: 'invalidate',
      environment: 'QA',
      tags: 'release'
    })
    expect(result.status).toBe('stopped')
    expect(result.mode).toBe('invalidate')
    expect(result.stoppedBy?.map((f) => f.id)).toEqual(['environment-unknown'])
    expect(result.failed.map((f) => f.item)).toEqual(['release'])
    expect(cf.requests.filter((r) => r.method === 'POST')).toEqual([])
  })

  it('sends nothing when the changed files give nothing to purge, and says so', async () => {
    const { result, reporter } = await run(
      { api_token: tokens.user.value, changed_paths: 'public/ => https://example.com/', github_token: 'x' },
      { changes: { range: 'aaaaaaa...bbbbbbb', files: 2, unmapped: 2, urls: [] } }
    )
    expect(result.status).toBe('nothing-to-purge')
    expect(reporter.found.map((f) => f.id)).toEqual(['nothing-changed'])
    expect(cf.requests).toEqual([])
  })

  it('needs a zone for tags once the changed files bring no hostname', async () => {
    const { result } = await run(
      {
        api_token: tokens.user.value,
        tags: 't',
        changed_paths: 'public/ => https://example.com/',
        github_token: 'x'
      },
      { changes: { range: 'aaaaaaa...bbbbbbb', files: 1, unmapped: 1, urls: [] } }
    )
    expect(result.stoppedBy?.map((f) => f.id)).toEqual(['no-zone'])
    expect(cf.requests).toEqual([])
  })
})

describe('progress lines', () => {
  it('come as often as the reporter asks (progressEveryMs), through its progress()', async () => {
    const shown: string[] = []
    const reporter = Object.assign(new Recorder(), {
      progressEveryMs: 100,
      progress: (line: string) => shown.push(line)
    })
    // Each answer takes 400 ms, so the purge request is still out when the first lines are due.
    await withEmulator({ latencyMs: 400 }, async (slow) => {
      const parsed = parseSettings(
        { api_url: slow.url, ...FILES, files: 'https://example.com/a' },
        { readFile: () => '' }
      )
      await purgeCache(parsed.settings as Settings, { userAgent: 'engine-test' }, reporter)
    })
    expect(shown.length).toBeGreaterThanOrEqual(1)
    expect(shown[0]).toMatch(/^Progress: 0 of 1 item purged or given up \(0%\)/)
  })
})
