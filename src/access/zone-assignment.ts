// Decides which zone each item is purged in. Pure.
import { diagnose } from '../diagnosis/catalogue.js'
import { isHostInZone, withoutRootDot } from '../cloudflare/hostnames.js'
import { URL_SCHEME } from '../patterns.js'
import type { FileItem, Finding, PurgeRequest, ResolvedZone, ZoneRef } from '../types.js'

export interface ZoneWork {
  zone: ResolvedZone
  purge: PurgeRequest
}

export interface Assignment {
  work: ZoneWork[]
  warnings: Finding[]
  errors: Finding[]
  /**
   * URLs known to be refused, so never sent: with one zone, those on hosts outside it (Cloudflare answers
   * 1082 "You can only purge files for this zone"). By zone ID; each is reported as not purged.
   */
  notSent: Array<{ zone: ResolvedZone; files: FileItem[]; reason: string }>
  /** The errors that say why, reported without stopping the run: the other items are sent. */
  refused: Finding[]
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
 * One zone: everything goes to it, except URLs on other domains, which Cloudflare refuses (held back,
 * with a warning); hosts and prefixes on other domains go with a warning. Several zones: each URL, host
 * and prefix goes to the most specific zone whose name contains its host; tags and purge_everything go
 * to every zone given. `ownZones` (zones of their own below a zone given, found from the items' hosts)
 * take the items on them and nothing else. When a zone's name is unknown (given by ID, not readable),
 * no item with a host is placed among several zones: it might belong to that zone rather than to a
 * named parent.
 */
export function assignToZones(
  purge: PurgeRequest,
  zones: ResolvedZone[],
  ownZones: ResolvedZone[] = []
): Assignment {
  const out: Assignment = { work: [], warnings: [], errors: [], notSent: [], refused: [] }
  const only = zones.length === 1 ? (zones[0] as ResolvedZone) : undefined
  if (only && !only.name) {
    out.work.push({ zone: only, purge })
    return out
  }
  const listsOnly = (zone: ResolvedZone, shared: boolean): ZoneWork => ({
    zone,
    purge: {
      everything: shared && purge.everything,
      files: [],
      tags: shared ? [...purge.tags] : [],
      hosts: [],
      prefixes: []
    }
  })
  out.work.push(...zones.map((z) => listsOnly(z, true)), ...ownZones.map((z) => listsOnly(z, false)))
  const unnamed = zones.filter((z) => !z.name)
  if (unnamed.length > 0 && itemHosts(purge).length > 0) {
    out.errors.push(diagnose('zone-name-unknown', { zones: unnamed.map((z) => z.id).join(', ') }))
    return out
  }
  placeItems(purge, out, only)
  out.errors = dedupeFindings(out.errors)
  out.work = out.work.filter((w, i) => i < zones.length || !isEmptyWork(w.purge))
  return out
}

/** Puts each URL, host and prefix into the most specific zone that holds its host. */
function placeItems(purge: PurgeRequest, out: Assignment, only: ResolvedZone | undefined): void {
  const owner = (host: string): ZoneWork | undefined =>
    out.work
      .filter((w) => w.zone.name && isHostInZone(host, w.zone.name))
      .sort((a, b) => (b.zone.name?.length ?? 0) - (a.zone.name?.length ?? 0))[0]
  const foreign: Record<'files' | 'hosts' | 'prefixes', string[]> = { files: [], hosts: [], prefixes: [] }
  const heldBack: FileItem[] = []
  const place = <K extends 'files' | 'hosts' | 'prefixes'>(
    kind: K,
    item: PurgeRequest[K][number],
    text: string
  ): void => {
    const w = owner(hostOf(text))
    if (w) (w.purge[kind] as Array<typeof item>).push(item)
    else if (!only) {
      const names = out.work.map((z) => z.zone.name ?? z.zone.id).join(', ')
      out.errors.push(diagnose('host-in-no-zone', { host: hostOf(text), zones: names }))
    } else {
      foreign[kind].push(text)
      // Cloudflare refuses URLs of other domains (1082); hosts and prefixes are sent as asked.
      if (kind === 'files') heldBack.push(item as FileItem)
      else ((out.work[0] as ZoneWork).purge[kind] as Array<typeof item>).push(item)
    }
  }
  for (const file of purge.files) place('files', file, file.url)
  for (const host of purge.hosts) place('hosts', host, host)
  for (const prefix of purge.prefixes) place('prefixes', prefix, prefix)
  if (!only) return
  for (const finding of itemsOutsideZone(foreign, only.name as string))
    (finding.severity === 'error' ? out.refused : out.warnings).push(finding)
  if (heldBack.length > 0) {
    const reason = `not sent: not on ${only.name as string}, and Cloudflare refuses URLs of other domains (1082)`
    out.notSent.push({ zone: only, files: heldBack, reason })
  }
}

function isEmptyWork(purge: PurgeRequest): boolean {
  return purge.files.length + purge.hosts.length + purge.prefixes.length === 0
}

function dedupeFindings(findings: Finding[]): Finding[] {
  const seen = new Set<string>()
  return findings.filter((f) => !seen.has(f.message) && seen.add(f.message) !== undefined)
}

/**
 * One finding per kind of item and foreign host, so a long list of URLs on the wrong domain stays one
 * annotation: an error for URLs, held back (Cloudflare refuses them: 1082), a warning for hosts and
 * prefixes, sent though nothing of them is cached in this zone.
 */
function itemsOutsideZone(
  foreign: Record<'files' | 'hosts' | 'prefixes', string[]>,
  zoneName: string
): Finding[] {
  return (['files', 'hosts', 'prefixes'] as const).flatMap((kind) => {
    const byHost = new Map<string, string[]>()
    for (const item of foreign[kind]) {
      const host = hostOf(item)
      const list = byHost.get(host) ?? []
      list.push(item)
      byHost.set(host, list)
    }
    return [...byHost].map(([host, found]) => {
      const facts = { host, count: found.length, example: found[0] as string, zone: zoneName }
      return kind === 'files'
        ? diagnose('outside-zone-refused', facts)
        : diagnose('outside-zone', { kind, ...facts })
    })
  })
}

/**
 * `zone: www.example.com` resolves to the zone example.com; `purge_everything` there clears every
 * hostname of example.com, a bigger scope than written, so it is refused (dry runs too) before any purge.
 * Tags are purged zone-wide too: a warning says so, since a tag may well be meant for the whole zone.
 */
export function widerThanNamed(
  refs: ZoneRef[],
  zones: Array<{ zone: ResolvedZone; label: string }>,
  purge: PurgeRequest
): Finding[] {
  if (!purge.everything && purge.tags.length === 0) return []
  return refs.flatMap((ref) => {
    if (ref.kind !== 'name') return []
    const found = zones.find((z) => z.label === ref.name)?.zone.name
    if (!found || found === ref.name) return []
    const facts = { named: ref.name, zone: found }
    return [
      purge.everything ? diagnose('zone-wider-than-named', facts) : diagnose('tags-wider-than-named', facts)
    ]
  })
}

/** A notice for each zone of its own that items were placed in, naming the zone given above it. */
export function ownZoneNotices(work: ZoneWork[], ownZones: ResolvedZone[]): Finding[] {
  return ownZones.flatMap((own) => {
    const w = work.find((x) => x.zone.id === own.id)
    const n = w ? w.purge.files.length + w.purge.hosts.length + w.purge.prefixes.length : 0
    const given = work.find(
      (x) => x.zone.name && own.name && x.zone.id !== own.id && isHostInZone(own.name, x.zone.name)
    )
    if (n === 0 || !own.name || !given?.zone.name) return []
    return [diagnose('host-has-own-zone', { zone: own.name, given: given.zone.name, count: n })]
  })
}
