// GET requests where visitors make them: at the edge, through the same proxy settings as the API
// (HTTPS_PROXY, HTTP_PROXY, NO_PROXY), never following a redirect, reading only the status and headers.
// They are not API calls: nothing here counts against Cloudflare's API limits.
import { Agent, ProxyAgent, request, type Dispatcher } from 'undici'
import { chooseProxy } from '../cloudflare/proxy.js'
import type { FileItem } from '../types.js'
import { readCacheHeaders, type EdgeAnswer } from './verdict.js'

/** How long one edge request may take before it counts as unanswered. */
export const EDGE_REQUEST_MS = 10_000
/** Body bytes read at most, to keep the connection; past that it is closed instead. */
const BODY_DRAIN_BYTES = 64 * 1024

export interface EdgeClientOptions {
  userAgent: string
  /** Epoch ms: no request starts after it, and a request in flight is cut at it. */
  deadline: number
  /** Proxy variables; default process.env. */
  env?: NodeJS.ProcessEnv
  requestTimeoutMs?: number
}

export class EdgeClient {
  /** One dispatcher per proxy (and one for direct connections), made when first needed. */
  private readonly dispatchers = new Map<string, Dispatcher>()
  requestCount = 0

  constructor(private readonly options: EdgeClientOptions) {}

  /** One GET of the item's URL with its cache-key headers; never throws. */
  async get(item: FileItem): Promise<EdgeAnswer> {
    const left = this.options.deadline - Date.now()
    if (left <= 0) return { error: 'the time allowed by `timeout` ran out first' }
    const timeout = Math.max(1, Math.floor(Math.min(left, this.options.requestTimeoutMs ?? EDGE_REQUEST_MS)))
    this.requestCount++
    try {
      const answer = await request(item.url, {
        method: 'GET',
        headers: { ...item.headers, 'user-agent': this.options.userAgent, accept: '*/*' },
        dispatcher: this.dispatcherFor(item.url),
        signal: AbortSignal.timeout(timeout)
      })
      // Only the headers matter: a small body is drained so the connection can serve the next request,
      // a bigger one is cut off rather than downloaded.
      await answer.body.dump({ limit: BODY_DRAIN_BYTES }).catch(() => undefined)
      return { status: answer.statusCode, ...readCacheHeaders(answer.headers) }
    } catch (error) {
      return { error: describeEdgeError(error, timeout) }
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.dispatchers.values()].map((d) => d.close().catch(() => undefined)))
  }

  private dispatcherFor(url: string): Dispatcher {
    const { proxy } = chooseProxy(url, this.options.env ?? process.env)
    const http = url.startsWith('http:')
    const key = proxy ? `${http ? 'http' : 'https'} ${proxy.href}` : 'direct'
    let dispatcher = this.dispatchers.get(key)
    if (!dispatcher) {
      const options = { keepAliveTimeout: 4_000, connections: 8 }
      // Plain http goes to the proxy as an absolute-form request, as curl sends it; https through CONNECT.
      dispatcher = proxy
        ? new ProxyAgent({ ...options, uri: proxy.href, proxyTunnel: !http })
        : new Agent(options)
      this.dispatchers.set(key, dispatcher)
    }
    return dispatcher
  }
}

/** Why an edge request had no answer, in a few words. */
function describeEdgeError(error: unknown, timeoutMs: number): string {
  const err = error as { name?: string; code?: string; cause?: { code?: string }; message?: string }
  const code = err.code ?? err.cause?.code
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return `no answer within ${timeoutMs} ms`
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'its host name could not be resolved (DNS)'
  if (code === 'ECONNREFUSED') return 'the connection was refused'
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'the connection was reset'
  if (typeof code === 'string' && /CERT|SSL|TLS/.test(code))
    return `its TLS certificate was refused (${code})`
  return err.message ?? String(error)
}

/** Runs `work` on every item with at most `limit` at once; the results in the items' order. */
export async function eachLimited<T, R>(
  items: T[],
  limit: number,
  work: (item: T) => Promise<R>
): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++
      results[i] = await work(items[i] as T)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}
