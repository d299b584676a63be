// End to end: `mode: invalidate` and Version Management `environment`, on the bundled action against the
// emulator: which endpoint each request reaches, what the log and summary say, and every refusal.
import { describe, expect, it } from '@jest/globals'
import type { EmulatorZone, RunningEmulator } from '../emulator/index.js'
import { fixture } from '../emulator/fixtures.js'
import type { ZoneCount } from '../src/report/result.js'
import { useEmulator, withEmulator } from './emulator-setup.js'
import { expectNoSecrets, expectSucceeded, failedEntries } from './expectations.js'
import { runAction, type ActionRun } from './run-action.js'

const { zones, tokens, environments } = fixture
const ENTERPRISE = zones.enterprise.id
const envPath = (zoneId: string, ref: string, verb: string): string =>
  `/zones/${zoneId}/environments/${ref}/${verb}`

/** A second zone with Version Management, whose Staging has a ref of its own. */
const secondZone = {
  id: 'f00d0000000000000000000000000006',
  name: 'second.example',
  plan: 'enterprise',
  accountId: fixture.accountId,
  environments: [
    { name: 'Production', ref: 'e1e10000000000000000000000000001' },
    { name: 'staging', ref: 'e1e10000000000000000000000000002' }
  ]
} satisfies EmulatorZone

const emulator = useEmulator({ zones: [...Object.values(zones), secondZone] })

function run(inputs: Record<string, string>, cf: RunningEmulator = emulator): Promise<ActionRun> {
  return runAction({ api_url: cf.url, api_token: tokens.user.value, ...inputs })
}

const posts = (cf: RunningEmulator = emulator): string[] =>
  cf.requests.filter((r) => r.method === 'POST').map((r) => r.path)
/** The log as a person reads it: no workflow commands. */
const log = (result: ActionRun): string =>
  result.stdout
    .split('\n')
    .filter((l) => !l.startsWith('::'))
    .join('\n')

describe('mode: invalidate', () => {
  it('invalidates URLs at invalidate_cache, and the log and summary say invalidated', async () => {
    const result = await run({
      zone: zones.free.id,
      mode: 'invalidate',
      files: 'https://example.com/a.css\nhttps://example.com/b.js'
    })
    expectSucceeded(result)
    expect(posts()).toEqual([`/zones/${zones.free.id}/invalidate_cache`])
    expect(emulator.invalidatedItems(zones.free.id)).toEqual([
      'https://example.com/a.css',
      'https://example.com/b.js'
    ])
    expect(emulator.purgedItems()).toEqual([])
    expect(result.outputs.purged_count).toBe('2')
    expect(result.outputs.purge_ids).toMatch(/^[0-9a-f]{32}$/)
    expect(log(result)).toContain('Invalidate: 2 URLs')
    expect(log(result)).toContain('1 invalidation request sent, 1 accepted')
    expect(log(result)).toMatch(/^Invalidated 2 items in /m)
    expect(log(result)).not.toMatch(/purge/i)
    expect(result.stdout).toContain('::group::Invalidate')
    expect(result.summary).toContain('<h2>Cloudflare cache invalidation</h2>')
    expect(result.summary).toContain('<th align="right">Invalidated</th>')
    expect(result.summary).toMatch(/All 2 items were invalidated on example\.com\./)
    expect(result.summary).not.toMatch(/purge/i)
  })

  it('invalidates tags with the same batching as a purge', async () => {
    const tags = Array.from({ length: 150 }, (_, i) => `t${i}`)
    const result = await run({ zone: zones.pro.id, mode: 'Invalidate', tags: tags.join(',') })
    expectSucceeded(result)
    const bodies = emulator.invalidateRequests().map((r) => r.body as { tags: string[] })
    expect(bodies.map((b) => b.tags.length)).toEqual([75, 75])
    expect(emulator.invalidatedItems(zones.pro.id)).toEqual(expect.arrayContaining(tags))
    expect(result.outputs.purged_count).toBe('150')
    expect(JSON.parse(result.outputs.zones ?? '[]')).toEqual([
      expect.objectContaining({ id: zones.pro.id, items: 150, purged_count: 150, failed_count: 0 })
    ])
  })

  it('says so and suggests mode: purge when Cloudflare has no invalidate endpoint', async () => {
    await withEmulator({ invalidation: false }, async (without) => {
      const result = await run({ zone: zones.free.id, mode: 'invalidate', tags: 'a' }, without)
      expect(result.exitCode).toBe(1)
      expect(result.errors.map((e) => e.title)).toEqual(['Invalidation not available'])
      expect(result.errors[0]!.message).toMatch(/1 item on f00d0+1 not invalidated/)
      expect(result.errors[0]!.message).toMatch(/`mode: purge`/)
      expect(failedEntries(result)).toEqual([expect.objectContaining({ type: 'tags', item: 'a' })])
      expect(result.summary).toContain('Not invalidated')
      expectNoSecrets(result)
    })
  })
})

describe('environment', () => {
  it('finds a name in any case and purges that environment only', async () => {
    const result = await run({
      zone: 'enterprise.example',
      environment: 'staging',
      files: 'https://enterprise.example/a'
    })
    expectSucceeded(result)
    expect(emulator.requests.map((r) => `${r.method} ${r.path}`)).toContain(
      `GET /zones/${ENTERPRISE}/environments`
    )
    expect(posts()).toEqual([envPath(ENTERPRISE, environments.staging.ref, 'purge_cache')])
    expect(emulator.purgedItems(ENTERPRISE)).toEqual(['https://enterprise.example/a'])
    expect(log(result)).toContain(
      `Environment on enterprise.example: Staging (ref ${environments.staging.ref})`
    )
    expect(result.summary).toContain(
      `Environment: Staging (ref ${environments.staging.ref}) on enterprise.example.`
    )
  })

  it('takes a ref, and invalidates in the environment', async () => {
    const result = await run({
      zone: ENTERPRISE,
      environment: environments.development.ref,
      mode: 'invalidate',
      prefixes: 'enterprise.example/blog/'
    })
    expectSucceeded(result)
    expect(posts()).toEqual([envPath(ENTERPRISE, environments.development.ref, 'invalidate_cache')])
    expect(emulator.invalidatedItems(ENTERPRISE)).toEqual(['enterprise.example/blog/'])
    expect(result.summary).toContain('Cloudflare cache invalidation')
    expect(result.summary).toContain('Development')
  })

  it('lists the zone’s environments when the name is unknown, and sends nothing', async () => {
    const result = await run({ zone: 'enterprise.example', environment: 'QA', tags: 'x' })
    expect(result.exitCode).toBe(1)
    expect(result.errors.map((e) => e.title)).toEqual(['Environment not found'])
    expect(result.errors[0]!.message).toContain(
      'Its environments: "Production", "Staging", "Development" and "Geo Canary"'
    )
    expect(posts()).toEqual([])
    expect(failedEntries(result)).toEqual([expect.objectContaining({ item: 'x' })])
    expectNoSecrets(result)
  })

  it('explains a zone without Version Management, and sends nothing', async () => {
    const result = await run({ zone: 'example.com', environment: 'Staging', files: 'https://example.com/a' })
    expect(result.exitCode).toBe(1)
    expect(result.errors.map((e) => e.title)).toEqual(['Version Management not enabled'])
    expect(result.errors[0]!.message).toMatch(/^Zone example\.com does not use Version Management/)
    expect(result.errors[0]!.message).toMatch(/Enterprise feature/)
    expect(result.errors[0]!.message).toMatch(/Enable versioning/)
    expect(posts()).toEqual([])
    expectNoSecrets(result)
  })

  it('explains a token that may not list environments', async () => {
    const result = await run({
      zone: ENTERPRISE,
      environment: 'Staging',
      tags: 'x',
      api_token: tokens.noVersioningRead.value
    })
    expect(result.exitCode).toBe(1)
    expect(result.errors.map((e) => e.title)).toEqual(['Environments not readable'])
    expect(result.errors[0]!.message).toMatch(/Zone → Zone Versioning → Read/)
    expect(posts()).toEqual([])
  })

  it('resolves the environment in each of two zones, each by its own ref', async () => {
    const result = await run({
      zone: `enterprise.example\n${secondZone.name}`,
      environment: 'Staging',
      files: 'https://enterprise.example/a https://second.example/b',
      tags: 'release'
    })
    expectSucceeded(result)
    const listings = emulator.requests.filter((r) => r.path.endsWith('/environments')).map((r) => r.path)
    expect(listings.sort()).toEqual([
      `/zones/${ENTERPRISE}/environments`,
      `/zones/${secondZone.id}/environments`
    ])
    expect(posts().sort()).toEqual(
      [
        envPath(ENTERPRISE, environments.staging.ref, 'purge_cache'),
        envPath(ENTERPRISE, environments.staging.ref, 'purge_cache'),
        envPath(secondZone.id, 'e1e10000000000000000000000000002', 'purge_cache'),
        envPath(secondZone.id, 'e1e10000000000000000000000000002', 'purge_cache')
      ].sort()
    )
    const perZone = JSON.parse(result.outputs.zones ?? '[]') as ZoneCount[]
    expect(perZone.map((z) => [z.name, z.purged_count])).toEqual([
      ['enterprise.example', 2],
      ['second.example', 2]
    ])
    expect(result.summary).toContain(`Staging (ref ${environments.staging.ref}) on enterprise.example`)
    expect(result.summary).toContain('staging (ref e1e10000000000000000000000000002) on second.example')
  })

  it('with two zones, names the one without Version Management and sends nothing', async () => {
    const result = await run({ zone: `enterprise.example, example.com`, environment: 'Staging', tags: 'x' })
    expect(result.exitCode).toBe(1)
    expect(result.errors.map((e) => e.title)).toEqual(['Version Management not enabled'])
    expect(result.errors[0]!.message).toMatch(/^Zone example\.com does not use/)
    expect(result.errors[0]!.message).not.toContain('enterprise.example')
    expect(posts()).toEqual([])
  })

  it('looks only in the zones that have something to send', async () => {
    const result = await run({
      zone: 'enterprise.example, example.com',
      environment: 'Staging',
      files: 'https://enterprise.example/a'
    })
    expectSucceeded(result)
    expect(emulator.requests.filter((r) => r.path.endsWith('/environments')).map((r) => r.path)).toEqual([
      `/zones/${ENTERPRISE}/environments`
    ])
    expect(posts()).toEqual([envPath(ENTERPRISE, environments.staging.ref, 'purge_cache')])
  })

  it('shows the resolved environment in a dry run, and says purging everything on Production clears all', async () => {
    const result = await run({
      zone: 'enterprise.example',
      environment: 'PRODUCTION',
      purge_everything: 'true',
      dry_run: 'true'
    })
    expectSucceeded(result)
    expect(posts()).toEqual([])
    const text = log(result)
    expect(text).toContain(
      `Request 1 on enterprise.example, environment Production (ref ${environments.production.ref}): purge everything`
    )
    expect(text).toMatch(
      /Purging everything on Production clears the cache of every environment of enterprise\.example/
    )
    expect(text).toContain('would be purged; nothing was sent')
    expect(result.summary).toContain('Cloudflare cache purge (dry run)')
    expect(result.summary).toContain(
      `Environment: Production (ref ${environments.production.ref}) on enterprise.example.`
    )
  })

  it('says nothing about other environments when purging everything on Staging', async () => {
    const result = await run({ zone: ENTERPRISE, environment: 'Staging', purge_everything: 'true' })
    expectSucceeded(result)
    expect(posts()).toEqual([envPath(ENTERPRISE, environments.staging.ref, 'purge_cache')])
    expect(emulator.purgeRequests().map((r) => r.body)).toEqual([{ purge_everything: true }])
    expect(log(result)).not.toMatch(/every environment/)
  })

  it('explains 1136 for URLs in an environment that selects by country; tags still go through', async () => {
    const result = await run({
      zone: 'enterprise.example',
      environment: 'geo canary',
      mode: 'invalidate',
      files: 'https://enterprise.example/a',
      tags: 'release'
    })
    expect(result.exitCode).toBe(1)
    expect(result.errors.map((e) => e.title)).toEqual(['Invalidation by URL refused'])
    expect(result.errors[0]!.message).toMatch(
      /environment Geo Canary of zone enterprise\.example \(code 1136\)/
    )
    expect(result.errors[0]!.message).toMatch(/`tags`, `hosts` or `prefixes`/)
    expect(emulator.invalidatedItems(ENTERPRISE)).toEqual(['release'])
    expect(result.outputs.purged_count).toBe('1')
    expect(failedEntries(result)).toEqual([
      expect.objectContaining({ type: 'files', item: 'https://enterprise.example/a' })
    ])
    expectNoSecrets(result)
  })
})
