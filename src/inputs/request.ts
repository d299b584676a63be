// Rules about the purge request as a whole: when it is empty, when it needs a `zone`, and how the
// changed files' URLs join it. Pure.
import { diagnose } from '../diagnosis/catalogue.js'
import { dedupe, fileKey } from './items.js'
import { normalizedForm } from './canonical-url.js'
import type { FileItem, Finding, PurgeRequest, ZoneRef } from '../types.js'

/** Nothing to purge: no request needs to be sent at all. */
export function isEmptyPurge(purge: PurgeRequest): boolean {
  return !purge.everything && itemTotal(purge) === 0
}

/** The request with the changed files' URLs added (and their normalized forms), each URL once. */
export function withChangedUrls(purge: PurgeRequest, urls: string[]): PurgeRequest {
  const files = dedupe([...purge.files, ...urls.map((url) => ({ url }))], fileKey)
  return { ...purge, files: withNormalizedForms(files).files }
}

/**
 * Each URL, followed by the form Cloudflare's URL normalization gives it where the two differ (`/%7efoo`
 * is cached as `/~foo` on a zone that normalizes incoming URLs, the default; as written on one that does
 * not): both are purged, which is harmless, so the cached copy goes whichever the zone does. `added`
 * pairs each URL with its second form.
 */
export function withNormalizedForms(files: FileItem[]): {
  files: FileItem[]
  added: Array<[string, string]>
} {
  const added: Array<[string, string]> = []
  const out: FileItem[] = []
  for (const file of files) {
    out.push(file)
    const second = normalizedForm(file.url)
    if (second === undefined) continue
    added.push([file.url, second])
    out.push({ ...file, url: second })
  }
  return { files: added.length > 0 ? dedupe(out, fileKey) : files, added }
}

/**
 * Without `zone`, each item's zone is found from its hostname; tags and purge_everything have none, so
 * they need a `zone` unless URLs, hosts or prefixes name one (`hostsToCome`: the changed files' URLs
 * are not listed yet and may).
 */
export function zoneMissing(zones: ZoneRef[], purge: PurgeRequest, hostsToCome = false): Finding | undefined {
  const withHost = purge.files.length + purge.hosts.length + purge.prefixes.length > 0 || hostsToCome
  if (zones.length > 0 || withHost || !(purge.everything || purge.tags.length > 0)) return undefined
  return diagnose('no-zone', { what: purge.everything ? 'purge_everything' : 'tags' })
}

function itemTotal(purge: PurgeRequest): number {
  return purge.files.length + purge.tags.length + purge.hosts.length + purge.prefixes.length
}
