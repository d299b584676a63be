// Finds the Version Management environment named by `environment` in each zone, once per zone, with
// `GET /zones/{zone_id}/environments`; every zone where it cannot be found is reported at once.
import { diagnose } from '../diagnosis/catalogue.js'
import { diagnoseError } from '../diagnosis/from-error.js'
import { DiagnosedFailure } from '../diagnosis/failure.js'
import { classifyEnvironmentsError } from '../diagnosis/target-errors.js'
import { CloudflareError } from '../cloudflare/errors.js'
import type { CacheMode, Environment, Finding, ResolvedZone } from '../types.js'

/** The one call this needs: CloudflareApi in the action, a fake in tests. */
export interface EnvironmentApi {
  listEnvironments(zoneId: string): Promise<Environment[]>
}

/** A zone to look in, with the name shown in messages. */
export interface EnvironmentZone {
  zone: ResolvedZone
  label: string
}

/**
 * The environment in `environments` that `wanted` names: its ref, else its name in any case. Two or more
 * names that differ only in case match alike, whichever spelling was written: `ambiguous` lists them
 * (their refs tell them apart). Neither when none matches.
 */
export function findEnvironment(
  environments: Environment[],
  wanted: string
): { environment?: Environment; ambiguous?: Environment[] } {
  const lower = wanted.toLowerCase()
  const byRef =
    environments.find((e) => e.ref === wanted) ?? environments.find((e) => e.ref.toLowerCase() === lower)
  if (byRef) return { environment: byRef }
  const byName = environments.filter((e) => e.name.toLowerCase() === lower)
  if (byName.length > 1) return { ambiguous: byName }
  return byName[0] ? { environment: byName[0] } : {}
}

/** Cloudflare: "Purging the production environment purges all environments" (Version Management docs). */
export function isProduction(environment: Environment): boolean {
  return environment.name.trim().toLowerCase() === 'production'
}

/**
 * The log line for a purge of everything on Production, which Cloudflare documents as clearing every
 * environment of the zone; undefined for anything else.
 */
export function productionEverythingNote(
  environment: Environment,
  zone: string,
  request: { everything: boolean; mode: CacheMode }
): string | undefined {
  if (!request.everything || request.mode !== 'purge' || !isProduction(environment)) return undefined
  return (
    `Purging everything on ${environment.name} clears the cache of every environment of ${zone}, not only ` +
    `${environment.name}: Cloudflare purges all environments when Production is purged.`
  )
}

/**
 * The environment of each zone, keyed by zone ID. Throws a DiagnosedFailure naming every zone without
 * Version Management, every zone whose environments may not be listed, and every zone where no
 * environment matches (with the names it has); an unexpected failure is diagnosed as usual.
 */
export async function resolveEnvironments(
  api: EnvironmentApi,
  zones: EnvironmentZone[],
  wanted: string
): Promise<Map<string, Environment>> {
  const answers = await Promise.all(
    zones.map(async ({ zone, label }) => {
      try {
        return { zone, label, environments: await api.listEnvironments(zone.id) }
      } catch (error) {
        return { zone, label, error }
      }
    })
  )
  const found = new Map<string, Environment>()
  const notEnabled: Array<{ label: string; detail: string }> = []
  const notReadable: Array<{ label: string; detail: string }> = []
  const unknown: Finding[] = []
  for (const answer of answers) {
    const name = answer.zone.name ?? answer.label
    if ('error' in answer) {
      const refusal = classifyEnvironmentsError(answer.error)
      const detail = answer.error instanceof CloudflareError ? answer.error.describe() : ''
      if (refusal === 'not-enabled') notEnabled.push({ label: name, detail })
      else if (refusal === 'not-readable') notReadable.push({ label: name, detail })
      else throw new DiagnosedFailure([diagnoseError(answer.error, { stage: 'zone', zone: name })])
      continue
    }
    if (answer.environments.length === 0) {
      notEnabled.push({ label: name, detail: 'it lists no environments' })
      continue
    }
    const { environment, ambiguous } = findEnvironment(answer.environments, wanted)
    if (environment) found.set(answer.zone.id, environment)
    else if (ambiguous) {
      const matches = ambiguous.map((e) => `${e.name} (ref ${e.ref})`)
      unknown.push(diagnose('environment-ambiguous', { zone: name, wanted, matches }))
    } else {
      const names = answer.environments.map((e) => e.name)
      unknown.push(diagnose('environment-unknown', { zone: name, wanted, names }))
    }
  }
  const findings: Finding[] = []
  if (notEnabled.length > 0) {
    findings.push(
      diagnose('environments-not-enabled', {
        zones: notEnabled.map((z) => z.label),
        detail: distinct(notEnabled.map((z) => z.detail)).join('; ')
      })
    )
  }
  if (notReadable.length > 0) {
    findings.push(
      diagnose('environments-not-readable', {
        zones: notReadable.map((z) => z.label),
        wanted,
        detail: distinct(notReadable.map((z) => z.detail)).join('; ')
      })
    )
  }
  findings.push(...unknown)
  if (findings.length > 0) throw new DiagnosedFailure(findings)
  return found
}

function distinct(values: string[]): string[] {
  return [...new Set(values.filter(Boolean))]
}
