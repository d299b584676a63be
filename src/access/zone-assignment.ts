// Decides which zone each item is purged in. Pure.
import { diagnose } from '../diagnosis/catalogue.js'
import { isHostInZone, toAsciiHostname } from '../cloudflare/hostnames.js'
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

/** ASCII forms already worked out: a list of 100,000 URLs names only a few hosts. */
const asciiHosts = new Map<string, string>()

/** The host of a file URL or a prefix (`host/path`), in ASCII (punycode) form; hosts are their own host. */
export function hostOf(item: string): string {
  const authority = /^(?:[a-z][a-z0-9+.-]*:\/\/)?([^/?#]*)/i.exec(item)?.[1] ?? ''
  const host = authority.replace(/:\d+$/, '').replace(/^.*@/, '').toLowerCase()
  let ascii = asciiHosts.get(host)
  if (ascii === undefined) {
    if (asciiHosts.size >= 10_000) asciiHosts.clear()
    asciiHosts.set(host, (ascii = toAsciiHostname(host) ?? host))
  }
  return ascii
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
    if (zone.name) warnings.push(...filesOutsideZone(purge.files, zone.name))
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

/** One warning per foreign host, so a long list of URLs on the wrong domain stays one annotation. */
function filesOutsideZone(files: PurgeRequest['files'], zoneName: string): Finding[] {
  const byHost = new Map<string, string[]>()
  for (const file of files) {
    const host = hostOf(file.url)
    if (isHostInZone(host, zoneName)) continue
    const urls = byHost.get(host) ?? []
    urls.push(file.url)
    byHost.set(host, urls)
  }
  return [...byHost].map(([host, urls]) =>
    diagnose('file-outside-zone', { host, count: urls.length, example: urls[0] as string, zone: zoneName })
  )
}
