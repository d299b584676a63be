// HTTP transport for Cloudflare's API v4: the envelope, timeouts, retries with backoff, a shared
// pause after 429, the credential's API-wide budget (every call waits for it), cancellation, and proxies
// from the environment. Knows nothing of GitHub Actions.
import { Agent, ProxyAgent, request, type Dispatcher } from 'undici'
import type { Credential } from '../types.js'
import {
  ANSWER_TOO_LARGE,
  CancelledError,
  CloudflareError,
  describeMessages,
  type ApiMessage
} from './errors.js'
import { ApiBudget, parseRateLimitHeaders } from './budget.js'
import { chooseProxy, describeProxy, type ProxyChoice } from './proxy.js'

export interface Envelope<T> {
  result: T
  messages: ApiMessage[]
  resultInfo?: Record<string, unknown>
  status: number
}

export interface RetryInfo {
  endpoint: string
  attempt: number
  delayMs: number
  reason: string
}

export interface HttpClientOptions {
  apiUrl: string
  credential: Credential
  /** Whole-run deadline (epoch ms): no retry starts after it, and requests are cut at it. */
  deadline: number
  /** Per-attempt limit for the answer to arrive; by default from the time left (attemptTimeoutFor). */
  attemptTimeoutMs?: number
  maxAttempts?: number
  userAgent?: string
  dispatcher?: Dispatcher
  /** Proxy variables (HTTPS_PROXY, NO_PROXY, …) when no dispatcher is given; default process.env. */
  env?: NodeJS.ProcessEnv
  onRetry?: (info: RetryInfo) => void
  /**
   * Cloudflare answered `success: true` and listed errors as well: the call succeeded, and what it said
   * is worth a warning. Called once per distinct text.
   */
  onWarning?: (info: { endpoint: string; detail: string }) => void
  /** Ends every call of the client, its requests and its waits (close() does too). */
  signal?: AbortSignal
  /** Injected for tests; defaults to Math.random. */
  random?: () => number
  /**
   * The credential's API-wide request budget, told of every request and answer, and waited for before
   * every attempt; default a new one.
   */
  budget?: ApiBudget
}

export interface CallInit {
  query?: Record<string, string>
  body?: unknown
  /** Runs before each retry (not the first attempt), e.g. to pace it; a rejection ends the call. */
  beforeRetry?: () => Promise<void>
  /** Told of each failed attempt as soon as its answer arrives (a 429, for instance, to slow down). */
  onAttemptFailed?: (error: CloudflareError) => void
  /** Ends this call, its request and its waits, with a CancelledError. */
  signal?: AbortSignal
  /**
   * The caller takes a request of the budget for each attempt itself (the purge runner does, before it
   * paces the request), so the client does not wait for one again.
   */
  budgeted?: boolean
}

const MAX_BODY_BYTES = 1024 * 1024
const MAX_ATTEMPT_MS = 30_000
const MIN_ATTEMPT_MS = 5_000
const MIN_RETRY_WINDOW_MS = 500
/** The code of a timeout that came from the end of the time allowed by `timeout`. */
const DEADLINE = 'DEADLINE'
const BASE_BACKOFF_MS = 500
const MAX_BACKOFF_MS = 20_000

export class CloudflareHttpClient {
  private readonly base: string
  private readonly headers: Record<string, string>
  private readonly dispatcher: Dispatcher
  private readonly attemptTimeoutMs: number
  private readonly maxAttempts: number
  private readonly random: () => number
  /** The proxy in use, as it may be shown (no credentials); undefined when connecting directly. */
  readonly proxy?: string
  /** How the proxy variables were read, for the log. */
  readonly proxyChoice: ProxyChoice
  /** After a 429 every request waits until then, so concurrent batches do not pile onto the limit. */
  private pausedUntil = 0
  /** The 429 that set the pause, for the requests it holds back past the deadline. */
  private pauseCause?: CloudflareError
  /** Aborted by close(): every call still waiting or in flight ends at once. */
  private readonly closing = new AbortController()
  private closed?: Promise<void>
  private readonly signal: AbortSignal
  private readonly warned = new Set<string>()
  requestCount = 0
  rateLimitedCount = 0
  /** The credential's API-wide budget, read from the Ratelimit headers of every answer. */
  readonly budget: ApiBudget

  constructor(private readonly options: HttpClientOptions) {
    this.base = options.apiUrl.replace(/\/+$/, '')
    this.headers = {
      accept: 'application/json',
      'user-agent': options.userAgent ?? 'cloudflare-purge-action',
      ...authHeaders(options.credential)
    }
    this.proxyChoice = options.dispatcher ? {} : chooseProxy(this.base, options.env ?? process.env)
    if (this.proxyChoice.proxy) this.proxy = describeProxy(this.proxyChoice.proxy)
    this.dispatcher = options.dispatcher ?? createDispatcher(this.proxyChoice.proxy)
    this.attemptTimeoutMs = options.attemptTimeoutMs ?? attemptTimeoutFor(options.deadline - Date.now())
    this.maxAttempts = options.maxAttempts ?? 6
    this.random = options.random ?? Math.random
    this.budget = options.budget ?? new ApiBudget()
    this.signal = options.signal
      ? AbortSignal.any([options.signal, this.closing.signal])
      : this.closing.signal
  }

  /** Ends every call still waiting or in flight, then closes the connections. Calling it again is harmless. */
  close(): Promise<void> {
    if (!this.closed) {
      this.closing.abort()
      this.closed = this.options.dispatcher ? Promise.resolve() : this.dispatcher.close()
    }
    return this.closed
  }

  /** Sends one API call, retrying what is safe to retry, and returns the envelope's result. */
  async call<T>(method: 'GET' | 'POST', path: string, init: CallInit = {}): Promise<Envelope<T>> {
    const endpoint = `${method} ${path}`
    const signal = init.signal ? AbortSignal.any([init.signal, this.signal]) : this.signal
    let previous: CloudflareError | undefined
    for (let attempt = 1; ; attempt++) {
      if (signal.aborted) throw new CancelledError(endpoint)
      await this.waitForPause(signal)
      if (previous && init.beforeRetry) {
        // A retry that cannot be paced in time ends with the failure that caused it.
        const cause = previous
        await init
          .beforeRetry()
          .catch((e: unknown) => Promise.reject(e instanceof CancelledError ? e : cause))
      }
      if (!init.budgeted) await this.withinBudget(endpoint, signal)
      try {
        return await this.attempt<T>(method, path, endpoint, { ...init, signal })
      } catch (e) {
        if (e instanceof CancelledError) throw e
        if (signal.aborted) throw new CancelledError(endpoint)
        let error = e instanceof CloudflareError ? e : toNetworkError(e, endpoint, {})
        // A last attempt cut short by the deadline says less than the failure that made it a retry.
        if (error.code === DEADLINE && previous) error = previous
        error.attempts = attempt
        init.onAttemptFailed?.(error)
        const delay = this.retryDelay(error, attempt)
        if (error.status === 429) this.pause(error, delay ?? error.retryAfterMs)
        if (delay === undefined) throw error
        previous = error
        this.options.onRetry?.({ endpoint, attempt, delayMs: delay, reason: summarize(error) })
        await sleep(delay, signal)
      }
    }
  }

  /**
   * Waits until the credential's API-wide budget has a request to spare beyond the part kept for the
   * account's other tools, and takes it. When the window frees up only after the deadline, the call is
   * held back (OverBudgetError) rather than sent: meeting Cloudflare's limit blocks every API call of the
   * account's user for 5 minutes (https://developers.cloudflare.com/fundamentals/api/reference/limits/).
   * A wait for the answer of a request in flight lasts no longer than that request (see awaitingAnswer).
   */
  private async withinBudget(endpoint: string, signal: AbortSignal): Promise<void> {
    for (let wait = this.budget.reserve(); wait > 0; wait = this.budget.reserve()) {
      const late = Date.now() + wait + MIN_RETRY_WINDOW_MS >= this.options.deadline
      if (late && !this.budget.awaitingAnswer) throw this.budget.heldBack(endpoint)
      await sleep(wait, signal)
    }
  }

  /** True while every request waits after a 429. */
  isPaused(): boolean {
    return this.pausedUntil > Date.now()
  }

  /**
   * Resolves once no 429 pause is in force. A pause that lasts past the deadline rejects at once with
   * the 429 that set it: waiting for it would only end the run later, with the same result.
   */
  async waitForPause(signal?: AbortSignal): Promise<void> {
    for (let wait = this.pausedUntil - Date.now(); wait > 0; wait = this.pausedUntil - Date.now()) {
      if (this.pausedUntil + MIN_RETRY_WINDOW_MS >= this.options.deadline && this.pauseCause) {
        this.pauseCause.timeLeftMs = Math.max(0, this.options.deadline - Date.now())
        throw this.pauseCause
      }
      await sleep(wait, signal)
    }
  }

  /** After a 429 every request waits as long as Cloudflare asked, so that none adds to the overload. */
  private pause(error: CloudflareError, waitMs: number | undefined): void {
    if (waitMs === undefined) return
    const until = Date.now() + waitMs
    if (until <= this.pausedUntil) return
    this.pausedUntil = until
    this.pauseCause = error
  }

  /** The wait before the next attempt, or undefined when the error is final. */
  private retryDelay(error: CloudflareError, attempt: number): number | undefined {
    if (attempt >= this.maxAttempts) return undefined
    if (!isRetryable(error)) return undefined
    const backoff = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** (attempt - 1))
    // Full jitter spreads concurrent retries; a Retry-After from Cloudflare is a floor, not a guess.
    const jittered = backoff / 2 + (this.random() * backoff) / 2
    const delay = error.retryAfterMs !== undefined ? error.retryAfterMs + this.random() * 100 : jittered
    // A retry needs a little time of its own to be worth starting.
    if (Date.now() + delay + MIN_RETRY_WINDOW_MS >= this.options.deadline) {
      // Cloudflare's own wait is longer than the run has left: say so, rather than "kept answering".
      if (error.retryAfterMs !== undefined) error.timeLeftMs = Math.max(0, this.options.deadline - Date.now())
      return undefined
    }
    return Math.ceil(delay)
  }

  private async attempt<T>(
    method: 'GET' | 'POST',
    path: string,
    endpoint: string,
    init: CallInit & { signal: AbortSignal }
  ): Promise<Envelope<T>> {
    const remaining = this.options.deadline - Date.now()
    if (remaining <= 0) {
      // The request taken from the budget for this attempt does not go.
      this.budget.refund()
      throw new CloudflareError({
        kind: 'timeout',
        endpoint,
        code: DEADLINE,
        message: 'the time allowed by `timeout` ran out'
      })
    }
    const timeout = Math.max(1, Math.floor(Math.min(this.attemptTimeoutMs, remaining)))
    try {
      return await this.send<T>(method, path, endpoint, init, timeout)
    } catch (e) {
      if (e instanceof CloudflareError) throw e
      if (init.signal.aborted) throw new CancelledError(endpoint)
      throw toNetworkError(e, endpoint, {
        timeoutMs: timeout,
        cutByDeadline: timeout < this.attemptTimeoutMs,
        ...(this.proxy ? { proxy: this.proxy } : {})
      })
    }
  }

  private async send<T>(
    method: 'GET' | 'POST',
    path: string,
    endpoint: string,
    init: { query?: Record<string, string>; body?: unknown; signal: AbortSignal },
    timeout: number
  ): Promise<Envelope<T>> {
    const query = init.query ? `?${new URLSearchParams(init.query).toString()}` : ''
    const headers = { ...this.headers }
    let body: string | undefined
    if (init.body !== undefined) {
      body = JSON.stringify(init.body)
      headers['content-type'] = 'application/json'
    }
    this.requestCount++
    const index = this.budget.sending()
    let response: Dispatcher.ResponseData
    try {
      response = await request(`${this.base}${path}${query}`, {
        method,
        headers,
        body,
        dispatcher: this.dispatcher,
        headersTimeout: timeout,
        bodyTimeout: timeout,
        signal: AbortSignal.any([AbortSignal.timeout(timeout), init.signal])
      })
    } catch (e) {
      this.budget.unanswered()
      throw e
    }
    // Every answer says how much of the credential's budget is left, errors and 429s included.
    this.budget.answered(index, parseRateLimitHeaders(response.headers))
    const status = response.statusCode
    const text = await readLimited(response.body, endpoint, status)
    const retryAfterMs = parseRetryAfter(response.headers)
    if (status === 429) this.rateLimitedCount++

    if (status >= 300 && status < 400) {
      const location = String(response.headers.location ?? '').slice(0, 300)
      throw new CloudflareError({
        kind: 'invalid-response',
        endpoint,
        status,
        message: `the API answered with a redirect${location ? ` to ${location}` : ''}, which is not followed with credentials; check \`api_url\``
      })
    }
    let envelope: Partial<{
      success: boolean
      errors: ApiMessage[]
      messages: ApiMessage[]
      result: T
      result_info: Record<string, unknown>
    }>
    try {
      envelope = JSON.parse(text) as typeof envelope
      if (envelope === null || typeof envelope !== 'object') throw new Error('not an object')
    } catch {
      throw new CloudflareError({
        kind: 'invalid-response',
        endpoint,
        status,
        retryAfterMs,
        message: `the API answered HTTP ${status} with ${describeBody(text)} instead of JSON`
      })
    }
    const errors = Array.isArray(envelope.errors) ? envelope.errors : []
    // `success` is Cloudflare's verdict: errors listed beside `success: true` do not undo the call.
    if (envelope.success !== true || status >= 400) {
      throw new CloudflareError({
        kind: 'api',
        endpoint,
        status,
        errors,
        retryAfterMs,
        message: errors.length > 0 ? (errors[0]?.message ?? '') : `HTTP ${status} without an error message`
      })
    }
    if (errors.length > 0) this.warn(endpoint, errors)
    const out: Envelope<T> = {
      result: envelope.result as T,
      messages: Array.isArray(envelope.messages) ? envelope.messages : [],
      status
    }
    if (envelope.result_info && typeof envelope.result_info === 'object')
      out.resultInfo = envelope.result_info
    return out
  }

  private warn(endpoint: string, errors: ApiMessage[]): void {
    const detail = describeMessages(errors).slice(0, 1000)
    if (this.warned.has(detail)) return
    this.warned.add(detail)
    this.options.onWarning?.({ endpoint, detail })
  }
}

/** Purging is idempotent, so anything that may be passing is retried: 429, 5xx, garbled answers, network. */
export function isRetryable(error: CloudflareError): boolean {
  // A name that does not resolve will not resolve a second later; a temporary DNS failure (EAI_AGAIN) may.
  if (error.code === 'ENOTFOUND') return false
  // More than a megabyte is no answer of the API: whatever sent it would send it again.
  if (error.code === ANSWER_TOO_LARGE) return false
  // Node's and undici's argument errors are mistakes in the request itself: the same request fails again.
  if (error.code && /^(ERR_|UND_ERR_INVALID_ARG)/.test(error.code)) return false
  if (error.kind === 'network' || error.kind === 'timeout') return true
  if (error.status === undefined) return false
  return (
    error.status === 429 || error.status >= 500 || (error.kind === 'invalid-response' && error.status < 300)
  )
}

export function authHeaders(credential: Credential): Record<string, string> {
  return credential.kind === 'token'
    ? { authorization: `Bearer ${credential.token}` }
    : { 'x-auth-email': credential.email, 'x-auth-key': credential.key }
}

/** The client talks to one origin, so the proxy is chosen once (chooseProxy) rather than per request. */
export function createDispatcher(proxy?: URL): Dispatcher {
  const options = { keepAliveTimeout: 10_000, connections: 32 }
  return proxy ? new ProxyAgent({ ...options, uri: proxy.href }) : new Agent(options)
}

/**
 * How long one attempt may wait for its answer: 30 s, or less when the whole run has little time, but
 * not under 5 s (or all of the time, when less is left), so that a slow answer still has its chance
 * and a hung connection still leaves room to retry on a fresh one.
 */
export function attemptTimeoutFor(totalMs: number): number {
  // Whole milliseconds: AbortSignal.timeout refuses fractions.
  return Math.max(
    1,
    Math.floor(Math.min(MAX_ATTEMPT_MS, Math.max(totalMs / 2, Math.min(totalMs, MIN_ATTEMPT_MS))))
  )
}

async function readLimited(
  body: Dispatcher.ResponseData['body'],
  endpoint: string,
  status: number
): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of body) {
    size += (chunk as Buffer).length
    if (size > MAX_BODY_BYTES) {
      body.destroy()
      throw new CloudflareError({
        kind: 'invalid-response',
        endpoint,
        status,
        code: ANSWER_TOO_LARGE,
        message: `the answer (HTTP ${status}) was larger than 1 MiB, far more than any answer of this API, so it was not read`
      })
    }
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks).toString('utf8')
}

/**
 * How long Cloudflare asks to wait: `Retry-After-Ms` (milliseconds, which Cloudflare's SDKs honour) when it
 * holds a number, else `Retry-After` (seconds or an HTTP date). An empty or garbled header counts as absent,
 * so that it never overrides the other (Number('') is 0).
 */
export function parseRetryAfter(
  headers: Record<string, string | string[] | undefined>,
  now = Date.now()
): number | undefined {
  const ms = nonNegativeNumber(headers['retry-after-ms'])
  if (ms !== undefined) return ms
  const value = headers['retry-after']
  if (typeof value !== 'string' || value.trim() === '') return undefined
  const seconds = nonNegativeNumber(value)
  if (seconds !== undefined) return seconds * 1000
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

function nonNegativeNumber(value: string | string[] | undefined): number | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined
  const n = Number(value)
  return Number.isFinite(n) && n >= 0 ? n : undefined
}

function describeBody(body: string): string {
  // Only the start is searched: a hostile body of a megabyte must not make the pattern crawl.
  const text = body.slice(0, 64 * 1024)
  if (text.trim() === '') return 'an empty body'
  const title = /<title[^>]*>([^<]{1,200})<\/title>/i.exec(text)
  if (title) return `an HTML page "${(title[1] ?? '').trim()}"`
  if (/^\s*</.test(text)) return 'an HTML page'
  return 'a body that is not JSON (perhaps cut short)'
}

interface NetworkContext {
  /** The limit the attempt had. */
  timeoutMs?: number
  /** The limit was the end of the time allowed by `timeout`, not the per-attempt limit. */
  cutByDeadline?: boolean
  /** The proxy the request went through, as shown to the user. */
  proxy?: string
}

const TIMEOUT_CODES = ['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']
const NETWORK_MESSAGES: Record<string, string> = {
  ENOTFOUND: 'the API host name could not be resolved (DNS)',
  EAI_AGAIN: 'the API host name could not be resolved (DNS, temporary)',
  ECONNREFUSED: 'the connection was refused',
  ECONNRESET: 'the connection was reset',
  UND_ERR_SOCKET: 'the connection was closed before a complete answer arrived',
  EPIPE: 'the connection was closed while sending',
  ETIMEDOUT: 'the connection timed out',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable'
}

function toNetworkError(e: unknown, endpoint: string, context: NetworkContext): CloudflareError {
  const err = (e ?? {}) as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException }
  const code = [err.code, err.cause?.code].find((c): c is string => typeof c === 'string')
  const name = String(err.name ?? '')
  const via = context.proxy ? ` (through the proxy ${context.proxy})` : ''
  // AbortSignal.timeout rejects with a DOMException named TimeoutError whose numeric code is no help.
  if (TIMEOUT_CODES.includes(code ?? '') || name === 'TimeoutError') {
    const seconds = Math.round((context.timeoutMs ?? 0) / 100) / 10
    const message = context.cutByDeadline
      ? `no answer before the time allowed by \`timeout\` ran out (this attempt waited ${seconds} s)${via}`
      : `no answer within ${seconds} s${via}`
    const marker = context.cutByDeadline ? DEADLINE : code
    return new CloudflareError({ kind: 'timeout', endpoint, message, ...(marker ? { code: marker } : {}) })
  }
  const proxyStatus = /Proxy response \((\d{3})\)/.exec(String(err.message ?? ''))
  if (proxyStatus) {
    const status = Number(proxyStatus[1])
    const reason =
      status === 407
        ? 'it wants credentials (407 Proxy Authentication Required): put them in the proxy URL, http://user:password@host:port'
        : `it answered HTTP ${status}`
    return new CloudflareError({
      kind: 'network',
      endpoint,
      code: 'PROXY_REFUSED',
      message: `the proxy${context.proxy ? ` ${context.proxy}` : ''} would not open a connection to the API: ${reason}`
    })
  }
  const known = NETWORK_MESSAGES[code ?? '']
  const message = known
    ? `${known}${via}`
    : `the request failed (${code ?? (err.message || 'unknown error')})${via}`
  return new CloudflareError({ kind: 'network', endpoint, message, ...(code ? { code } : {}) })
}

function summarize(error: CloudflareError): string {
  return error.kind === 'api' ? error.describe() : `${error.message} on ${error.endpoint}`
}

/** Waits `ms`; rejects with a CancelledError as soon as `signal` aborts, leaving no timer behind. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(new CancelledError())
  return new Promise((resolve, reject) => {
    const done = (): void => {
      signal?.removeEventListener('abort', cancel)
      resolve()
    }
    const timer = setTimeout(done, ms)
    const cancel = (): void => {
      clearTimeout(timer)
      reject(new CancelledError())
    }
    signal?.addEventListener('abort', cancel, { once: true })
  })
}
