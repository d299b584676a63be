// The one form a URL to purge takes, whether it came from `files`, a `files_from` file or `changed_paths`:
// what the WHATWG URL parser makes of it (the form browsers request), with the fragment removed.
// Everything that dedupes, assigns zones or builds a request body works on this form. Pure.
import { diagnose } from '../diagnosis/catalogue.js'
import { toAsciiHostname } from '../cloudflare/hostnames.js'
import { CONTROL_CHARACTER, safeDecode, SCHEME_NAME, SCHEME_PREFIX } from '../patterns.js'
import type { Finding } from '../types.js'

/** A user name or password at the start of a value that has no scheme ("user:pass@host/…"). */
const BARE_USERINFO = new RegExp(`^(?!${SCHEME_NAME}://)[^/\\\\?#\\s"'<>]*@(?=[^\\s@]*[a-z0-9])`, 'i')
/** The user name and password of a URL with a scheme. */
const URL_USERINFO = new RegExp(`^${SCHEME_NAME}://([^/\\\\?#]*)@`, 'i')

/** A comma directly before another http(s) URL: a list joined by commas, or a query that holds a URL. */
export const COMMA_JOINED = /,\s*https?:\/\//i

export type CanonicalUrl = { ok: true; url: string; hadFragment: boolean } | { ok: false; finding: Finding }

/**
 * The canonical form of a URL to purge, or the finding that says why it cannot be purged.
 * Host in lower case and punycode, default port dropped, path and query as the WHATWG parser
 * serialises them (what a browser requests, so what Cloudflare caches), fragment removed: browsers
 * never send it, so it is never part of a cache key. `zoneName` helps suggest a full URL for a path.
 */
export function canonicalUrl(value: string, zoneName?: string, options: UrlOptions = {}): CanonicalUrl {
  const fail = (finding: Finding): CanonicalUrl => ({ ok: false, finding })
  const shown = hideUserinfo(value)
  if (!SCHEME_PREFIX.test(value)) {
    const suggestion = suggestFullUrl(value, zoneName)
    return fail(
      diagnose('relative-url', {
        value: shown,
        ...(suggestion ? { suggestion: hideUserinfo(suggestion) } : {})
      })
    )
  }
  const lower = value.toLowerCase()
  if (!lower.startsWith('http://') && !lower.startsWith('https://')) {
    return fail(
      diagnose('bad-url', { value: shown, reason: 'only http:// and https:// URLs are cached by Cloudflare' })
    )
  }
  if (/\s/.test(value) || CONTROL_CHARACTER.test(value))
    return fail(diagnose('bad-url', { value: shown, reason: 'it contains spaces or control characters' }))
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return fail(diagnose('bad-url', { value: shown, reason: 'it is not a valid URL' }))
  }
  if (!url.hostname) return fail(diagnose('bad-url', { value: shown, reason: 'it has no host name' }))
  const wildcard = wildcardIn(url, options.literalPath === true)
  if (wildcard) {
    const reason =
      `Cloudflare does not expand wildcards in URLs, and a "*" ${wildcard} reads as one; ` +
      'to purge a folder use `prefixes` (host/path)'
    return fail(diagnose('bad-url', { value: shown, reason }))
  }
  if (url.username !== '' || url.password !== '') {
    url.username = ''
    url.password = ''
    url.hash = ''
    return fail(diagnose('url-credentials', { value: shown, suggestion: url.href }))
  }
  const hadFragment = url.hash !== '' || url.href.endsWith('#')
  url.hash = ''
  return { ok: true, url: url.href, hadFragment }
}

export interface UrlOptions {
  /** The path is a file's real name (a changed file), so a "*" in it is literal, never a wildcard. */
  literalPath?: boolean
}

/**
 * Where a "*" reads as a wildcard: in the host, or at the start or end of a path segment (`/*`, `*.css`,
 * `img*`). One inside a name (`a*b.html`) or in the query (`?q=*`) is literal: Cloudflare purges the URL
 * as written, and `*` is a reserved character that its URL normalization leaves as it is.
 */
function wildcardIn(url: URL, literalPath: boolean): string | undefined {
  if (url.hostname.includes('*')) return 'in the host name'
  if (literalPath) return undefined
  const segments = url.pathname.split('/')
  return segments.some((s) => s.startsWith('*') || s.endsWith('*'))
    ? 'at the start or end of a path segment'
    : undefined
}

/** The canonical form of a URL already known to be valid; the URL itself when it does not parse. */
export function canonicalForm(value: string): string {
  const result = canonicalUrl(value)
  return result.ok ? result.url : value
}

/**
 * The text with the user name and password of a URL replaced by "***", so that a message quoting the
 * URL never shows them. Finds them where the WHATWG parser does: after "scheme://" or "//" (or at the
 * start of a value without either), up to the last "@" before the first "/", "\", "?" or "#".
 */
export function hideUserinfo(text: string): string {
  // Both patterns need an "@": most URLs have none, and a list of 100,000 spent a second here.
  if (!text.includes('@')) return text
  return (
    text
      // The look-behind starts a scheme only where a run of scheme characters starts: linear on any text.
      .replace(/(?<![a-z0-9+.-])((?:[a-z0-9+.-]+:)?\/\/)[^/\\?#\s"'<>]*@/gi, '$1***@')
      .replace(BARE_USERINFO, '***@')
  )
}

/**
 * The password written into a URL, in the forms a log line could show it (the URL itself, "user:password",
 * the password as written and decoded), to be masked like the secrets. Empty when there is none.
 * A password of fewer than 4 characters is left out: masking it would garble every log line.
 */
export function userinfoSecrets(value: string): string[] {
  const trimmed = value.trim()
  const match = URL_USERINFO.exec(trimmed)
  const userinfo = match?.[1] ?? ''
  const colon = userinfo.indexOf(':')
  const password = colon === -1 ? '' : userinfo.slice(colon + 1)
  if (password === '') return []
  const forms = [trimmed, userinfo, password, safeDecode(password)]
  return [...new Set(forms)].filter((s) => s.length >= 4)
}

function suggestFullUrl(value: string, zoneName?: string): string | undefined {
  if (value.startsWith('//')) return `https:${value}`
  if (value.startsWith('/')) return zoneName ? `https://${zoneName}${value}` : undefined
  const host = value.split('/')[0] ?? ''
  if (toAsciiHostname(host)) return `https://${value}`
  return zoneName ? `https://${zoneName}/${value}` : undefined
}

/** RFC 3986 unreserved characters: the escapes of these are decoded by Cloudflare's URL normalization. */
const UNRESERVED = /^[A-Za-z0-9._~-]$/
/** What the normalization leaves as it is besides the unreserved: the reserved characters and "%". */
const KEPT = /[A-Za-z0-9._~\-:/?#[\]@!$&'()*+,;=%]/

/**
 * The URL as Cloudflare's cache sees it when the zone normalizes incoming URLs (on by default, type
 * "cloudflare", Cloudflare's "URL normalization" docs): in the path, "//" merged, escapes of unreserved
 * characters decoded (`%7e` → `~`), other escapes upper-cased, any other character percent-encoded, dot
 * segments removed. The query is left as written: the docs show no query normalized. Undefined when that
 * form is the URL itself (`url` is canonical).
 */
export function normalizedForm(url: string): string | undefined {
  const parsed = new URL(url)
  const path = parsed.pathname
    .replace(/\/{2,}/g, '/')
    .replace(/%([0-9a-f]{2})/gi, (escape, hex: string) => {
      const c = String.fromCharCode(parseInt(hex, 16))
      return UNRESERVED.test(c) ? c : escape.toUpperCase()
    })
    .replace(/[^]/gu, (c) => (KEPT.test(c) ? c : encodeURIComponent(c)))
  if (path === parsed.pathname) return undefined
  parsed.pathname = path
  return parsed.href === url ? undefined : parsed.href
}
