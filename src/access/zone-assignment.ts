// Decides which zone each item is purged in. Pure.
import { diagnose } from '../diagnosis/catalogue.js'
import { isHostInZone, withoutRootDot } from '../cloudflare/hostnames.js'
import { URL_SCHEME } from '../patterns.js'
import type { Finding, PurgeRequest, ResolvedZone } from '../types.js'

export interface ZoneWork {
  zone: ResolvedZone
  purge: PurgeRequest
}

export interface Assignment {
  work: ZoneWork[]
  warnings: Finding[]
  errors: Finding[]
}

/**
 * The host of a file URL, a prefix (`host/path`) or a host, in ASCII (punycode) lower case, as the
 * WHATWG URL parser reads it: the host a browser would connect to, so `https://evil.com\@example.com/x`
 * is on evil.com. Empty when the item is not a URL at all.
 */
export function hostOf(item: string): string {
  const url = URL_SCHEME.test(item) ? item : `https://${item}`
  try {
    return withoutRootDot(new URL(url).hostname)
  } catch {
    return ''
  }
}

/** The distinct hostnames of the files, hosts and prefixes, in the order given. */
export function itemHosts(purge: PurgeRequest): string[] {
  const hosts = [
    ...purge.files.map((f) => hostOf(f.url)),
    ...purge.hosts.map(hostOf),
    ...purge.prefixes.map(hostOf)
  ]
  return [...new Set(hosts)]
}

/**
 * One zone: everything goes to it, with a warning for URLs that are not on it. Several zones: each
 * URL, host and prefix goes to the most specific zone whose name contains its host; tags and
 * purge_everything go to every zone. When a zone's name is unknown (given by ID, not readable), no
 * item with a host is placed at all: it might belong to that zone rather than to a named parent.
 */
export function assignToZones(purge: PurgeRequest, zones: ResolvedZone[]): Assignment {
  const warnings: Finding[] = []
  const errors: Finding[] = []
  if (zones.length === 1) {
    const zone = zones[0] as ResolvedZone
    if (zone.name) warnings.push(...itemsOutsideZone(purge, zone.name))
    return { work: [{ zone, purge }], warnings, errors }
  }
  const work = zones.map((zone) => ({
    zone,
    purge: {
      everything: purge.everything,
      files: [],
      tags: [...purge.tags],
      hosts: [],
      prefixes: []
    } as PurgeRequest
  }))
  const unnamed = zones.filter((z) => !z.name)
  if (unnamed.length > 0 && itemHosts(purge).length > 0) {
    errors.push(diagnose('zone-name-unknown', { zones: unnamed.map((z) => z.id).join(', ') }))
    return { work, warnings, errors }
  }
  const owner = (host: string): ZoneWork | undefined =>
    work
      .filter((w) => w.zone.name && isHostInZone(host, w.zone.name))
      .sort((a, b) => (b.zone.name?.length ?? 0) - (a.zone.name?.length ?? 0))[0]
  const unplaced = (item: string): void => {
    const names = zones.map((z) => z.name ?? z.id).join(', ')
    errors.push(diagnose('host-in-no-zone', { host: hostOf(item), zones: names }))
  }
  for (const file of purge.files) {
    const w = owner(hostOf(file.url))
    if (w) w.purge.files.push(file)
    else unplaced(file.url)
  }
  for (const host of purge.hosts) {
    const w = owner(host)
    if (w) w.purge.hosts.push(host)
    else unplaced(host)
  }
  for (const prefix of purge.prefixes) {
    const w = owner(hostOf(prefix))
    if (w) w.purge.prefixes.push(prefix)
    else unplaced(prefix)
  }
  return { work, warnings, errors: dedupeFindings(errors) }
}

function dedupeFindings(findings: Finding[]): Finding[] {
  const seen = new Set<string>()
  return findings.filter((f) => !seen.has(f.message) && seen.add(f.message) !== undefined)
}

/**
 * One warning per kind of item and foreign host, so a long list of URLs on the wrong domain stays one
 * annotation. Cloudflare accepts such items and answers success, but nothing of them is cached in this zone.
 */
function itemsOutsideZone(purge: PurgeRequest, zoneName: string): Finding[] {
  const kinds = [
    ['files', purge.files.map((f) => f.url)],
    ['hosts', purge.hosts],
    ['prefixes', purge.prefixes]
  ] as const
  return kinds.flatMap(([kind, items]) => {
    const byHost = new Map<string, string[]>()
    for (const item of items) {
      const host = hostOf(item)
      if (isHostInZone(host, zoneName)) continue
      const list = byHost.get(host) ?? []
      list.push(item)
      byHost.set(host, list)
    }
    return [...byHost].map(([host, found]) =>
      diagnose('outside-zone', {
        kind,
        host,
        count: found.length,
        example: found[0] as string,
        zone: zoneName
      })
    )
  })
}
