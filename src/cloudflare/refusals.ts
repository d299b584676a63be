// What a refused purge request is about, from Cloudflare's codes and words: the credential, the zone,
// the size of the request, or one of its items. The runner decides from it whether to stop, split or
// isolate. Pure.
import { CloudflareError, type ApiMessage } from './errors.js'

export type Refusal =
  /** The credential itself: every request of the run would be refused the same way. */
  | { about: 'credential' }
  /** This zone: every request to it would be refused the same way. */
  | { about: 'zone' }
  /** This kind of request on this zone (URLs, tags, …): every one of them would be refused the same way. */
  | { about: 'type' }
  /** Too many items in one request; `limit` when Cloudflare says how many it takes. */
  | { about: 'size'; limit?: number }
  /** One or more items of the request, not the request as a whole. */
  | { about: 'item' }

/**
 * The credential refused whatever it asks: 1000 "Invalid API Token", 9103 "Unknown X-Auth-Key or
 * X-Auth-Email", 9106 "Missing X-Auth-Key, X-Auth-Email or Authorization headers", 9109 "Invalid access
 * token" (revoked, expired, IP filter) and 6003 "Invalid request headers" (6111, 6102 or 6103 in its
 * chain). Observed in Cloudflare's answers; emulator/README.md ("Authentication, in this order") records
 * each as Cloudflare sends it.
 */
export const CREDENTIAL_REFUSAL_CODES = [1000, 6003, 6102, 6103, 6111, 9103, 9106, 9109]

/**
 * The zone refused to this credential: 10000 "Authentication error" (no Cache Purge on this zone, the zone
 * outside the token's resources, or not a zone of this account) and 7003 / 7000 "Could not route to
 * /zones/…" (no such zone). Observed the same way.
 */
export const ZONE_REFUSAL_CODES = [10000, 7003, 7000]

/**
 * A kind of request the zone refuses whatever its items: 1136, invalidating by URL an environment that
 * selects requests by IP, country, ASN or threat score (Cloudflare's API reference, "Invalidate Cached
 * Content by Environment").
 */
export const TYPE_REFUSAL_CODES = [1136]

/**
 * Too many items in one request: 1094 (files), 1101 (tags) and 1111 (hosts) are the codes API users
 * reported before 2025, with "Exceeded maximum amount of N files that can be purged on a single request".
 * Today's codes are not documented, so the words count as much as the codes.
 */
export const TOO_MANY_ITEMS_CODES = [1094, 1101, 1111]

const ITEM_NOUNS = '(?:files|urls|tags|hosts|hostnames|prefixes|items|cache keys|keys)'

/**
 * Words of a size refusal. Cloudflare's message since April 2025 says that no more than 100 items may be
 * given (https://github.com/cloudflare/cloudflare-docs/issues/21338); the older one "Exceeded maximum amount
 * of N files". Each pattern is about a count of items, so that "URL length exceeds the maximum allowed"
 * (about one item) never reads as one.
 */
const TOO_MANY_WORDS = [
  new RegExp(`\\btoo many ${ITEM_NOUNS}\\b`, 'i'),
  /\b(?:no|not) more than \d+\b/i,
  new RegExp(`\\bmore than \\d+ ${ITEM_NOUNS}\\b`, 'i'),
  /\bmaximum (?:amount|number) of \d+\b/i,
  new RegExp(
    `\\b(?:only|up to|at most) \\d+ (?:${ITEM_NOUNS} )?(?:are|is|may be|can be) (?:allowed|permitted|accepted)`,
    'i'
  ),
  new RegExp(`\\b${ITEM_NOUNS} per (?:single )?request\\b`, 'i')
]

/** The number in a size refusal: "no more than 100", "maximum amount of 30", "only 30 are allowed". */
const LIMIT_WORDS = [
  /\bmore than (\d+)\b/i,
  /\bmaximum (?:amount|number) of (\d+)\b/i,
  /\b(?:only|up to|at most) (\d+)\b/i,
  /\blimit(?: is| of)? (\d+)\b/i
]

/**
 * Words of a refusal about an item. "Unable to purge /testing/test, which is an invalid URL." is
 * Cloudflare's (https://github.com/cloudflare/cloudflare-docs/issues/25277), as is "Unable to purge
 * feeds.example.com. You can only purge files for this zone." (code 1082, with 1016 "One or more cache
 * purge errors": https://github.com/cloudflare/Cloudflare-WordPress/issues/429). The others name an item
 * kind as invalid or too long, which a request as a whole never is.
 */
const ITEM_WORDS = [
  /\bunable to purge\b/i,
  /\binvalid (?:url|uri|tag|host|hostname|prefix)\b/i,
  /\b(?:url|uri|tag|host|hostname|prefix) (?:is )?too long\b/i,
  /\b(?:url|uri|tag|prefix) length exceeds\b/i
]

/** What a failed purge request was refused for, or undefined when it is none of these (a 5xx, a 429, …). */
export function classifyRefusal(error: unknown, items: readonly string[] = []): Refusal | undefined {
  if (!(error instanceof CloudflareError) || error.kind !== 'api') return undefined
  if (error.hasCode(...CREDENTIAL_REFUSAL_CODES) || error.status === 401) return { about: 'credential' }
  if (error.hasCode(...ZONE_REFUSAL_CODES)) return { about: 'zone' }
  if (error.hasCode(...TYPE_REFUSAL_CODES)) return { about: 'type' }
  if (error.status !== 400) return undefined
  const words = error.errors.map((e) => e.message)
  if (isTooManyItems(error)) {
    const limit = limitFromWords(words)
    return limit !== undefined ? { about: 'size', limit } : { about: 'size' }
  }
  if (words.some((w) => ITEM_WORDS.some((p) => p.test(w)))) return { about: 'item' }
  // A message that quotes one of the request's items is about that item.
  if (items.some((item) => item.length >= 3 && words.some((w) => w.includes(item)))) return { about: 'item' }
  return undefined
}

/** A 400 whose code or words say the request carried more items than Cloudflare takes. */
export function isTooManyItems(error: unknown): boolean {
  return (
    error instanceof CloudflareError &&
    error.kind === 'api' &&
    error.status === 400 &&
    (error.hasCode(...TOO_MANY_ITEMS_CODES) ||
      error.errors.some((e) => TOO_MANY_WORDS.some((p) => p.test(e.message))))
  )
}

/** The number of items Cloudflare says it takes, when its message has one. */
export function limitFromWords(messages: string[]): number | undefined {
  for (const message of messages) {
    for (const pattern of LIMIT_WORDS) {
      const match = pattern.exec(message)
      const n = match ? Number(match[1]) : NaN
      if (Number.isInteger(n) && n >= 1) return n
    }
  }
  return undefined
}

/**
 * The sent items that Cloudflare's answer names, each with the messages that name it: Cloudflare's 400
 * to a purge quotes the item it refuses ("Unable to purge 'https://…'.", "Unable to purge /x, which is an
 * invalid URL."), one error per item, nested in error_chain or not (cloudflare-docs issue 25277,
 * Cloudflare-WordPress issue 429). Matched on the item's text as sent, never on a code. An item counts as
 * named only where the text around it ends it: "…/1.js" is not named by a message quoting "…/1.jsx".
 */
export function namedItems(error: unknown, items: readonly string[]): Map<string, ApiMessage[]> {
  const named = new Map<string, ApiMessage[]>()
  if (!(error instanceof CloudflareError) || error.kind !== 'api' || error.status !== 400) return named
  for (const message of error.errors) {
    for (const item of new Set(items)) {
      if (item.length < 3 || !quotes(message.message, item)) continue
      named.set(item, [...(named.get(item) ?? []), message])
    }
  }
  return named
}

/** Whether `text` holds `item` standing alone: not glued to more of a URL, tag or host on either side. */
function quotes(text: string, item: string): boolean {
  for (let at = text.indexOf(item); at >= 0; at = text.indexOf(item, at + 1)) {
    const before = text[at - 1]
    const after = text.slice(at + item.length, at + item.length + 2)
    const startsAlone = before === undefined || /[\s'"`(<[{,:=]/.test(before)
    // A full stop or comma ends the item when the sentence goes on (or ends) after it.
    const endsAlone = after === '' || /^[\s'"`)>\]},;]/.test(after) || /^[.,:!?](?:\s|$)/.test(after)
    if (startsAlone && endsAlone) return true
  }
  return false
}
