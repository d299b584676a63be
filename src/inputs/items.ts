// Parses the item inputs (files, tags, hosts, prefixes) into validated, deduplicated lists.
//
// One list syntax (list-syntax.ts): `files` (and a `files_from` file) take URLs separated by whitespace,
// a comma at the end of each, or a JSON array; `zone`, `tags`, `hosts` and `prefixes` take items separated
// by commas or newlines, or a JSON array of strings; `changed_paths` takes one mapping per line.
import { diagnose } from '../diagnosis/catalogue.js'
import { toAsciiHostname } from '../cloudflare/hostnames.js'
import { CONTROL_CHARACTER, URL_SCHEME } from '../patterns.js'
import { canonicalForm, canonicalUrl, COMMA_JOINED, hideUserinfo } from './canonical-url.js'
import { numberedContentLines, splitList, unquote } from './list-syntax.js'
import type { FileItem, Finding } from '../types.js'

/** What an HTTP header value may hold (RFC 9110 field-value): tab, visible ASCII, space, obs-text. */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/

export interface Parsed<T> {
  items: T[]
  errors: Finding[]
}

/** A finding for an item of a comma-separated list that has a "#" after a space: a comment that is not one. */
function inlineComment(input: string, value: string): Finding | undefined {
  return /\s#/.test(value) ? diagnose('inline-comment', { input, text: value }) : undefined
}

// ── files ───────────────────────────────────────────────────────────────────

export interface ParsedFiles extends Parsed<FileItem> {
  /** URLs whose fragment was removed: [as written, as purged]. */
  fragments: Array<[string, string]>
}

/**
 * Where a list of files was read: `files`, or the file that `files_from` names. A file may be something
 * else given by mistake (a `.env`): a line of it that is not a URL is never quoted, only its number and
 * its first characters are.
 */
export type FilesSource = { input: 'files' | 'verify_urls' } | { input: 'files_from'; file: string }

/**
 * Parses `files`: a JSON array (strings and {url, headers} objects) when it starts with "[",
 * otherwise URLs separated by whitespace, each of which may end with a comma (one URL a line, a comma
 * after each). Every URL is canonical (see canonical-url.ts). `zoneName` helps suggest a full URL for a
 * bare path.
 */

export function parseFiles(text: string, source: FilesSource, zoneName?: string): ParsedFiles {
  const masked = source.input === 'files_from'
  const lines = numberedContentLines(text)
  const trimmed = lines
    .map((l) => l.line)
    .join('\n')
    .trim()
  const out: ParsedFiles = { items: [], errors: [], fragments: [] }
  if (trimmed === '') return out
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) return parseFilesJson(trimmed, source, zoneName)
  const notUrls: NumberedToken[] = []
  for (const { line, number } of lines) {
    const values = line.trim().split(/\s+/)
    const comment = values.findIndex((v) => v.startsWith('#'))
    if (comment !== -1) {
      const text = masked ? `line ${number}` : hideUserinfo(line.trim())
      out.errors.push(diagnose('inline-comment', { ...source, text }))
      values.length = comment
    }
    for (const value of values.map(listToken).filter((v) => v !== '')) {
      if (masked && !URL_SCHEME.test(value)) notUrls.push({ value, number })
      // "https://a/x,https://a/y" may be two URLs or one whose query holds a URL: a JSON array says which.
      else if (COMMA_JOINED.test(value)) {
        out.errors.push(diagnose('urls-joined-by-commas', { example: hideUserinfo(value) }))
      } else addFile(out, { url: value }, zoneName)
    }
  }
  if (notUrls.length > 0 && source.input === 'files_from') out.errors.push(notAUrlList(source.file, notUrls))
  return out
}

interface NumberedToken {
  value: string
  number: number
}

/** A whitespace-separated token of a URL list without the commas and the quotes around it. */
function listToken(token: string): string {
  return unquote(token.replace(/^,+|,+$/g, '')).replace(/^,+|,+$/g, '')
}

/**
 * One finding for every line of a file that is not a URL: its line numbers, and the first characters of
 * the first such line, never the lines themselves (a file given by mistake may hold secrets).
 */
function notAUrlList(file: string, tokens: NumberedToken[]): Finding {
  const numbers = [...new Set(tokens.map((t) => t.number))]
  const first = tokens[0] as NumberedToken
  return diagnose('files-not-urls', {
    input: 'files_from',
    file,
    lines: numbers,
    start: maskedStart(first.value)
  })
}

/** The first four characters of a value and "…": enough to recognise a file, too few to leak a secret. */
export function maskedStart(value: string): string {
  const chars = [...value]
  return chars.length <= 4 ? `${chars[0] ?? ''}…` : `${chars.slice(0, 4).join('')}…`
}

/** Checks the URL of an item and adds it in canonical form, or adds the reason it cannot be purged. */
function addFile(out: ParsedFiles, item: FileItem, zoneName?: string): void {
  const result = canonicalUrl(item.url, zoneName)
  if (!result.ok) {
    out.errors.push(result.finding)
    return
  }
  if (result.hadFragment) out.fragments.push([item.url, result.url])
  out.items.push({ ...item, url: result.url })
}

function parseFilesJson(text: string, source: FilesSource, zoneName?: string): ParsedFiles {
  const out: ParsedFiles = { items: [], errors: [], fragments: [] }
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (e) {
    // V8 quotes the text in its message (all of it when short, else up to ten characters either side of
    // the error, between "..." marks): it may hold a URL's password, so that part is left out.
    const detail = (e as Error).message.replace(/,\s*(?:\.\.\.)?".*" is not valid JSON$/s, '')
    const reason = `it is not valid JSON (${hideUserinfo(detail)})`
    out.errors.push(diagnose('bad-files-json', { ...source, reason }))
    return out
  }
  if (!Array.isArray(data)) {
    out.errors.push(
      diagnose('bad-files-json', {
        ...source,
        reason: 'it is not an array (wrap a single object in [ ])'
      })
    )
    return out
  }
  data.forEach((entry: unknown, index) => {
    const item = toFileItem(entry)
    if (typeof item === 'string')
      out.errors.push(diagnose('bad-files-json', { ...source, reason: `item ${index + 1} ${item}` }))
    else addFile(out, item, zoneName)
  })
  return out
}

/** A file item, or a sentence fragment saying why the JSON entry is not one. */
function toFileItem(entry: unknown): FileItem | string {
  if (typeof entry === 'string') return { url: entry.trim() }
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    return 'is neither a URL string nor an object with "url"'
  }
  const { url, headers, ...rest } = entry as Record<string, unknown>
  if (typeof url !== 'string') return 'has no "url" string'
  const extra = Object.keys(rest)
  if (extra.length > 0) return `has unknown field "${extra[0]}" (only "url" and "headers" are allowed)`
  if (headers === undefined) return { url: url.trim() }
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) {
    return 'has "headers" that is not an object of header names to values'
  }
  const clean: Record<string, string> = {}
  const seen = new Map<string, string>()
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value !== 'string') return `has header "${name}" whose value is not a string`
    // Header names are case-insensitive (RFC 9110): two spellings of one name make one cache key ambiguous.
    const twin = seen.get(name.toLowerCase())
    if (twin !== undefined) return `has header "${twin}" twice (also as "${name}"); header names ignore case`
    seen.set(name.toLowerCase(), name)
    if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) return `has an invalid header name "${name}"`
    if (!HEADER_VALUE.test(value))
      return `has header "${name}" with a line break or control character in its value`
    clean[name] = value
  }
  return Object.keys(clean).length > 0 ? { url: url.trim(), headers: clean } : { url: url.trim() }
}

/**
 * Two files are the same item when their canonical URLs match and so do their headers (names in any
 * case): the same URL with different headers purges different cached variants.
 */
export function fileKey(item: FileItem): string {
  const url = canonicalForm(item.url)
  if (!item.headers) return url
  const headers = Object.entries(item.headers)
    .map(([k, v]) => `${k.toLowerCase()}:${v}`)
    .sort()
  return `${url}\n${headers.join('\n')}`
}

// ── tags, hosts, prefixes ───────────────────────────────────────────────────

export function parseTags(text: string): Parsed<string> {
  const items: string[] = []
  const errors: Finding[] = []
  for (const value of splitList(text)) {
    const comment = inlineComment('tags', value)
    if (comment) errors.push(comment)
    else if (value.length > 1024)
      errors.push(
        diagnose('bad-tag', { value: `${value.slice(0, 40)}…`, reason: `is ${value.length} characters long` })
      )
    else if (/\s/.test(value)) errors.push(diagnose('bad-tag', { value, reason: 'contains a space' }))
    else if (!/^[\x21-\x7e]+$/.test(value))
      errors.push(diagnose('bad-tag', { value, reason: 'contains characters that are not printable ASCII' }))
    else items.push(value)
  }
  return { items, errors }
}

/**
 * A finding for a `hosts` or `prefixes` item that is several valid items separated by spaces, which
 * these inputs do not take as a separator (commas or newlines do).
 */
function joinedBySpaces(input: 'hosts' | 'prefixes', value: string, valid: (part: string) => boolean) {
  const parts = value.split(/\s+/)
  if (parts.length < 2 || !parts.every(valid)) return undefined
  return diagnose('items-joined-by-spaces', {
    input,
    value: hideUserinfo(value),
    suggestion: parts.join(', ')
  })
}

export function parseHosts(text: string): Parsed<string> {
  const items: string[] = []
  const errors: Finding[] = []
  for (const value of splitList(text)) {
    const ascii = toAsciiHostname(value)
    if (ascii) {
      items.push(ascii)
      continue
    }
    const problem =
      inlineComment('hosts', value) ?? joinedBySpaces('hosts', value, (p) => Boolean(toAsciiHostname(p)))
    if (problem) {
      errors.push(problem)
      continue
    }
    const stripped = value
      .replace(URL_SCHEME, '')
      .replace(/[/\\?#].*$/s, '')
      .replace(/^.*@/s, '')
    const suggestion = stripped !== value ? toAsciiHostname(stripped) : undefined
    const reason = suggestion
      ? 'has a scheme or a path'
      : /:\d+$/.test(value)
        ? 'has a port'
        : 'is not a valid hostname'
    errors.push(diagnose('bad-host', { value: hideUserinfo(value), reason, suggestion }))
  }
  return { items, errors }
}

export function parsePrefixes(text: string, zoneName?: string): Parsed<string> {
  const items: string[] = []
  const errors: Finding[] = []
  for (const value of splitList(text)) {
    const prefix = parsePrefix(value, zoneName)
    if (typeof prefix === 'string') items.push(prefix)
    else errors.push(prefix)
  }
  return { items, errors }
}

/** A prefix in the form Cloudflare takes (host in ASCII, path as written), or why it is not one. */
function parsePrefix(value: string, zoneName?: string): string | Finding {
  const bad = (reason: string, suggestion?: string): Finding =>
    diagnose('bad-prefix', {
      value: hideUserinfo(value),
      reason,
      ...(suggestion ? { suggestion: hideUserinfo(suggestion) } : {})
    })
  const problem =
    inlineComment('prefixes', value) ??
    joinedBySpaces('prefixes', value, (p) => typeof parsePrefix(p) === 'string')
  if (problem) return problem
  const schemeMatch = URL_SCHEME.exec(value)
  const withoutScheme = schemeMatch ? value.slice(schemeMatch[0].length) : value
  const clean = withoutScheme.replace(/[?#].*$/s, '').replace(/^[^/]*@/, '')
  if (schemeMatch) return bad('has a scheme', clean)
  if (/[?#]/.test(value)) return bad('has a query string or fragment', clean)
  if (/\s/.test(value) || CONTROL_CHARACTER.test(value) || value.includes('*'))
    return bad('contains spaces, control characters or a wildcard')
  const slash = value.indexOf('/')
  const host = slash === -1 ? value : value.slice(0, slash)
  const ascii = toAsciiHostname(host)
  if (!ascii) {
    const suggestion = value.startsWith('/') && zoneName ? `${zoneName}${value}` : undefined
    return bad('does not start with a host name', suggestion)
  }
  const path = slash === -1 ? '' : value.slice(slash)
  if ((path.match(/\//g) ?? []).length > 31)
    return bad('has more than 31 path separators, the most Cloudflare accepts')
  return `${ascii}${path}`
}

/** Keeps the first of each item with the same key, in order. */
export function dedupe<T>(items: T[], key: (item: T) => string): T[] {
  const seen = new Set<string>()
  return items.filter((item) => {
    const k = key(item)
    if (seen.has(k)) return false
    seen.add(k)
    return true
  })
}
