// Finds the zone the user meant: by ID (reading its plan and account when allowed) or by name,
// trying a hostname's parent names at the same time and keeping the most specific match. The same
// lookup finds each item's zone from its hostname when `zone` is empty.
import type { CloudflareApi } from '../cloudflare/api.js'
import { OverBudgetError } from '../cloudflare/budget.js'
import { CloudflareError } from '../cloudflare/errors.js'
import { diagnose } from '../diagnosis/catalogue.js'
import { diagnoseError } from '../diagnosis/from-error.js'
import { DiagnosedFailure } from '../diagnosis/failure.js'
import { candidateZoneNames, isHostInZone, toAsciiHostname } from '../cloudflare/hostnames.js'
import type { Finding, ResolvedZone, ZoneRef } from '../types.js'

export interface ZoneResolution {
  zone: ResolvedZone
  /** False when the zone's details could not be read: safe default limits apply. */
  readable: boolean
  /** How the user wrote it, for messages. */
  label: string
  notes: Finding[]
}

/** Lookups by name in flight at once: enough for a few hostnames, gentle on the API's global limit. */
const LOOKUP_CONCURRENCY = 8

/** Looks zones up by name, each name once however many hostnames ask for it, a few at a time. */
export class ZoneFinder {
  private readonly answers = new Map<string, Promise<ResolvedZone[]>>()
  private active = 0
  private readonly waiting: Array<() => void> = []

  constructor(private readonly api: CloudflareApi) {}

  /**
   * The most specific visible zone holding `hostname` (undefined when none), and the names tried. The
   * names are looked up at the same time; a failed lookup of a more specific name is an error, not a miss,
   * so an item never lands in a parent zone by accident.
   */
  async zoneOf(
    hostname: string,
    names = candidateZoneNames(hostname)
  ): Promise<{ zone?: ResolvedZone; tried: string[] }> {
    const tried = names
    const answers = tried.map((name) => this.lookup(name))
    for (const [i, answer] of answers.entries()) {
      const name = tried[i] as string
      // Only an exact match: a listing that ignored the filter must never pick some other zone to purge.
      const zones = (await answer).filter((z) => z.name !== undefined && toAsciiHostname(z.name) === name)
      const zone = oneZoneNamed(name, zones)
      if (zone) return { zone: { ...zone, name }, tried }
    }
    return { tried }
  }

  private lookup(name: string): Promise<ResolvedZone[]> {
    let answer = this.answers.get(name)
    if (!answer) {
      answer = this.limited(() => this.api.findZonesByName(name)).catch((error: unknown) => {
        // A listing refused for lack of permission reads, to the user, the same as an empty one; an IP
        // filter (9109) does not.
        if (
          error instanceof CloudflareError &&
          error.kind === 'api' &&
          error.status === 403 &&
          !error.hasCode(9109)
        ) {
          return []
        }
        throw error
      })
      answer.catch(() => undefined) // awaited by zoneOf; this only keeps an unawaited failure from crashing
      this.answers.set(name, answer)
    }
    return answer
  }

  private async limited<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= LOOKUP_CONCURRENCY) await new Promise<void>((go) => this.waiting.push(go))
    this.active++
    try {
      return await task()
    } finally {
      this.active--
      this.waiting.shift()?.()
    }
  }
}

/**
 * The zone meant by a name that the credential sees more than once (a `pending` copy added in another
 * account beside the `active` one): the one active zone, or a DiagnosedFailure listing every ID.
 */
export function oneZoneNamed(name: string, zones: ResolvedZone[]): ResolvedZone | undefined {
  if (zones.length <= 1) return zones[0]
  const active = zones.filter((z) => z.status === 'active')
  if (active.length === 1) return active[0]
  const listed = zones.map((z) => `${z.id} (${z.status ?? 'status unknown'})`)
  throw new DiagnosedFailure([diagnose('zone-name-ambiguous', { name, zones: listed })])
}

/**
 * Runs lookups side by side; the first failure decides, and ends the others (their requests and their
 * retry waits) rather than leaving them to run on after the verdict.
 */
async function allOrNothing<T, R>(
  api: CloudflareApi,
  inputs: T[],
  lookup: (api: CloudflareApi, input: T) => Promise<R>
): Promise<R[]> {
  const stop = new AbortController()
  const scoped = api.withSignal(stop.signal)
  try {
    return await Promise.all(inputs.map((input) => lookup(scoped, input)))
  } finally {
    stop.abort()
  }
}

/** Resolves every zone given, sharing lookups, and keeps each zone once when two inputs name the same. */
export async function resolveZones(api: CloudflareApi, refs: ZoneRef[]): Promise<ZoneResolution[]> {
  let finder: ZoneFinder | undefined
  const resolutions = await allOrNothing(api, refs, (scoped, ref) =>
    resolveZone(scoped, ref, (finder ??= new ZoneFinder(scoped)))
  )
  return resolutions.filter((r, i) => resolutions.findIndex((o) => o.zone.id === r.zone.id) === i)
}

export async function resolveZone(
  api: CloudflareApi,
  ref: ZoneRef,
  finder: ZoneFinder = new ZoneFinder(api)
): Promise<ZoneResolution> {
  return ref.kind === 'id' ? resolveZoneById(api, ref.id) : resolveZoneByName(finder, ref.name)
}

async function resolveZoneById(api: CloudflareApi, id: string): Promise<ZoneResolution> {
  try {
    return { zone: await api.getZone(id), readable: true, label: id, notes: [] }
  } catch (error) {
    if (!(error instanceof CloudflareError) || error.kind !== 'api') throw failure(error, id)
    if (error.hasCode(9109)) throw failure(error, id)
    const unroutable = error.hasCode(7003, 7000)
    if (!unroutable && !error.hasCode(10000) && error.status !== 403) throw failure(error, id)
    // 10000 means "not yours", "no Zone Read" or "not a zone", and 7003 "no such zone": either way
    // an Account ID is the classic mix-up.
    if (await isAccount(api, id)) throw new DiagnosedFailure([diagnose('zone-is-account-id', { zone: id })])
    if (unroutable) throw new DiagnosedFailure([diagnose('zone-invalid-id', { zone: id })])
    return { zone: { id }, readable: false, label: id, notes: [diagnose('zone-unreadable', { zone: id })] }
  }
}

async function isAccount(api: CloudflareApi, id: string): Promise<boolean> {
  try {
    await api.getAccount(id)
    return true
  } catch (error) {
    // Not asked at all: the API budget held the call back, and that is what stops the run.
    if (error instanceof OverBudgetError) throw error
    return false
  }
}

async function resolveZoneByName(finder: ZoneFinder, name: string): Promise<ZoneResolution> {
  let found: { zone?: ResolvedZone; tried: string[] }
  try {
    found = await finder.zoneOf(name)
  } catch (error) {
    if (error instanceof DiagnosedFailure) throw error
    throw failure(error, name)
  }
  if (!found.zone) throw new DiagnosedFailure([diagnose('zone-name-not-found', { tried: found.tried })])
  return { zone: found.zone, readable: true, label: name, notes: [] }
}

export interface HostZones {
  /** Each zone found once, in the order its first hostname was given. */
  zones: ZoneResolution[]
  /** Hostname → the ID of the zone that holds it. */
  byHost: Map<string, string>
  /** One error per hostname in no visible zone. */
  errors: Finding[]
}

/**
 * Finds the zone of each distinct hostname: the most specific zone the credential can see. Hostnames in no
 * visible zone come back as errors (all of them, not the first only); a failed lookup throws.
 */
export async function findZonesOfHosts(api: CloudflareApi, hostnames: string[]): Promise<HostZones> {
  let finder: ZoneFinder | undefined
  const distinct = [...new Set(hostnames)]
  const found = await allOrNothing(api, distinct, async (scoped, host) => {
    const ascii = toAsciiHostname(host)
    if (!ascii) return { host, tried: [] as string[] }
    try {
      return { host, ...(await (finder ??= new ZoneFinder(scoped)).zoneOf(ascii)) }
    } catch (error) {
      if (error instanceof DiagnosedFailure) throw error
      throw failure(error, host)
    }
  })
  const out: HostZones = { zones: [], byHost: new Map(), errors: [] }
  for (const { host, zone, tried } of found) {
    if (!zone) {
      out.errors.push(diagnose('host-in-no-visible-zone', { host, tried }))
      continue
    }
    out.byHost.set(host, zone.id)
    if (!out.zones.some((z) => z.zone.id === zone.id)) {
      out.zones.push({ zone, readable: true, label: zone.name ?? zone.id, notes: [] })
    }
  }
  return out
}

function failure(error: unknown, zone: string): DiagnosedFailure {
  return new DiagnosedFailure([diagnoseError(error, { stage: 'zone', zone })])
}

/** Names looked up at most to find the zones of subdomains: beyond it, items stay in the zone given. */
export const OWN_ZONE_LOOKUPS = 50

/**
 * The zones of the account that serve some item hosts themselves, below a zone given by name: with
 * `zone: example.com`, a URL on blog.example.com belongs to the zone blog.example.com when there is one,
 * since a purge sent to example.com does not reach it. Only the names between each host and its given
 * zone are looked up (each once, at most OWN_ZONE_LOOKUPS of them); a lookup that fails leaves the item
 * in the zone given, as before.
 */
export async function findOwnZones(
  api: CloudflareApi,
  hostnames: string[],
  given: ResolvedZone[],
  /** Names already looked up (finding the zones given by name) and found to be no zone. */
  tried: string[] = []
): Promise<ZoneResolution[]> {
  const names = given.flatMap((z) => (z.name ? [z.name] : []))
  const wanted = new Map<string, string[]>()
  for (const host of new Set(hostnames)) {
    const zoneName = names.filter((n) => isHostInZone(host, n)).sort((a, b) => b.length - a.length)[0]
    if (!zoneName || host === zoneName) continue
    const between = candidateZoneNames(host).filter((n) => n.length > zoneName.length && !tried.includes(n))
    if (between.length > 0) wanted.set(host, between)
  }
  const lookups = new Set([...wanted.values()].flat())
  if (lookups.size === 0 || lookups.size > OWN_ZONE_LOOKUPS) return []
  const finder = new ZoneFinder(api)
  const zones = await Promise.all(
    [...wanted].map(([host, between]) =>
      finder.zoneOf(host, between).then(
        (r) => r.zone,
        () => undefined
      )
    )
  )
  const found: ZoneResolution[] = []
  for (const zone of zones) {
    if (zone && !found.some((f) => f.zone.id === zone.id) && !given.some((g) => g.id === zone.id)) {
      found.push({ zone, readable: true, label: zone.name ?? zone.id, notes: [] })
    }
  }
  return found
}
