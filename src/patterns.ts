// The character classes and shapes that more than one stage checks text against: one definition each,
// imported wherever a value is checked (inputs, the Cloudflare client, zones). Pure.

/** Control characters (C0, DEL and C1): never part of a URL, a prefix, a name or a header value. */
export const CONTROL_CHARACTER = /\p{Cc}/u

/** A 32-hex ID as Cloudflare writes zone, account and token IDs: lower case (compare after lowering). */
export const HEX32_ID = /^[0-9a-f]{32}$/

/** RFC 3986 scheme: a letter, then letters, digits, "+", "." or "-". The source, to build patterns from. */
export const SCHEME_NAME = '[a-z][a-z0-9+.-]*'

/** A value that starts with a scheme and "://", such as `https://` (any case). */
export const URL_SCHEME = new RegExp(`^${SCHEME_NAME}://`, 'i')

/** A value that starts with a scheme and ":", with or without slashes (`mailto:`, `https:`). */
export const SCHEME_PREFIX = new RegExp(`^${SCHEME_NAME}:`, 'i')

/**
 * Characters that show as nothing, or as a space, when pasted from a document or a chat: no-break and
 * other Unicode spaces, zero-width spaces and joiners, the byte order mark, the soft hyphen and the
 * bidirectional marks. None of them is meant in a list of URLs, tags, hosts or prefixes.
 */
export const INVISIBLE_SPACE = /[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]/gu
export const ZERO_WIDTH = /[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/gu
/** Line and paragraph separators and NEL, which Unicode treats as line breaks. */
export const UNICODE_LINE_BREAK = /[\u0085\u2028\u2029]/gu

/** A line break of a list input: CRLF, CR or LF (the Unicode ones are cleaned to LF first, with a warning). */
export const LIST_LINE_BREAK = /\r\n|\r|\n/

/** Any line break a log reader or a terminal honours: CRLF, CR, LF and the Unicode ones above. */
export const ANY_LINE_BREAK = /\r\n|[\n\r\u0085\u2028\u2029]/

/** Typographic quotes (and full-width ones) that word processors put in place of " and '. */
export const TYPOGRAPHIC_QUOTE =
  /[\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u2032\u2033\u00ab\u00bb\u2039\u203a\uff02\uff07]/gu

/** Decodes percent-escapes, or gives the text back as it is when they do not decode (a stray "%"). */
export function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}
