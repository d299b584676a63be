// End to end: several zones, and zones found from the items' hostnames, against the emulator.
import { describe, expect, it } from '@jest/globals'
import { fixture } from '../emulator/fixtures.js'
import type { ZoneCount } from '../src/report/result.js'
import { useEmulator, withEmulator } from './emulator-setup.js'
import { expectNoSecrets, expectSucceeded } from './expectations.js'
import { runAction, type ActionRun } from './run-action.js'

const { zones, tokens } = fixture

const emulator = useEmulator()

function run(inputs: Record<string, string>): Promise<ActionRun> {
  return runAction({ api_url: emulator.url, api_token: tokens.user.value, ...inputs })
}

const zonesOutput = (result: ActionRun): ZoneCount[] => JSON.parse(result.outputs.zones ?? 'null')
const zoneLookups = (): string[] =>
  emulator.requests.filter((r) => r.path === '/zones').map((r) => String(r.query.name))

describe('several zones', () => {
  it('purges each item in its own zone and tags in every zone', async () => {
    const result = await run({
      zone: `example.com\n${zones.pro.id}`,
      files: 'https://www.example.com/a.css https://pro.example.net/b.js https://example.com/c',
      prefixes: 'pro.example.net/docs/',
      tags: 'release-7'
    })
    expectSucceeded(result)
    expect(emulator.purgedItems(zones.free.id).sort()).toEqual([
      'https://example.com/c',
      'https://www.example.com/a.css',
      'release-7'
    ])
    expect(emulator.purgedItems(zones.pro.id).sort()).toEqual([
      'https://pro.example.net/b.js',
      'pro.example.net/docs/',
      'release-7'
    ])
    expect(result.outputs.zone_id).toBe(`${zones.free.id},${zones.pro.id}`)
    expect(result.outputs.purged_count).toBe('6')
    expect(zonesOutput(result)).toEqual([
      {
        id: zones.free.id,
        name: 'example.com',
        items: 3,
        purged_count: 3,
        failed_count: 0,
        purge_ids: [expect.stringMatching(/^[0-9a-f]{32}$/), expect.stringMatching(/^[0-9a-f]{32}$/)]
      },
      {
        id: zones.pro.id,
        name: 'pro.example.net',
        items: 3,
        purged_count: 3,
        failed_count: 0,
        purge_ids: [
          expect.stringMatching(/^[0-9a-f]{32}$/),
          expect.stringMatching(/^[0-9a-f]{32}$/),
          expect.stringMatching(/^[0-9a-f]{32}$/)
        ]
      }
    ])
    expect(result.summary).toContain('Per zone')
    expect(result.summary).toContain(zones.pro.id)
  })

  it('names an item whose host is in none of the zones given, and purges nothing', async () => {
    const result = await run({
      zone: 'example.com, pro.example.net',
      files: 'https://example.com/a https://business.example.org/b'
    })
    expect(result.exitCode).toBe(1)
    expect(result.errors.map((e) => e.title)).toEqual(['Host in none of the zones'])
    expect(result.errors[0]!.message).toMatch(/"business\.example\.org" is not in any of the zones given/)
    expect(emulator.purgeRequests()).toEqual([])
    expect(zonesOutput(result)).toEqual([])
    expectNoSecrets(result)
  })

  it('refuses to place items when a zone given by ID has a name it cannot read', async () => {
    const result = await run({
      api_token: tokens.noZoneRead.value,
      zone: `${zones.free.id}, ${zones.pro.id}`,
      files: 'https://example.com/a'
    })
    expect(result.exitCode).toBe(1)
    expect(result.errors.map((e) => e.title)).toEqual(['Zone name unknown'])
    expect(result.errors[0]!.message).toMatch(/Zone → Zone → Read/)
    expect(result.errors[0]!.message).toMatch(/each zone in its own step/)
    expect(emulator.purgeRequests()).toEqual([])
    expectNoSecrets(result)
  })

  it('still purges tags in several zones whose names it cannot read', async () => {
    const result = await run({
      api_token: tokens.noZoneRead.value,
      zone: `${zones.free.id}, ${zones.pro.id}`,
      tags: 'release-8'
    })
    expectSucceeded(result)
    expect(emulator.purgedItems(zones.free.id)).toEqual(['release-8'])
    expect(emulator.purgedItems(zones.pro.id)).toEqual(['release-8'])
    expect(zonesOutput(result).map((z) => [z.id, z.name, z.purged_count])).toEqual([
      [zones.free.id, '', 1],
      [zones.pro.id, '', 1]
    ])
  })

  it('purges a zone given twice (by name and by ID) once', async () => {
    const result = await run({ zone: `example.com, ${zones.free.id}`, tags: 'x' })
    expectSucceeded(result)
    expect(emulator.purgeRequests()).toHaveLength(1)
    expect(result.outputs.zone_id).toBe(zones.free.id)
  })
})

describe('zones found from the URLs', () => {
  it('finds each hostname’s zone once and purges each group in its zone', async () => {
    const result = await run({
      files: [
        'https://www.example.com/a.css',
        'https://example.com/b.js',
        'https://www.example.com/c.png',
        'https://pro.example.net/d',
        'https://docs.pro.example.net/e'
      ].join('\n'),
      hosts: 'static.example.com',
      prefixes: 'pro.example.net/blog/'
    })
    expectSucceeded(result)
    expect(emulator.purgedItems(zones.free.id).sort()).toEqual([
      'https://example.com/b.js',
      'https://www.example.com/a.css',
      'https://www.example.com/c.png',
      'static.example.com'
    ])
    expect(emulator.purgedItems(zones.pro.id).sort()).toEqual([
      'https://docs.pro.example.net/e',
      'https://pro.example.net/d',
      'pro.example.net/blog/'
    ])
    // One lookup per distinct candidate name, however many items share it.
    const lookups = zoneLookups()
    expect(lookups.sort()).toEqual(
      [
        'www.example.com',
        'example.com',
        'pro.example.net',
        'example.net',
        'docs.pro.example.net',
        'static.example.com'
      ].sort()
    )
    expect(result.stdout).toContain('Host www.example.com → zone example.com')
    expect(result.stdout).toContain('Host docs.pro.example.net → zone pro.example.net')
    expect(zonesOutput(result).map((z) => [z.name, z.items, z.purged_count])).toEqual([
      ['example.com', 4, 4],
      ['pro.example.net', 3, 3]
    ])
    expect(result.outputs.zone_id).toBe(`${zones.free.id},${zones.pro.id}`)
  })

  it('verifies the credential first, alone (nothing is known of the API budget before an answer), then looks every name up at the same time', async () => {
    await withEmulator({ latencyMs: 150 }, async (slow) => {
      const result = await runAction({
        api_url: slow.url,
        api_token: tokens.user.value,
        files: 'https://www.example.com/a https://pro.example.net/b'
      })
      expect(result.exitCode).toBe(0)
      const verify = slow.requests.find((r) => r.path === '/user/tokens/verify')!
      const lookups = slow.requests.filter((r) => r.path === '/zones')
      expect(lookups).toHaveLength(4)
      const starts = lookups.map((r) => r.startedAt)
      expect(Math.min(...starts)).toBeGreaterThanOrEqual(verify.endedAt)
      expect(Math.max(...starts)).toBeLessThan(Math.min(...lookups.map((r) => r.endedAt)))
    })
  })

  it('names every host in no visible zone before any purge', async () => {
    const result = await run({
      files: 'https://example.com/ok https://shop.unknown-domain.org/a https://127.0.0.1/b'
    })
    expect(result.exitCode).toBe(1)
    expect(result.errors.map((e) => e.title)).toEqual([
      'No zone found for a host',
      'No zone found for a host'
    ])
    expect(result.errors[0]!.message).toMatch(
      /"shop\.unknown-domain\.org" \(looked up "shop\.unknown-domain\.org", "unknown-domain\.org"\)/
    )
    expect(result.errors[1]!.message).toMatch(/"127\.0\.0\.1" is not a domain name/)
    expect(emulator.purgeRequests()).toEqual([])
    expectNoSecrets(result)
  })

  it('explains that finding zones needs Zone Read when the token lacks it', async () => {
    const result = await run({ api_token: tokens.noZoneRead.value, files: 'https://example.com/a' })
    expect(result.exitCode).toBe(1)
    expect(result.errors.map((e) => e.title)).toEqual(['No zone found for a host'])
    expect(result.errors[0]!.message).toMatch(/lacks Zone → Zone → Read.*or set `zone`/)
    expect(emulator.purgeRequests()).toEqual([])
  })

  it('sends tags to every zone found from the URLs', async () => {
    const result = await run({ files: 'https://example.com/a https://pro.example.net/b', tags: 'v9' })
    expectSucceeded(result)
    expect(emulator.purgedItems(zones.free.id)).toContain('v9')
    expect(emulator.purgedItems(zones.pro.id)).toContain('v9')
  })

  it('verifies an account-owned token with the account of a zone found from the URLs', async () => {
    const result = await run({ api_token: tokens.account.value, files: 'https://www.example.com/a' })
    expectSucceeded(result)
    expect(emulator.requests.map((r) => r.path)).toContain(`/accounts/${fixture.accountId}/tokens/verify`)
    expect(emulator.purgedItems(zones.free.id)).toEqual(['https://www.example.com/a'])
  })

  it('plans per zone on a dry run', async () => {
    const result = await run({ files: 'https://example.com/a https://pro.example.net/b', dry_run: 'true' })
    expectSucceeded(result)
    expect(emulator.purgeRequests()).toEqual([])
    expect(zonesOutput(result).map((z) => [z.name, z.items, z.purged_count])).toEqual([
      ['example.com', 1, 0],
      ['pro.example.net', 1, 0]
    ])
  })

  it.each([
    ['tags', { tags: 'release-1' }, /cache tags belong to no hostname/],
    ['purge_everything', { purge_everything: 'true' }, /`purge_everything` should empty/]
  ])('refuses %s without a zone, before any request', async (_name, inputs, message) => {
    const result = await run(inputs)
    expect(result.exitCode).toBe(1)
    expect(result.errors.map((e) => e.title)).toEqual(['Missing input: zone'])
    expect(result.errors[0]!.message).toMatch(message)
    expect(emulator.requests).toEqual([])
  })
})
