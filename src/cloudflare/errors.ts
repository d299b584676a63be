// The one error type the Cloudflare client throws, carrying what the diagnosis needs.

export interface ApiMessage {
  code: number
  message: string
  error_chain?: ApiMessage[]
}

/** The code of an answer over 1 MiB: no answer of Cloudflare's API is that large, and none is retried. */
export const ANSWER_TOO_LARGE = 'ANSWER_TOO_LARGE'

export type FailureKind =
  /** Cloudflare answered with its envelope and success: false. */
  | 'api'
  /** An answer that is not Cloudflare's JSON envelope (HTML error page, truncated body, redirect). */
  | 'invalid-response'
  /** The connection failed: DNS, refused, reset, TLS. */
  | 'network'
  /** No answer within the time allowed. */
  | 'timeout'

export class CloudflareError extends Error {
  readonly kind: FailureKind
  /** `GET /zones/…`: method and path, never the query or a credential. */
  readonly endpoint: string
  readonly status?: number
  /** Every error entry, nested error_chain entries included, in order. */
  readonly errors: ApiMessage[]
  /** How long Cloudflare asked to wait (429). */
  readonly retryAfterMs?: number
  /** How many attempts were made before giving up. */
  attempts = 1
  /** The system or undici error code behind a network failure (ENOTFOUND, ECONNRESET, …). */
  readonly code?: string
  /**
   * Set when Cloudflare asked to wait (Retry-After) longer than the `timeout` left: how much time was
   * left, so that the message can say both rather than "kept answering 429".
   */
  timeLeftMs?: number

  constructor(init: {
    kind: FailureKind
    endpoint: string
    message: string
    status?: number
    errors?: ApiMessage[]
    retryAfterMs?: number
    code?: string
  }) {
    super(init.message)
    this.name = 'CloudflareError'
    this.kind = init.kind
    this.endpoint = init.endpoint
    if (init.status !== undefined) this.status = init.status
    this.errors = flatten(init.errors ?? [])
    if (init.retryAfterMs !== undefined) this.retryAfterMs = init.retryAfterMs
    if (init.code !== undefined) this.code = init.code
  }

  hasCode(...codes: number[]): boolean {
    return this.errors.some((e) => codes.includes(e.code))
  }

  /** Cloudflare's own words, e.g. `HTTP 403 on GET /zones/…: 10000 Authentication error`. */
  describe(): string {
    const where = `${this.status !== undefined ? `HTTP ${this.status} ` : ''}on ${this.endpoint}`
    if (this.errors.length === 0) return `${this.message} (${where})`
    const codes = this.errors.map((e) => `${e.code} ${e.message}`).join('; ')
    return `${codes} (${where})`
  }
}

/**
 * A call given up because the run's outcome was already decided elsewhere (a refused credential, a
 * zone that may not be purged, the end of the run): never reported as a failure of its own.
 */
export class CancelledError extends Error {
  constructor(readonly endpoint?: string) {
    super(`cancelled${endpoint ? ` (${endpoint})` : ''}: the outcome of the run was already decided`)
    this.name = 'CancelledError'
  }
}

/** Cloudflare's messages with their nested error_chain entries, in order, as `code message`. */
export function describeMessages(messages: ApiMessage[]): string {
  return flatten(messages)
    .map((e) => `${e.code} ${e.message}`)
    .join('; ')
}

function flatten(errors: ApiMessage[]): ApiMessage[] {
  const out: ApiMessage[] = []
  const visit = (list: unknown): void => {
    if (!Array.isArray(list)) return
    for (const e of list as Partial<ApiMessage>[]) {
      if (e === null || typeof e !== 'object') continue
      out.push({ code: Number(e.code ?? 0), message: String(e.message ?? '') })
      visit(e.error_chain)
    }
  }
  visit(errors)
  return out
}
