// HTTP transport for Cloudflare's API v4: the envelope, timeouts, retries with backoff, a shared
// pause after 429, and proxies from the environment. Knows nothing of GitHub Actions.
import { Agent, EnvHttpProxyAgent, request, type Dispatcher } from 'undici'
import type { Credential } from '../types.js'
import { CloudflareError, type ApiMessage } from './errors.js'

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
  /** Per-attempt limit for the answer to arrive. */
  attemptTimeoutMs?: number
  maxAttempts?: number
  userAgent?: string
  dispatcher?: Dispatcher
  onRetry?: (info: RetryInfo) => void
  /** Injected for tests; defaults to Math.random. */
  random?: () => number
}

export interface CallInit {
  query?: Record<string, string>
  body?: unknown
  /** Runs before each retry (not the first attempt), e.g. to pace it; a rejection ends the call. */
  beforeRetry?: () => Promise<void>
}

const MAX_BODY_BYTES = 1024 * 1024
const BASE_BACKOFF_MS = 500
const MAX_BACKOFF_MS = 20_000

export class CloudflareHttpClient {
  private readonly base: string
  private readonly headers: Record<string, string>
  private readonly dispatcher: Dispatcher
  private readonly attemptTimeoutMs: number
  private readonly maxAttempts: number
  private readonly random: () => number
  /** After a 429 every request waits until then, so concurrent batches do not pile onto the limit. */
  private pausedUntil = 0
  requestCount = 0
  rateLimitedCount = 0

  constructor(private readonly options: HttpClientOptions) {
    this.base = options.apiUrl.replace(/\/+$/, '')
    this.headers = {
      accept: 'application/json',
      'user-agent': options.userAgent ?? 'cloudflare-purge-action',
      ...authHeaders(options.credential)
    }
    this.dispatcher = options.dispatcher ?? createDispatcher()
    this.attemptTimeoutMs = options.attemptTimeoutMs ?? 30_000
    this.maxAttempts = options.maxAttempts ?? 6
    this.random = options.random ?? Math.random
  }

  get deadline(): number {
    return this.options.deadline
  }

  async close(): Promise<void> {
    if (!this.options.dispatcher) await this.dispatcher.close()
  }

  /** Sends one API call, retrying what is safe to retry, and returns the envelope's result. */
  async call<T>(method: 'GET' | 'POST', path: string, init: CallInit = {}): Promise<Envelope<T>> {
    const endpoint = `${method} ${path}`
    let lastError: CloudflareError | undefined
    for (let attempt = 1; ; attempt++) {
      await this.waitForPause()
      if (lastError && init.beforeRetry) {
        // A retry that cannot be paced in time ends with the failure that caused it.
        await init.beforeRetry().catch(() => Promise.reject(lastError))
      }
      try {
        return await this.attempt<T>(method, path, endpoint, init)
      } catch (e) {
        const error = e instanceof CloudflareError ? e : toNetworkError(e, endpoint, this.attemptTimeoutMs)
        error.attempts = attempt
        lastError = error
        const delay = this.retryDelay(error, attempt)
        if (delay === undefined) throw error
        if (error.status === 429) this.pausedUntil = Math.max(this.pausedUntil, Date.now() + delay)
        this.options.onRetry?.({ endpoint, attempt, delayMs: delay, reason: summarize(error) })
        await sleep(delay)
      }
    }
  }

  /** True while every request waits after a 429. */
  isPaused(): boolean {
    return this.pausedUntil > Date.now()
  }

  /** Resolves once no 429 pause is in force. */
  async waitForPause(): Promise<void> {
    for (let wait = this.pausedUntil - Date.now(); wait > 0; wait = this.pausedUntil - Date.now()) {
      await sleep(wait)
    }
  }

  /** The wait before the next attempt, or undefined when the error is final. */
  private retryDelay(error: CloudflareError, attempt: number): number | undefined {
    if (attempt >= this.maxAttempts) return undefined
    if (!isRetryable(error)) return undefined
    const backoff = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** (attempt - 1))
    // Full jitter spreads concurrent retries; a Retry-After from Cloudflare is a floor, not a guess.
    const jittered = backoff / 2 + (this.random() * backoff) / 2
    const delay = error.retryAfterMs !== undefined ? error.retryAfterMs + this.random() * 100 : jittered
    if (Date.now() + delay >= this.options.deadline) return undefined
    return Math.ceil(delay)
  }

  private async attempt<T>(
    method: 'GET' | 'POST',
    path: string,
    endpoint: string,
    init: CallInit
  ): Promise<Envelope<T>> {
    const remaining = this.options.deadline - Date.now()
    if (remaining <= 0) {
      throw new CloudflareError({
        kind: 'timeout',
        endpoint,
        message: 'the time allowed by `timeout` ran out'
      })
    }
    const timeout = Math.min(this.attemptTimeoutMs, remaining)
    const query = init.query ? `?${new URLSearchParams(init.query).toString()}` : ''
    const headers = { ...this.headers }
    let body: string | undefined
    if (init.body !== undefined) {
      body = JSON.stringify(init.body)
      headers['content-type'] = 'application/json'
    }
    this.requestCount++
    const response = await request(`${this.base}${path}${query}`, {
      method,
      headers,
      body,
      dispatcher: this.dispatcher,
      headersTimeout: timeout,
      bodyTimeout: timeout,
      signal: AbortSignal.timeout(timeout)
    })
    const text = await readLimited(response.body, endpoint)
    const status = response.statusCode
    const retryAfterMs = parseRetryAfter(response.headers)
    if (status === 429) this.rateLimitedCount++

    if (status >= 300 && status < 400) {
      const location = String(response.headers.location ?? '')
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
    if (envelope.success !== true || errors.length > 0 || status >= 400) {
      throw new CloudflareError({
        kind: 'api',
        endpoint,
        status,
        errors,
        retryAfterMs,
        message: errors.length > 0 ? (errors[0]?.message ?? '') : `HTTP ${status} without an error message`
      })
    }
    const out: Envelope<T> = {
      result: envelope.result as T,
      messages: Array.isArray(envelope.messages) ? envelope.messages : [],
      status
    }
    if (envelope.result_info && typeof envelope.result_info === 'object')
      out.resultInfo = envelope.result_info
    return out
  }
}

/** Purging is idempotent, so anything that may be passing is retried: 429, 5xx, garbled answers, network. */
export function isRetryable(error: CloudflareError): boolean {
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

/** Honours HTTPS_PROXY / HTTP_PROXY / NO_PROXY as self-hosted runners set them. */
export function createDispatcher(env: NodeJS.ProcessEnv = process.env): Dispatcher {
  const proxied = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'].some((k) => env[k])
  const options = { keepAliveTimeout: 10_000, connections: 32 }
  return proxied ? new EnvHttpProxyAgent(options) : new Agent(options)
}

async function readLimited(body: Dispatcher.ResponseData['body'], endpoint: string): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of body) {
    size += (chunk as Buffer).length
    if (size > MAX_BODY_BYTES) {
      body.destroy()
      throw new CloudflareError({
        kind: 'invalid-response',
        endpoint,
        message: 'the answer was larger than 1 MiB'
      })
    }
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks).toString('utf8')
}

function parseRetryAfter(headers: Record<string, string | string[] | undefined>): number | undefined {
  const ms = Number(headers['retry-after-ms'])
  if (Number.isFinite(ms) && ms >= 0) return ms
  const value = headers['retry-after']
  if (typeof value !== 'string' || value.trim() === '') return undefined
  const seconds = Number(value)
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now())
}

function describeBody(text: string): string {
  if (text.trim() === '') return 'an empty body'
  const title = /<title[^>]*>([^<]{1,200})<\/title>/i.exec(text)
  if (title) return `an HTML page "${(title[1] ?? '').trim()}"`
  if (/^\s*</.test(text)) return 'an HTML page'
  return 'a body that is not JSON (perhaps cut short)'
}

function toNetworkError(e: unknown, endpoint: string, timeoutMs: number): CloudflareError {
  const err = e as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException }
  // An aborted attempt is a DOMException whose `code` is a number (23): its name says what happened.
  const code = [err.code, err.cause?.code, err.name].find((c): c is string => typeof c === 'string')
  const timeouts = [
    'UND_ERR_HEADERS_TIMEOUT',
    'UND_ERR_BODY_TIMEOUT',
    'UND_ERR_CONNECT_TIMEOUT',
    'TimeoutError',
    'AbortError'
  ]
  if (timeouts.includes(code ?? '')) {
    return new CloudflareError({
      kind: 'timeout',
      endpoint,
      message: `no answer within ${Math.round(timeoutMs / 100) / 10} s`
    })
  }
  const known: Record<string, string> = {
    ENOTFOUND: 'the API host name could not be resolved (DNS)',
    EAI_AGAIN: 'the API host name could not be resolved (DNS, temporary)',
    ECONNREFUSED: 'the connection was refused',
    ECONNRESET: 'the connection was reset',
    UND_ERR_SOCKET: 'the connection was closed before an answer arrived',
    EPIPE: 'the connection was closed while sending',
    ETIMEDOUT: 'the connection timed out'
  }
  const message = known[code ?? ''] ?? `the request failed (${code ?? err.message ?? 'unknown error'})`
  return new CloudflareError({ kind: 'network', endpoint, message })
}

function summarize(error: CloudflareError): string {
  return error.kind === 'api' ? error.describe() : `${error.message} on ${error.endpoint}`
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
