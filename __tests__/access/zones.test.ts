// Zone assignment (pure) and the zone finder (against a fake API that records its lookups).
import { describe, expect, it } from '@jest/globals'
import type { CloudflareApi } from '../../src/cloudflare/api.js'
import { CloudflareError } from '../../src/cloudflare/errors.js'
import { sleep } from '../../src/cloudflare/http-client.js'
import { DiagnosedFailure } from '../../src/diagnosis/failure.js'
import type { PurgeRequest, ResolvedZone } from '../../src/types.js'
import {
  assignToZones,
  hostOf,
  itemHosts,
  ownZoneNotices,
  widerThanNamed
} from '../../src/access/zone-assignment.js'
import {
  findOwnZones,
  findZonesOfHosts,
  oneZoneNamed,
  OWN_ZONE_LOOKUPS,
  resolveZones,
  ZoneFinder
} from '../../src/access/zone-resolver.js'

const EXAMPLE: ResolvedZone = { id: 'a'.repeat(32), name: 'example.com', plan: 'free' }
const SHOP: ResolvedZone = { id: 'b'.repeat(32), name: 'shop.example.com', plan: 'pro' }
const OTHER: ResolvedZone = { id: 'c'.repeat(32), name: 'example.net', plan: 'free' }
const NAMELESS: ResolvedZone = { id: 'd'.repeat(32) }

function purge(p: Partial<PurgeRequest>): PurgeRequest {
  return { everything: false, files: [], tags: [], hosts: [], prefixes: [], ...p }
}

describe('assignToZones with several zones', () => {
  it('puts each item in the most specific zone and tags in every zone', () => {
    const { work, errors } = assignToZones(
      purge({
        files: [{ url: 'https://www.example.com/a' }, { url: 'https://shop.example.com/b' }],
        hosts: ['cdn.example.net'],
        prefixes: ['img.shop.example.com/x/'],
        tags: ['t1']
      }),
      [EXAMPLE, SHOP, OTHER]
    )
    expect(errors).toEqual([])
    expect(work.map((w) => [w.zone.name, w.purge])).toEqual([
      ['example.com', purge({ files: [{ url: 'https://www.example.com/a' }], tags: ['t1'] })],
      [
        'shop.example.com',
        purge({
          files: [{ url: 'https://shop.example.com/b' }],
          prefixes: ['img.shop.example.com/x/'],
          tags: ['t1']
        })
      ],
      ['example.net', purge({ hosts: ['cdn.example.net'], tags: ['t1'] })]
    ])
  })

  it('names a host that is in none of the zones', () => {
    const { errors } = assignToZones(purge({ files: [{ url: 'https://elsewhere.org/a' }] }), [EXAMPLE, OTHER])
    expect(errors.map((e) => e.id)).toEqual(['host-in-no-zone'])
    expect(errors[0]!.message).toMatch(
      /"elsewhere\.org" is not in any of the zones given \(example\.com, example\.net\)/
    )
  })

  it('refuses to place items when a zone name is unknown, rather than guess', () => {
    const { errors } = assignToZones(purge({ files: [{ url: 'https://www.example.com/a' }] }), [
      EXAMPLE,
      NAMELESS
    ])
    expect(errors.map((e) => e.id)).toEqual(['zone-name-unknown'])
    expect(errors[0]!.message).toContain(NAMELESS.id)
    expect(errors[0]!.message).toMatch(/Zone → Zone → Read/)
  })

  it('still sends tags and purge_everything to a zone whose name is unknown', () => {
    const { work, errors } = assignToZones(purge({ tags: ['t'] }), [EXAMPLE, NAMELESS])
    expect(errors).toEqual([])
    expect(work.map((w) => w.purge.tags)).toEqual([['t'], ['t']])
  })
})

describe('hostOf and itemHosts', () => {
  it('reads the host of URLs and prefixes in ASCII form', () => {
    expect(hostOf('https://user@Bücher.Example:8443/x?y')).toBe('xn--bcher-kva.example')
    expect(hostOf('www.example.com/blog/')).toBe('www.example.com')
  })

  it('lists each host once, in order', () => {
    expect(
      itemHosts(
        purge({
          files: [
            { url: 'https://b.example.com/1' },
            { url: 'https://a.example.com/2' },
            { url: 'https://b.example.com/3' }
          ],
          hosts: ['a.example.com'],
          prefixes: ['c.example.com/x'],
          tags: ['not-a-host']
        })
      )
    ).toEqual(['b.example.com', 'a.example.com', 'c.example.com'])
  })
})

/**
 * A fake API: zones by name, lookups recorded, optional failures and a delay to observe concurrency.
 * Like CloudflareApi, withSignal gives a view whose calls end with a CancelledError when the signal aborts.
 */
function fakeApi(
  zones: ResolvedZone[],
  options: { fail?: Record<string, CloudflareError>; delayMs?: number | Record<string, number> } = {}
): { api: CloudflareApi; lookups: string[]; cancelled: string[]; maxInFlight: () => number } {
  const lookups: string[] = []
  const cancelled: string[] = []
  let inFlight = 0
  let max = 0
  const make = (signal?: AbortSignal): CloudflareApi =>
    ({
      withSignal: (s: AbortSignal) => make(signal ? AbortSignal.any([signal, s]) : s),
      findZonesByName: async (name: string): Promise<ResolvedZone[]> => {
        lookups.push(name)
        inFlight++
        max = Math.max(max, inFlight)
        const delay = typeof options.delayMs === 'number' ? options.delayMs : (options.delayMs?.[name] ?? 1)
        try {
          await sleep(delay, signal)
        } catch (error) {
          cancelled.push(name)
          throw error
        } finally {
          inFlight--
        }
        const failure = options.fail?.[name]
        if (failure) throw failure
        return zones.filter((z) => z.name === name)
      },
      getZone: async (id: string): Promise<ResolvedZone> => {
        const zone = zones.find((z) => z.id === id)
        if (!zone) throw new Error('unknown zone')
        return zone
      }
    }) as unknown as CloudflareApi
  return { api: make(), lookups, cancelled, maxInFlight: () => max }
}

const apiError = (status: number, code: number): CloudflareError =>
  new CloudflareError({
    kind: 'api',
    endpoint: 'GET /zones',
    status,
    message: 'refused',
    errors: [{ code, message: 'refused' }]
  })

describe('ZoneFinder', () => {
  it('finds the most specific zone and looks each name up once', async () => {
    const { api, lookups } = fakeApi([EXAMPLE, SHOP])
    const finder = new ZoneFinder(api)
    const [a, b, c] = await Promise.all([
      finder.zoneOf('img.shop.example.com'),
      finder.zoneOf('www.example.com'),
      finder.zoneOf('shop.example.com')
    ])
    expect(a.zone?.id).toBe(SHOP.id)
    expect(b.zone?.id).toBe(EXAMPLE.id)
    expect(c.zone?.id).toBe(SHOP.id)
    expect([...lookups].sort()).toEqual([
      'example.com',
      'img.shop.example.com',
      'shop.example.com',
      'www.example.com'
    ])
  })

  it('treats a listing refused for lack of permission as empty', async () => {
    const { api } = fakeApi([EXAMPLE], { fail: { 'www.example.com': apiError(403, 10000) } })
    expect((await new ZoneFinder(api).zoneOf('www.example.com')).zone?.id).toBe(EXAMPLE.id)
  })

  it('does not read an IP filter refusal (9109) as an empty listing', async () => {
    const { api } = fakeApi([EXAMPLE], { fail: { 'www.example.com': apiError(403, 9109) } })
    await expect(new ZoneFinder(api).zoneOf('www.example.com')).rejects.toBeInstanceOf(CloudflareError)
  })

  it('fails rather than fall back to a parent when a more specific lookup fails', async () => {
    const { api } = fakeApi([EXAMPLE], { fail: { 'shop.example.com': apiError(500, 500) } })
    await expect(new ZoneFinder(api).zoneOf('shop.example.com')).rejects.toBeInstanceOf(CloudflareError)
  })

  it('keeps at most eight lookups in flight', async () => {
    const { api, lookups, maxInFlight } = fakeApi([], { delayMs: 5 })
    const finder = new ZoneFinder(api)
    await Promise.all(Array.from({ length: 20 }, (_, i) => finder.zoneOf(`h${i}.example.com`)))
    expect(lookups).toHaveLength(21) // 20 hostnames and their one shared parent
    expect(maxInFlight()).toBeLessThanOrEqual(8)
    expect(maxInFlight()).toBeGreaterThan(1)
  })
})

describe('findZonesOfHosts', () => {
  it('groups hostnames by zone and names every host in no visible zone', async () => {
    const { api } = fakeApi([EXAMPLE, OTHER])
    const found = await findZonesOfHosts(api, [
      'www.example.com',
      'example.com',
      'cdn.example.net',
      'a.nowhere.org',
      '127.0.0.1'
    ])
    expect(found.zones.map((z) => z.zone.id)).toEqual([EXAMPLE.id, OTHER.id])
    expect([...found.byHost]).toEqual([
      ['www.example.com', EXAMPLE.id],
      ['example.com', EXAMPLE.id],
      ['cdn.example.net', OTHER.id]
    ])
    expect(found.errors.map((e) => e.id)).toEqual(['host-in-no-visible-zone', 'host-in-no-visible-zone'])
    expect(found.errors[0]!.message).toMatch(
      /"a\.nowhere\.org" \(looked up "a\.nowhere\.org", "nowhere\.org"\)/
    )
    expect(found.errors[1]!.message).toMatch(/"127\.0\.0\.1" is not a domain name/)
  })
})

describe('resolveZones', () => {
  it('keeps one zone when two inputs name the same one', async () => {
    const { api } = fakeApi([EXAMPLE])
    const zones = await resolveZones(api, [
      { kind: 'name', name: 'example.com', input: 'example.com' },
      { kind: 'id', id: EXAMPLE.id },
      { kind: 'name', name: 'www.example.com', input: 'www.example.com' }
    ])
    expect(zones.map((z) => z.zone.id)).toEqual([EXAMPLE.id])
  })
})

describe('a failed lookup ends its siblings', () => {
  it('ends the lookups still waiting when one fails, instead of letting them run on', async () => {
    const { api, cancelled } = fakeApi([EXAMPLE], {
      fail: { 'a.example.net': apiError(500, 500) },
      delayMs: { 'a.example.net': 5, 'example.net': 5, 'www.example.com': 60_000, 'example.com': 60_000 }
    })
    const started = Date.now()
    const error = await findZonesOfHosts(api, ['www.example.com', 'a.example.net']).catch((e: unknown) => e)
    expect(Date.now() - started).toBeLessThan(1000)
    expect(error).toBeInstanceOf(DiagnosedFailure)
    expect(cancelled).toEqual(expect.arrayContaining(['example.com', 'www.example.com']))
  })

  it('does the same for zones given by name', async () => {
    const { api, cancelled } = fakeApi([EXAMPLE], {
      fail: { 'example.net': apiError(500, 500) },
      delayMs: { 'example.net': 5, 'example.com': 60_000 }
    })
    const started = Date.now()
    await expect(
      resolveZones(api, [
        { kind: 'name', name: 'example.com', input: 'example.com' },
        { kind: 'name', name: 'example.net', input: 'example.net' }
      ])
    ).rejects.toBeInstanceOf(DiagnosedFailure)
    expect(Date.now() - started).toBeLessThan(1000)
    expect(cancelled).toEqual(['example.com'])
  })
})

describe('issue 22: a bigger scope than written', () => {
  const BLOG: ResolvedZone = { id: 'e'.repeat(32), name: 'blog.example.com', plan: 'free' }
  const www = { kind: 'name' as const, name: 'www.example.com', input: 'www.example.com' }

  it('refuses purge_everything on a zone named by a hostname, naming the zone and both ways out', () => {
    const found = [{ zone: EXAMPLE, label: 'www.example.com' }]
    const [finding] = widerThanNamed([www], found, purge({ everything: true }))
    expect(finding?.id).toBe('zone-wider-than-named')
    expect(finding?.message).toContain('every hostname of example.com, not only www.example.com')
    expect(finding?.message).toContain('`hosts: www.example.com`')
    expect(finding?.message).toContain('`zone: example.com`')
    // Items are placed by host as before, and the zone's own name is no hostname of another zone.
    expect(widerThanNamed([www], found, purge({ files: [{ url: 'https://www.example.com/a' }] }))).toEqual([])
    const exact = { kind: 'name' as const, name: 'example.com', input: 'example.com' }
    expect(
      widerThanNamed([exact], [{ zone: EXAMPLE, label: 'example.com' }], purge({ everything: true }))
    ).toEqual([])
  })

  it('warns that tags on a zone named by a hostname are purged in the whole zone', () => {
    const found = [{ zone: EXAMPLE, label: 'www.example.com' }]
    const findings = widerThanNamed([www], found, purge({ tags: ['t'] }))
    expect(findings.map((f) => [f.id, f.severity])).toEqual([['tags-wider-than-named', 'warning']])
    expect(findings[0]?.message).toContain(
      'every hostname of example.com are purged, not only those of www.example.com'
    )
  })

  it('places the items on a zone of its own there, and nothing else', () => {
    const request = purge({
      files: [{ url: 'https://example.com/a' }, { url: 'https://blog.example.com/p' }],
      hosts: ['blog.example.com'],
      tags: ['t'],
      everything: false
    })
    const { work, errors, notSent } = assignToZones(request, [EXAMPLE], [BLOG])
    expect(errors).toEqual([])
    expect(notSent).toEqual([])
    expect(
      work.map((w) => [w.zone.name, w.purge.files.map((f) => f.url), w.purge.hosts, w.purge.tags])
    ).toEqual([
      ['example.com', ['https://example.com/a'], [], ['t']],
      ['blog.example.com', ['https://blog.example.com/p'], ['blog.example.com'], []]
    ])
    expect(ownZoneNotices(work, [BLOG]).map((f) => f.message)).toEqual([
      expect.stringContaining(
        '2 items on blog.example.com were purged in the zone blog.example.com, not in example.com'
      )
    ])
  })

  it('holds back URLs outside the one zone (Cloudflare answers 1082), one error per host; hosts still go', () => {
    const request = purge({
      files: [
        { url: 'https://example.com/a' },
        { url: 'https://other.org/a' },
        { url: 'https://other.org/b' }
      ],
      hosts: ['cdn.other.org']
    })
    const { work, notSent, refused, warnings } = assignToZones(request, [EXAMPLE])
    expect(work[0]?.purge.files).toEqual([{ url: 'https://example.com/a' }])
    expect(work[0]?.purge.hosts).toEqual(['cdn.other.org'])
    expect(notSent.map((n) => n.files.map((f) => f.url))).toEqual([
      ['https://other.org/a', 'https://other.org/b']
    ])
    expect(refused.map((f) => [f.id, f.severity])).toEqual([['outside-zone-refused', 'error']])
    expect(refused[0]?.message).toContain('code 1082')
    expect(warnings.map((f) => f.id)).toEqual(['outside-zone'])
  })

  it('finds the zones of their own between each host and the zone given, each name once', async () => {
    const { api, lookups } = fakeApi([EXAMPLE, BLOG])
    const own = await findOwnZones(
      api,
      ['blog.example.com', 'a.blog.example.com', 'www.example.com', 'example.com', 'other.org'],
      [EXAMPLE]
    )
    expect(own.map((z) => z.zone.name)).toEqual(['blog.example.com'])
    expect([...lookups].sort()).toEqual(['a.blog.example.com', 'blog.example.com', 'www.example.com'])
  })

  it('looks nothing up beyond its cap, and keeps items in the zone given when a lookup fails', async () => {
    const many = Array.from({ length: OWN_ZONE_LOOKUPS + 1 }, (_, i) => `h${i}.example.com`)
    const { api, lookups } = fakeApi([EXAMPLE])
    expect(await findOwnZones(api, many, [EXAMPLE])).toEqual([])
    expect(lookups).toEqual([])
    const failing = fakeApi([EXAMPLE, BLOG], { fail: { 'blog.example.com': apiError(500, 0) } })
    expect(await findOwnZones(failing.api, ['blog.example.com'], [EXAMPLE])).toEqual([])
  })

  it('takes the one active zone among those of the same name, or stops listing every ID', () => {
    const active = { id: '1'.repeat(32), name: 'twin.example', status: 'active' }
    const pending = { id: '2'.repeat(32), name: 'twin.example', status: 'pending' }
    expect(oneZoneNamed('twin.example', [pending, active])).toBe(active)
    const other = { ...active, id: '3'.repeat(32) }
    const stop = (() => {
      try {
        oneZoneNamed('twin.example', [active, other, pending])
      } catch (e) {
        return e as DiagnosedFailure
      }
    })()
    expect(stop?.findings.map((f) => f.id)).toEqual(['zone-name-ambiguous'])
    for (const id of [active.id, other.id, pending.id]) expect(stop?.findings[0]?.message).toContain(id)
  })
})
