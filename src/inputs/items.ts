// Parses the item inputs (files, tags, hosts, prefixes) into validated, deduplicated lists.
import { diagnose } from '../diagnosis/catalogue.js'
import { toAsciiHostname } from '../cloudflare/hostnames.js'
import type { FileItem, Finding } from '../types.js'

// C0 controls and DEL: never part of a URL or prefix that Cloudflare accepts.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x1f\x7f]/
/** What an HTTP header value may hold (RFC 9110 field-value): tab, visible ASCII, space, obs-text. */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/

export interface Parsed<T> {
  items: T[]
  errors: Finding[]
}

/** Splits a list input on newlines and commas, dropping blanks and `#` comment lines. */
export function splitList(text: string, separators: RegExp = /[\n,]/): string[] {
  return text
    .split(separators)
    .map((s) => s.trim())
    .filter((s) => s !== '' && !s.startsWith('#'))
}

// ── files ───────────────────────────────────────────────────────────────────

/**
 * Parses `files`: a JSON array (strings and {url, headers} objects) when it starts with "[",
 * otherwise URLs separated by whitespace. `zoneName` helps suggest a full URL for a bare path.
 */
export function parseFiles(text: string, source: string, zoneName?: string): Parsed<FileItem> {
  const trimmed = text.trim()
  if (trimmed === '') return { items: [], errors: [] }
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) return parseFilesJson(trimmed, source, zoneName)
  const items: FileItem[] = []
  const errors: Finding[] = []
  for (const value of splitList(trimmed, /\s+/)) {
    const error = checkUrl(value, zoneName)
    if (error) errors.push(error)
    else items.push({ url: value })
  }
  return { items, errors }
}

function parseFilesJson(text: string, source: string, zoneName?: string): Parsed<FileItem> {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (e) {
    const reason = `it is not valid JSON (${(e as Error).message})`
    return { items: [], errors: [diagnose('bad-files-json', { input: source, reason })] }
  }
  if (!Array.isArray(data)) {
    return {
      items: [],
      errors: [
        diagnose('bad-files-json', {
          input: source,
          reason: 'it is not an array (wrap a single object in [ ])'
        })
      ]
    }
  }
  const items: FileItem[] = []
  const errors: Finding[] = []
  data.forEach((entry: unknown, index) => {
    const item = toFileItem(entry)
    if (typeof item === 'string') {
      errors.push(diagnose('bad-files-json', { input: source, reason: `item ${index + 1} ${item}` }))
      return
    }
    const error = checkUrl(item.url, zoneName)
    if (error) errors.push(error)
    else items.push(item)
  })
  return { items, errors }
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

function checkUrl(value: string, zoneName?: string): Finding | undefined {
  const lower = value.toLowerCase()
  if (!/^[a-z][a-z0-9+.-]*:/.test(lower)) {
    return diagnose('relative-url', { value, suggestion: suggestFullUrl(value, zoneName) })
  }
  if (!lower.startsWith('http://') && !lower.startsWith('https://')) {
    return diagnose('bad-url', { value, reason: 'only http:// and https:// URLs are cached by Cloudflare' })
  }
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return diagnose('bad-url', { value, reason: 'it is not a valid URL' })
  }
  if (!url.hostname) return diagnose('bad-url', { value, reason: 'it has no host name' })
  if (/\s/.test(value) || CONTROL.test(value))
    return diagnose('bad-url', { value, reason: 'it contains spaces or control characters' })
  if (value.includes('*')) {
    return diagnose('bad-url', {
      value,
      reason: 'Cloudflare does not expand wildcards in URLs; to purge a folder use `prefixes` (host/path)'
    })
  }
  return undefined
}

function suggestFullUrl(value: string, zoneName?: string): string | undefined {
  if (value.startsWith('//')) return `https:${value}`
  if (value.startsWith('/')) return zoneName ? `https://${zoneName}${value}` : undefined
  const host = value.split('/')[0] ?? ''
  if (toAsciiHostname(host)) return `https://${value}`
  return zoneName ? `https://${zoneName}/${value}` : undefined
}

/** Two files are the same item when scheme, host (any case), path and query match and so do their headers. */
export function fileKey(item: FileItem): string {
  const match = /^([a-z][a-z0-9+.-]*:\/\/[^/?#]*)(.*)$/is.exec(item.url)
  const base = match ? `${(match[1] ?? '').toLowerCase()}${match[2] ?? ''}` : item.url
  if (!item.headers) return base
  const headers = Object.entries(item.headers)
    .map(([k, v]) => `${k.toLowerCase()}:${v}`)
    .sort()
  return `${base}\n${headers.join('\n')}`
}

// ── tags, hosts, prefixes ───────────────────────────────────────────────────

export function parseTags(text: string): Parsed<string> {
  const items: string[] = []
  const errors: Finding[] = []
  for (const value of splitList(text)) {
    if (value.length > 1024)
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

export function parseHosts(text: string): Parsed<string> {
  const items: string[] = []
  const errors: Finding[] = []
  for (const value of splitList(text)) {
    const stripped = value.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/[/?#].*$/s, '')
    const ascii = toAsciiHostname(value)
    if (ascii) {
      items.push(ascii)
      continue
    }
    const suggestion = stripped !== value ? toAsciiHostname(stripped) : undefined
    const reason = suggestion
      ? 'has a scheme or a path'
      : /:\d+$/.test(value)
        ? 'has a port'
        : 'is not a valid hostname'
    errors.push(diagnose('bad-host', { value, reason, suggestion }))
  }
  return { items, errors }
}

export function parsePrefixes(text: string, zoneName?: string): Parsed<string> {
  const items: string[] = []
  const errors: Finding[] = []
  for (const value of splitList(text)) {
    const schemeMatch = /^[a-z][a-z0-9+.-]*:\/\//i.exec(value)
    const withoutScheme = schemeMatch ? value.slice(schemeMatch[0].length) : value
    const clean = withoutScheme.replace(/[?#].*$/s, '')
    if (schemeMatch) {
      errors.push(diagnose('bad-prefix', { value, reason: 'has a scheme', suggestion: clean }))
      continue
    }
    if (/[?#]/.test(value)) {
      errors.push(
        diagnose('bad-prefix', { value, reason: 'has a query string or fragment', suggestion: clean })
      )
      continue
    }
    if (/\s/.test(value) || CONTROL.test(value) || value.includes('*')) {
      errors.push(
        diagnose('bad-prefix', { value, reason: 'contains spaces, control characters or a wildcard' })
      )
      continue
    }
    const slash = value.indexOf('/')
    const host = slash === -1 ? value : value.slice(0, slash)
    const ascii = toAsciiHostname(host)
    if (!ascii) {
      const suggestion = value.startsWith('/') && zoneName ? `${zoneName}${value}` : undefined
      errors.push(diagnose('bad-prefix', { value, reason: 'does not start with a host name', suggestion }))
      continue
    }
    const path = slash === -1 ? '' : value.slice(slash)
    if ((path.match(/\//g) ?? []).length > 31) {
      errors.push(
        diagnose('bad-prefix', {
          value,
          reason: 'has more than 31 path separators, the most Cloudflare accepts'
        })
      )
      continue
    }
    items.push(`${ascii}${path}`)
  }
  return { items, errors }
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
