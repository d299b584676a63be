// The credential's API-wide request budget: 1,200 requests per 5 minutes per user or token, shared by
// every call (verify, zone lookups, environments, purges) and by every other tool of the account; going
// over blocks all of them for 5 minutes (https://developers.cloudflare.com/fundamentals/api/reference/limits/).
// Read from the `Ratelimit` and `Ratelimit-Policy` headers of every answer when they are there (Cloudflare's
// changelog, 2025-09-03), counted from the run's own calls when they are not. Pure: the clock is given.

/** Cloudflare's documented limit, counted against when the answers carry no headers. */
export const GLOBAL_API_LIMIT = { requests: 1200, windowMs: 300_000 }

/** The share of the quota left to the account's other tools (60 of 1,200). */
export const KEEP_FOR_OTHERS = 0.05

/**
 * Requests that may go before any answer has said what is left: a run's opening calls (the credential
 * check beside the zone look-ups) go together, so that a run spends one round trip on them, not two.
 * Going blind costs at most this many of the 60 kept for others; with fewer than this left in the window
 * even one blind call could meet the limit.
 */
export const FIRST_WAVE = 8

/** `Ratelimit: "default";r=50;t=30` with `Ratelimit-Policy: "default";q=1200;w=300`, as read. */
export interface RateLimitHeaders {
  /** Requests left in the window (r). */
  remaining: number
  /** Seconds until the window frees up (t). */
  resetSeconds: number
  /** Requests allowed per window (q), when the policy says. */
  quota?: number
  /** The window in seconds (w), when the policy says. */
  windowSeconds?: number
}

type Params = Map<string, number>

/**
 * The items of an IETF structured-field list (RFC 8941): `name;key=value;key=value, name2;…`. Names may
 * be tokens or quoted strings; only integer and decimal parameters are kept. Garbled items are dropped.
 */
export function parseFieldList(value: string): Array<{ name: string; params: Params }> {
  const items: Array<{ name: string; params: Params }> = []
  for (const member of splitOutsideQuotes(value, ',')) {
    const [head, ...rest] = splitOutsideQuotes(member, ';').map((part) => part.trim())
    if (!head) continue
    const name = /^"(.*)"$/.exec(head)?.[1] ?? head
    const params: Params = new Map()
    for (const param of rest) {
      const match = /^([a-z*][a-z0-9_.*-]*)=(-?\d+(?:\.\d+)?)$/.exec(param)
      if (match) params.set(match[1] as string, Number(match[2]))
    }
    items.push({ name, params })
  }
  return items
}

function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = []
  let quoted = false
  let start = 0
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (c === '\\' && quoted) i++
    else if (c === '"') quoted = !quoted
    else if (c === separator && !quoted) {
      parts.push(text.slice(start, i))
      start = i + 1
    }
  }
  parts.push(text.slice(start))
  return parts
}

/**
 * The figures of the most constrained limit the answer names: the item of `Ratelimit` with the fewest
 * requests left, and the `Ratelimit-Policy` item of the same name (else the only one). Undefined when
 * `Ratelimit` is absent or says nothing readable.
 */
export function parseRateLimitHeaders(
  headers: Record<string, string | string[] | undefined>
): RateLimitHeaders | undefined {
  const text = (name: string): string => {
    const value = headers[name]
    return Array.isArray(value) ? value.join(', ') : (value ?? '')
  }
  const limits = parseFieldList(text('ratelimit'))
    .map(({ name, params }) => ({ name, remaining: params.get('r'), reset: params.get('t') ?? 0 }))
    .filter((l): l is { name: string; remaining: number; reset: number } => l.remaining !== undefined)
    .filter((l) => l.remaining >= 0 && l.reset >= 0)
  const tightest = limits.sort((a, b) => a.remaining - b.remaining)[0]
  if (!tightest) return undefined
  const policies = parseFieldList(text('ratelimit-policy'))
  const policy =
    policies.find((p) => p.name === tightest.name) ?? (policies.length === 1 ? policies[0] : undefined)
  const quota = policy?.params.get('q')
  const windowSeconds = policy?.params.get('w')
  return {
    remaining: Math.floor(tightest.remaining),
    resetSeconds: tightest.reset,
    ...(quota !== undefined && quota > 0 ? { quota } : {}),
    ...(windowSeconds !== undefined && windowSeconds > 0 ? { windowSeconds } : {})
  }
}

/** Where the budget stands, for the message that stops a run on it. */
export interface BudgetState {
  quota: number
  windowSeconds: number
  /** Requests kept for the account's other tools. */
  kept: number
  /** Epoch-free: milliseconds from now until more of the window frees up. */
  freesInMs: number
  /** Whether the figures came from Cloudflare's headers (else from the run's own count). */
  fromHeaders: boolean
}

/**
 * An API call held back by the credential's API-wide budget: sending it would have spent the part kept
 * for the account's other tools, and the window frees up only after the time allowed by `timeout`.
 */
export class OverBudgetError extends Error {
  constructor(
    readonly endpoint: string,
    readonly budget: { quota: number; windowSeconds: number; kept: number; freesInSeconds: number }
  ) {
    super(
      `not sent: Cloudflare's API request limit (${budget.quota} per ${budget.windowSeconds} s) frees up in ` +
        `${budget.freesInSeconds} s, after the time allowed by \`timeout\``
    )
    this.name = 'OverBudgetError'
  }
}

/**
 * Decides whether one more request may go without spending the part of the budget kept for others.
 * Nothing is known before the first answer: up to FIRST_WAVE requests go to read the figure. With the
 * headers: what the latest answer said was left, less the requests sent since the one it answered and
 * those granted but not yet sent; once the window frees up (t), one request goes alone to read the new
 * figure. Without them: the run's own calls in the last window against the documented limit.
 */
export class ApiBudget {
  private sent = 0
  private inFlight = 0
  /** Requests that were answered (with or without the headers), as opposed to failing on the way. */
  private answers = 0
  /** Granted to a request that has not gone yet. */
  private granted = 0
  private readonly own: number[] = []
  private seen?: { remaining: number; index: number; resetAt: number; quota: number; windowMs: number }

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** A request goes now; returns its number, to hand back to `answered`. */
  sending(): number {
    if (this.granted > 0) this.granted--
    this.inFlight++
    const t = this.now()
    this.own.push(t)
    this.forget(t)
    return ++this.sent
  }

  /** Drops the run's own calls older than the window: they no longer count. */
  private forget(t: number): void {
    while (this.own.length > 0 && (this.own[0] as number) <= t - GLOBAL_API_LIMIT.windowMs) this.own.shift()
  }

  /** The request numbered `index` was answered, with the headers read from the answer, if any. */
  answered(index: number, headers?: RateLimitHeaders): void {
    this.inFlight = Math.max(0, this.inFlight - 1)
    this.answers++
    if (!headers) return
    const quota = headers.quota ?? this.seen?.quota ?? GLOBAL_API_LIMIT.requests
    const windowMs = (headers.windowSeconds ?? 0) * 1000 || this.seen?.windowMs || GLOBAL_API_LIMIT.windowMs
    this.seen = {
      remaining: headers.remaining,
      index,
      resetAt: this.now() + headers.resetSeconds * 1000,
      quota,
      windowMs
    }
  }

  /** The request numbered `index` failed without an answer (the network, a timeout, a cancellation). */
  unanswered(): void {
    this.inFlight = Math.max(0, this.inFlight - 1)
  }

  /** Before the first answer nothing is known: at most the first wave goes to read the figure. */
  private get awaitingFirstAnswer(): boolean {
    return this.answers === 0 && this.inFlight + this.granted >= FIRST_WAVE
  }

  /**
   * Whether a request may have to wait only for the answer of one in flight, not for the window: before
   * the first answer, or once the window the last answer named has freed up. Such a wait ends when that
   * request ends, within its own time limit; it says nothing of the budget running out.
   */
  get awaitingAnswer(): boolean {
    if (this.answers === 0) return this.awaitingFirstAnswer
    return this.seen !== undefined && this.now() >= this.seen.resetAt
  }

  /** Whether any answer carried the headers. */
  get readsHeaders(): boolean {
    return this.seen !== undefined
  }

  /** The fewest requests the run may yet send now, the part kept for others left aside. */
  available(): number {
    if (this.answers === 0) return Math.max(0, FIRST_WAVE - this.inFlight - this.granted)
    const t = this.now()
    const seen = this.seen
    if (seen) {
      const left = seen.remaining - (this.sent - seen.index) - this.granted - this.kept(seen.quota)
      if (left > 0) return left
      // The window has freed up since: one request, alone, reads how much.
      return t >= seen.resetAt && this.inFlight === 0 && this.granted === 0 ? 1 : 0
    }
    const { requests } = GLOBAL_API_LIMIT
    this.forget(t)
    return requests - this.kept(requests) - this.own.length - this.granted
  }

  /** Grants one request and returns 0, or returns the milliseconds until one may be granted. */
  reserve(): number {
    if (this.available() > 0) {
      this.granted++
      return 0
    }
    return this.state().freesInMs
  }

  /** Gives back a grant whose request did not go. */
  refund(): void {
    if (this.granted > 0) this.granted--
  }

  /** The limit and when it frees up, for a run that stops on it. */
  state(): BudgetState {
    const t = this.now()
    const seen = this.seen
    if (seen) {
      // Answered but not yet freed: the next look is at the reset, or as soon as the lone request is answered.
      const freesInMs = t < seen.resetAt ? seen.resetAt - t : POLL_MS
      return {
        quota: seen.quota,
        windowSeconds: Math.round(seen.windowMs / 1000),
        kept: this.kept(seen.quota),
        freesInMs,
        fromHeaders: true
      }
    }
    const { requests, windowMs } = GLOBAL_API_LIMIT
    const oldest = this.own[0] ?? t
    return {
      quota: requests,
      windowSeconds: windowMs / 1000,
      kept: this.kept(requests),
      // Before the first answer, the next look is as soon as the lone request is answered.
      freesInMs: this.awaitingFirstAnswer ? POLL_MS : Math.max(POLL_MS, oldest + windowMs - t),
      fromHeaders: false
    }
  }

  /** The error of a call held back because the budget frees up only after the deadline. */
  heldBack(endpoint: string): OverBudgetError {
    const { quota, windowSeconds, kept, freesInMs } = this.state()
    return new OverBudgetError(endpoint, {
      quota,
      windowSeconds,
      kept,
      freesInSeconds: Math.ceil(freesInMs / 1000)
    })
  }

  private kept(quota: number): number {
    return Math.ceil(quota * KEEP_FOR_OTHERS)
  }
}

/** How soon to look again while a request alone reads the window's new figure. */
const POLL_MS = 50
