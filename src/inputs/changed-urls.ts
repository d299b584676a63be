// Maps repository paths to the site URLs they are published at, and a list of changed files to the
// URLs whose cached copies are stale. Pure: the GitHub side lives in changed-files.ts.
import { diagnose } from '../diagnosis/catalogue.js'
import { toAsciiHostname } from '../cloudflare/hostnames.js'
import { canonicalUrl, hideUserinfo } from './canonical-url.js'
import { contentLines } from './list-syntax.js'
import type { Finding, PathMapping } from '../types.js'

/** A file the compare lists, with GitHub's status (added, removed, modified, renamed, copied, changed, unchanged). */
export interface ChangedFile {
  path: string
  status: string
  /** The old path of a renamed or copied file. */
  previousPath?: string
}

export interface ChangedUrls {
  /** In canonical form (canonical-url.ts), each once. */
  urls: string[]
  /** Changed paths under no mapping (sources, workflows, …): nothing to purge for them. */
  unmapped: number
  /** URLs that fail the checks every URL to purge passes: left out with a warning, the others purged. */
  errors: Finding[]
}

/** The changed files of a push or a range of commits, listed and mapped to URLs, ready to purge. */
export interface ListedChanges {
  /** The commits compared, as shown: `1111111...2222222`. */
  range: string
  /** Files that changed. */
  files: number
  /** Of those, the files under no `changed_paths` folder. */
  unmapped: number
  /** The URLs to purge for the others, in canonical form. */
  urls: string[]
  /** URLs that fail the checks every URL to purge passes: left out with a warning, the others purged. */
  errors?: Finding[]
}

/** The file whose folder URL serves it too: `/docs/` is `/docs/index.html`. */
const INDEX_FILE = 'index.html'

/** The options a mapping line may end with, after the URL. */
export const MAPPING_OPTIONS = ['pretty-urls'] as const

/**
 * Parses `changed_paths`: one `folder/ => https://host/path/` per line, optionally followed by options
 * separated by spaces (`pretty-urls`); blank lines and comment lines (first non-blank character "#") are skipped.
 */
export function parseChangedPaths(text: string): { mappings: PathMapping[]; errors: Finding[] } {
  const mappings: PathMapping[] = []
  const errors: Finding[] = []
  for (const line of contentLines(text).map((l) => l.trim())) {
    const mapping = parseMapping(line)
    if (typeof mapping === 'string') {
      errors.push(diagnose('bad-changed-paths', { line: hideUserinfo(line), reason: mapping }))
      continue
    }
    const same = mappings.find((m) => m.path === mapping.path && m.url === mapping.url)
    if (!same) mappings.push(mapping)
    else if (mapping.prettyUrls) same.prettyUrls = true
  }
  return { mappings, errors }
}

/** A mapping, or the reason why the line is not one. */
function parseMapping(line: string): PathMapping | string {
  const parts = line.split('=>')
  if (parts.length !== 2) {
    return parts.length === 1 ? 'has no "=>" between the folder and the URL' : 'has more than one "=>"'
  }
  const path = normalizeFolder((parts[0] ?? '').trim())
  if (typeof path !== 'string') return path.reason
  // A URL has no spaces (they are written %20), so words after it are options.
  const [target = '', ...options] = (parts[1] ?? '').trim().split(/\s+/)
  const url = normalizeBaseUrl(target)
  if (typeof url !== 'string') return url.reason
  const mapping: PathMapping = { path, url }
  for (const option of options) {
    const known = MAPPING_OPTIONS.find((o) => o === option.toLowerCase())
    if (!known) {
      return `has "${option}" after the URL, which is not an option (the only one is "pretty-urls")`
    }
    mapping.prettyUrls = true
  }
  return mapping
}

function normalizeFolder(value: string): string | { reason: string } {
  if (/^[a-z]:|\\/i.test(value))
    return { reason: 'has a folder with backslashes or a drive letter; use a/b/ paths' }
  const trimmed = value.replace(/^(\.\/)+/, '').replace(/^\/+/, '')
  if (trimmed === '' || trimmed === '.') return ''
  const segments = trimmed.replace(/\/+$/, '').split('/')
  if (segments.some((s) => s === '..' || s === '.' || s === '')) {
    return {
      reason: 'has a folder with "..", "." or "//" in it; give the folder relative to the repository root'
    }
  }
  if (segments.some((s) => /[*?[\]]/.test(s))) {
    return { reason: 'has a wildcard in the folder; give the folder itself, such as public/' }
  }
  return `${segments.join('/')}/`
}

function normalizeBaseUrl(value: string): string | { reason: string } {
  if (value === '') return { reason: 'has no URL after "=>"' }
  const shown = hideUserinfo(value)
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return { reason: `has "${shown}" as its URL, which is not a full URL such as https://example.com/` }
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { reason: `has "${shown}" as its URL; only http:// and https:// URLs are cached by Cloudflare` }
  }
  if (url.username || url.password || url.search || url.hash || value.includes('*')) {
    return {
      reason: `has "${shown}" as its URL, which must have no credentials, query, fragment or wildcard`
    }
  }
  if (!toAsciiHostname(url.hostname)) {
    return { reason: `has "${shown}" as its URL, whose host is not a domain name` }
  }
  return url.href.endsWith('/') ? url.href : `${url.href}/`
}

/**
 * The URLs to purge for these changes: each changed, added, removed or renamed-away file under a mapped
 * folder, by the deepest folder that holds it (every mapping of that folder when it is mapped twice), plus
 * the folder URL of each `index.html`, and with `pretty-urls` the URLs without `.html` / `.htm`.
 */
export function urlsForChanges(files: ChangedFile[], mappings: PathMapping[]): ChangedUrls {
  const urls = new Set<string>()
  const errors: Finding[] = []
  let unmapped = 0
  const add = (path: string): boolean => {
    const found = urlsForPath(path, mappings)
    for (const url of found) {
      // The same checks and the same canonical form as a URL given in `files`; the path is a real file
      // name, so a "*" in it is part of the name.
      const checked = canonicalUrl(url, undefined, { literalPath: true })
      if (checked.ok) urls.add(checked.url)
      else errors.push(diagnose('bad-changed-url', { detail: checked.finding.message }))
    }
    return found.length > 0
  }
  for (const file of files) {
    if (file.status === 'unchanged') continue
    let mapped = add(file.path)
    // A rename leaves the old URL serving a stale copy (or an old 200 where there should be a 404).
    if (file.status === 'renamed' && file.previousPath) mapped = add(file.previousPath) || mapped
    if (!mapped) unmapped++
  }
  return { urls: [...urls], unmapped, errors }
}

/** Every URL that serves this repository path, most specific folder first; empty when unmapped. */
export function urlsForPath(path: string, mappings: PathMapping[]): string[] {
  const matching = mappings.filter((m) => path.startsWith(m.path) && path.length > m.path.length)
  const deepest = Math.max(-1, ...matching.map((m) => m.path.length))
  const urls: string[] = []
  for (const m of matching.filter((x) => x.path.length === deepest)) {
    const rest = path.slice(m.path.length)
    urls.push(m.url + encodePath(rest))
    for (const other of otherPaths(rest, m.prettyUrls === true)) urls.push(m.url + encodePath(other))
  }
  return urls
}

/**
 * The other paths a site serves a file at: `docs/index.html` at `docs/`; with pretty URLs (static hosts
 * that drop the extension) also `about.html` and `about.htm` at `about`, and `docs/index.htm` at `docs/`.
 */
function otherPaths(rest: string, prettyUrls: boolean): string[] {
  const slash = rest.lastIndexOf('/') + 1
  const folder = rest.slice(0, slash)
  const name = rest.slice(slash)
  if (name === INDEX_FILE || (prettyUrls && name === 'index.htm')) return [folder]
  if (!prettyUrls) return []
  const page = /^(.+)\.html?$/.exec(name)?.[1]
  return page ? [folder + page] : []
}

/** Percent-encodes each path segment the way browsers request it, keeping the characters paths allow. */
export function encodePath(path: string): string {
  return path
    .split('/')
    .map((segment) =>
      encodeURIComponent(segment).replace(/%(24|26|2B|2C|3B|3D|3A|40)/gi, (m) => decodeURIComponent(m))
    )
    .join('/')
}
