// Validation of a purge_cache request body.

import { error, fail, type Reply } from './envelope.js'
import type { ItemRefusal, Plan } from './types.js'

export type PurgeKind = 'everything' | 'files' | 'tags' | 'hosts' | 'prefixes'

export type PurgeCheck =
  { ok: true; kind: PurgeKind; items: unknown[]; fileCount?: number } | { ok: false; reply: Reply }

const LIST_KEYS = ['files', 'tags', 'hosts', 'prefixes'] as const
type ListKey = (typeof LIST_KEYS)[number]

const ONE_OF = "Request must contain one of 'purge_everything', 'files', 'tags', 'hosts' or 'prefixes'"

/** Codes for too many items: 1094, 1101 and 1111 are Cloudflare's historic codes; 1106 is invented. */
const TOO_MANY: Record<ListKey, number> = { files: 1094, tags: 1101, hosts: 1111, prefixes: 1106 }

/** Invented codes for malformed items. */
export const INVALID_ITEM: Record<ListKey, number> = { files: 1016, tags: 1102, hosts: 1112, prefixes: 1107 }

const bad = (code: number, message: string): { ok: false; reply: Reply } => ({
  ok: false,
  reply: fail(400, [error(code, message)])
})

export interface PurgeLimits {
  filesPerRequest: Record<Plan, number>
  itemsPerRequest: number
}

/** `body` is the parsed JSON (undefined when empty); `malformed` is true when it did not parse. */
/**
 * `zoneFilesPerRequest` overrides the plan's URL limit for one zone; `refusals` are items refused although
 * well formed, checked after the size (a request too large is refused for its size first).
 */
export function checkPurgeBody(
  body: unknown,
  malformed: boolean,
  plan: Plan,
  limits: PurgeLimits,
  zoneFilesPerRequest?: number,
  refusals: readonly ItemRefusal[] = []
): PurgeCheck {
  if (malformed) return bad(6007, 'Malformed JSON in request body')
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return bad(1012, ONE_OF)
  const fields = body as Record<string, unknown>

  const everything = fields.purge_everything
  if (everything !== undefined && everything !== null && typeof everything !== 'boolean') {
    return bad(1012, `${ONE_OF}: 'purge_everything' must be true`)
  }
  const present = LIST_KEYS.filter((k) => fields[k] !== undefined && fields[k] !== null)
  if (everything === true) {
    if (present.length > 0) {
      return bad(1092, "'purge_everything' cannot be combined with 'files', 'tags', 'hosts' or 'prefixes'")
    }
    return { ok: true, kind: 'everything', items: ['everything'] }
  }
  const kind = present[0]
  if (kind === undefined) return bad(1012, ONE_OF)
  if (present.length > 1) {
    return bad(
      1012,
      `Request must contain only one of 'files', 'tags', 'hosts' or 'prefixes', got ${present.join(', ')}`
    )
  }
  const list = fields[kind]
  if (!Array.isArray(list) || list.length === 0) {
    return bad(1012, `${ONE_OF}: '${kind}' must be a non-empty array`)
  }

  const max =
    kind === 'files' ? (zoneFilesPerRequest ?? limits.filesPerRequest[plan]) : limits.itemsPerRequest
  if (list.length > max) {
    return bad(TOO_MANY[kind], `Too many ${kind} in purge request: only ${max} are allowed per request`)
  }

  for (const item of list) {
    const problem = itemProblem(kind, item)
    if (problem !== undefined) return bad(INVALID_ITEM[kind], problem)
  }
  // Every refused item of the request is named, one error each, in one answer.
  const refused = list.flatMap((item) => {
    const text = typeof item === 'object' && item !== null ? (item as { url?: unknown }).url : item
    const refusal = refusals.find((r) => r.item === text)
    return refusal
      ? [error(refusal.code ?? INVALID_ITEM[kind], refusal.message ?? refusedWords(kind, String(text)))]
      : []
  })
  if (refused.length > 0) return { ok: false, reply: fail(400, refused) }
  return kind === 'files'
    ? { ok: true, kind, items: [...list], fileCount: list.length }
    : { ok: true, kind, items: [...list] }
}

/** The emulator's words for an item refused as invalid, as its own checks word them. */
function refusedWords(kind: ListKey, item: string): string {
  switch (kind) {
    case 'files':
      return `Unable to purge ${item}, which is an invalid URL.`
    case 'tags':
      return `Invalid tag ${item}: Cloudflare does not accept it`
    case 'hosts':
      return `Invalid host ${item}: Cloudflare does not accept it`
    case 'prefixes':
      return `Invalid prefix ${item}: Cloudflare does not accept it`
  }
}

function describe(item: unknown): string {
  return typeof item === 'string' ? item : JSON.stringify(item)
}

function itemProblem(kind: ListKey, item: unknown): string | undefined {
  switch (kind) {
    case 'files':
      return fileProblem(item)
    case 'tags':
      if (typeof item !== 'string' || !/^[\x21-\x7e]{1,1024}$/.test(item)) {
        return `Invalid tag ${describe(item)}: tags are 1 to 1024 printable ASCII characters without spaces`
      }
      return undefined
    case 'hosts':
      if (typeof item !== 'string' || !/^[A-Za-z0-9.-]+(?::\d{1,5})?$/.test(item) || item.length > 253) {
        return `Invalid host ${describe(item)}: a host is a bare hostname, without scheme or path`
      }
      return undefined
    case 'prefixes':
      return prefixProblem(item)
  }
}

function fileProblem(item: unknown): string | undefined {
  let url: unknown = item
  if (typeof item === 'object' && item !== null && !Array.isArray(item)) {
    const entry = item as Record<string, unknown>
    url = entry.url
    const headers = entry.headers
    if (headers !== undefined) {
      const valid =
        typeof headers === 'object' &&
        headers !== null &&
        !Array.isArray(headers) &&
        Object.values(headers).every((v) => typeof v === 'string')
      if (!valid) return `Unable to purge ${describe(item)}: 'headers' must map header names to strings`
    }
  }
  if (typeof url !== 'string' || !isHttpUrl(url)) {
    return `Unable to purge ${describe(url ?? item)}, which is an invalid URL.`
  }
  return undefined
}

function isHttpUrl(text: string): boolean {
  if (!/^https?:\/\//i.test(text) || /\s/.test(text)) return false
  try {
    const url = new URL(text)
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== ''
  } catch {
    return false
  }
}

function prefixProblem(item: unknown): string | undefined {
  if (typeof item !== 'string' || item === '') return `Invalid prefix ${describe(item)}`
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(item)) {
    return `Invalid prefix ${item}: a prefix must not include a scheme (http:// or https://)`
  }
  if (/[?#]/.test(item)) return `Invalid prefix ${item}: a prefix must not include a query string or fragment`
  if (/\s/.test(item)) return `Invalid prefix ${item}: a prefix must not contain whitespace`
  if ((item.match(/\//g) ?? []).length > 31) {
    return `Invalid prefix ${item}: a prefix may contain at most 31 path separators`
  }
  return undefined
}
