// Parses the item inputs (files, tags, hosts, prefixes) into validated, deduplicated lists.
//
// One list syntax: `files` (and a `files_from` file) take URLs separated by whitespace, or a JSON array;
// `zone`, `tags`, `hosts` and `prefixes` take items separated by commas or newlines; `changed_paths` takes
// one mapping per line. One comment rule for all of them: a line whose first non-blank character is "#"
// is a comment. A "#" anywhere else is part of the value (so the tag "#blog" in "release, #blog").
import { diagnose } from '../diagnosis/catalogue.js'
import { toAsciiHostname } from '../cloudflare/hostnames.js'
import { canonicalForm, canonicalUrl, COMMA_JOINED, hideUserinfo } from './canonical-url.js'
import type { FileItem, Finding } from '../types.js'

// C0 controls and DEL: never part of a URL or prefix that Cloudflare accepts.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x1f\x7f]/
/** What an HTTP header value may hold (RFC 9110 field-value): tab, visible ASCII, space, obs-text. */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/
const LINE_BREAK = /\r\n|\r|\n/

export interface Parsed<T> {
  items: T[]
  errors: Finding[]
}

/** The lines of a list that are neither blank nor comments (first non-blank character "#"). */
export function contentLines(text: string): string[] {
  return text.split(LINE_BREAK).filter((line) => {
    const start = line.trimStart()
    return start !== '' && !start.startsWith('#')
  })
}

/** Splits a list input into its items: comment and blank lines dropped, then split on `separators`. */
export function splitList(text: string, separators: RegExp = /,/): string[] {
  return contentLines(text)
    .flatMap((line) => line.split(separators))
    .map((s) => s.trim())
    .filter((s) => s !== '')
}

/**
 * True when the whole value is one line, without a line break, and that line is a comment: as in
 * `tags: "#blog, news"`, where nothing would be purged. (A block of lines that are all comments is
 * an empty list written on purpose.)
 */
export function isOneCommentLine(text: string): boolean {
  return !LINE_BREAK.test(text) && text.trimStart().startsWith('#')
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
 * Parses `files`: a JSON array (strings and {url, headers} objects) when it starts with "[",
 * otherwise URLs separated by whitespace. Every URL is canonical (see canonical-url.ts).
 * `zoneName` helps suggest a full URL for a bare path.
 */
/** Where a list of files was read: `files`, or the file that `files_from` names. */
export type FilesSource = { input: 'files' | 'verify_urls' } | { input: 'files_from'; file: string }

export function parseFiles(text: string, source: FilesSource, zoneName?: string): ParsedFiles {
  const lines = contentLines(text)
  const trimmed = lines.join('\n').trim()
  const out: ParsedFiles = { items: [], errors: [], fragments: [] }
  if (trimmed === '') return out
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) return parseFilesJson(trimmed, source, zoneName)
  for (const line of lines) {
    // "https://a/x, https://a/y" would split into "https://a/x," and "https://a/y": one error for the line.
    if (COMMA_JOINED.test(line)) {
      out.errors.push(diagnose('urls-joined-by-commas', { example: hideUserinfo(line.trim()) }))
      continue
    }
    const values = line.trim().split(/\s+/)
    const comment = values.findIndex((v) => v.startsWith('#'))
    if (comment !== -1) {
      out.errors.push(diagnose('inline-comment', { ...source, text: hideUserinfo(line.trim()) }))
      values.length = comment
    }
    for (const value of values) addFile(out, { url: value }, zoneName)
  }
  return out
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
    // Node quotes a piece of the text in its message; it may hold a URL's password, so it is left out.
    const detail = (e as Error).message.replace(/,\s*".*" is not valid JSON$/s, '')
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
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value !== 'string') return `has header "${name}" whose value is not a string`
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
      .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
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
  const schemeMatch = /^[a-z][a-z0-9+.-]*:\/\//i.exec(value)
  const withoutScheme = schemeMatch ? value.slice(schemeMatch[0].length) : value
  const clean = withoutScheme.replace(/[?#].*$/s, '').replace(/^[^/]*@/, '')
  if (schemeMatch) return bad('has a scheme', clean)
  if (/[?#]/.test(value)) return bad('has a query string or fragment', clean)
  if (/\s/.test(value) || CONTROL.test(value) || value.includes('*'))
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
