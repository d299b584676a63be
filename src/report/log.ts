// Log lines that describe what a run was asked to do, for the edges to print before the engine runs. Pure.
import { DEFAULT_API_URL } from '../inputs/parser.js'
import type { ListedChanges } from '../inputs/changed-urls.js'
import { wordsFor } from '../purge/target.js'
import type { CacheMode, Settings } from '../types.js'
import { count, grouped } from '../words.js'

/** URLs of the changed files listed one per line; beyond that, counted. */
const URLS_SHOWN = 50

/** The settings in a few lines, secrets left out. */
export function describeSettings(settings: Settings): string[] {
  const zones =
    settings.zones.map((z) => (z.kind === 'id' ? z.id : z.name)).join(', ') ||
    'found from the hostnames of the items'
  const credential = settings.credential.kind === 'token' ? 'API token' : 'email + Global API Key'
  const p = settings.purge
  const what = p.everything
    ? 'everything'
    : [
        p.files.length > 0 ? count(p.files.length, 'URL') : '',
        p.tags.length > 0 ? count(p.tags.length, 'tag') : '',
        p.hosts.length > 0 ? count(p.hosts.length, 'host') : '',
        p.prefixes.length > 0 ? count(p.prefixes.length, 'prefix', 'prefixes') : ''
      ]
        .filter(Boolean)
        .join(', ')
  const mapped = (m: { path: string; url: string; prettyUrls?: true }): string =>
    `${m.path || './'} → ${m.url}${m.prettyUrls ? ' (pretty URLs)' : ''}`
  const changed = settings.changes
    ? `the files changed under ${settings.changes.mappings.map(mapped).join(', ')}`
    : ''
  const w = wordsFor(settings.mode)
  return [
    `Zone: ${zones}`,
    `Credential: ${credential}`,
    `${w.Verb}: ${[what, changed].filter(Boolean).join(', and ') || 'nothing'}`,
    ...(settings.environment ? [`Environment: ${settings.environment} (Version Management)`] : []),
    ...(settings.dryRun ? [`Dry run: nothing will be ${w.past}`] : []),
    ...(settings.apiUrl !== DEFAULT_API_URL ? [`API: ${settings.apiUrl}`] : [])
  ]
}

/** What the listing of the changed files found, and the URLs it gives to purge (or invalidate). */
export function describeChanges(changes: ListedChanges, mode?: CacheMode): string[] {
  const { range, files, unmapped, urls } = changes
  return [
    `${range}: ${count(files, 'changed file')}, ${grouped(files - unmapped)} under changed_paths, ${count(urls.length, 'URL')} to ${wordsFor(mode).verb}`,
    ...urls.slice(0, URLS_SHOWN).map((url) => `  ${url}`),
    ...(urls.length > URLS_SHOWN ? [`  … and ${grouped(urls.length - URLS_SHOWN)} more`] : [])
  ]
}
