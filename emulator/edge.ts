// The edge stand-in: what a visitor's request meets after a purge, reached as a forward proxy
// (HTTPS_PROXY / HTTP_PROXY). Absolute-form requests for http, CONNECT for https, with TLS ended on a
// certificate per host from a throwaway CA made with `openssl` at start (give `caFile` to Node as
// NODE_EXTRA_CA_CERTS). It keeps a copy per URL and cache-key headers, answers HIT with Age or MISS,
// and drops (or, on an invalidation, marks stale) the copies the emulator's accepted purges cover.
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createSecureContext, TLSSocket, type SecureContext } from 'node:tls'
import { promisify } from 'node:util'
import type { RecordedPurge, RunningEmulator } from './types.js'

const run = promisify(execFile)

/** The request headers that select a cached variant (Cloudflare's custom cache key). */
export const CACHE_KEY_HEADERS = ['cf-device-type', 'cf-ipcountry', 'accept-language'] as const

export interface EdgeOptions {
  /** Milliseconds before each answer, so that concurrent requests overlap. Default 0. */
  latencyMs?: number
}

/** One request the edge stand-in answered. */
export interface EdgeRequest {
  method: string
  url: string
  headers: Record<string, string>
  /** How it came: absolute-form (http) or inside a CONNECT tunnel (https). */
  via: 'absolute' | 'tunnel'
  /** CF-Cache-Status answered; absent for a host that is not proxied. */
  cacheStatus?: string
  age?: number
  /** Body bytes written before the answer ended or the client closed it. */
  bodyBytes?: number
}

export interface RunningEdge {
  /** The proxy's URL, for HTTPS_PROXY and HTTP_PROXY. */
  proxyUrl: string
  /** The CA's certificate (PEM file), for NODE_EXTRA_CA_CERTS. */
  caFile: string
  requests: EdgeRequest[]
  /** The most requests answered at once since the last reset. */
  maxInFlight: number
  /** Connections made to the proxy since the last reset. */
  connections: number
  /** Puts a copy of `url` (with these cache-key headers) in the cache, cached `age` seconds ago. */
  prime(url: string, options?: { age?: number; headers?: Record<string, string>; tags?: string[] }): void
  /** The copy held for `url` (and headers), with its Age; undefined when none. */
  copy(url: string, headers?: Record<string, string>): { age: number; stale: boolean } | undefined
  /** Purges stop reaching this URL's copies (any variant). */
  purgeMisses(url: string): void
  /** This host answers without CF-Cache-Status: not proxied by Cloudflare. */
  notProxied(host: string): void
  /** This URL answers DYNAMIC and is never cached. */
  dynamic(url: string): void
  /** Requests for this URL get no answer: the connection is closed. */
  refuse(url: string): void
  /** This URL answers with a body of `bytes` bytes, streamed as the client reads it. */
  bigBody(url: string, bytes: number): void
  /** Moves the edge's clock on: every copy is `seconds` older. */
  advance(seconds: number): void
  /** Forgets requests, copies and settings. */
  reset(): void
  close(): Promise<void>
}

interface Copy {
  url: URL
  cachedAt: number
  tags: string[]
  /** Marked stale by an invalidation: the next request revalidates it. */
  stale: boolean
}

/** Starts the stand-in and has it hear of every purge `emulator` accepts. */
export async function startEdge(
  emulator: Pick<RunningEmulator, 'onPurge'>,
  options: EdgeOptions = {}
): Promise<RunningEdge> {
  const certs = await CertificateAuthority.create()
  const copies = new Map<string, Copy>()
  const misses = new Set<string>()
  const unproxied = new Set<string>()
  const dynamic = new Set<string>()
  const bigBodies = new Map<string, number>()
  const refused = new Set<string>()
  const sockets = new Set<Socket>()
  let offset = 0
  let inFlight = 0
  const clock = (): number => Date.now() / 1000 + offset

  const state = {
    requests: [] as EdgeRequest[],
    maxInFlight: 0,
    connections: 0
  }

  const answer = async (req: IncomingMessage, res: ServerResponse, url: URL, via: EdgeRequest['via']) => {
    inFlight++
    state.maxInFlight = Math.max(state.maxInFlight, inFlight)
    const headers = flatHeaders(req)
    const record: EdgeRequest = { method: req.method ?? 'GET', url: url.href, headers, via }
    state.requests.push(record)
    if (options.latencyMs) await new Promise((done) => setTimeout(done, options.latencyMs))
    if (refused.has(url.href)) {
      inFlight--
      req.socket.destroy()
      return
    }
    const out: Record<string, string> = { 'content-type': 'text/plain', server: 'edge-stand-in' }
    if (!unproxied.has(url.hostname)) {
      const { status, age } = lookUp(url, headers)
      out['cf-cache-status'] = record.cacheStatus = status
      if (age !== undefined) out.age = String((record.age = age))
    }
    inFlight--
    res.writeHead(200, out)
    const size = bigBodies.get(url.href)
    if (size === undefined) res.end(`${url.href}\n`)
    else await stream(res, size, record)
  }

  /** The cache's answer for a GET of `url`: HIT with its Age, or MISS (a copy is kept from now on). */
  const lookUp = (url: URL, headers: Record<string, string>): { status: string; age?: number } => {
    if (dynamic.has(url.href)) return { status: 'DYNAMIC' }
    const key = cacheKey(url.href, headers)
    const copy = copies.get(key)
    if (copy && !copy.stale) return { status: 'HIT', age: Math.floor(clock() - copy.cachedAt) }
    copies.set(key, { url, cachedAt: clock(), tags: copy?.tags ?? [], stale: false })
    return { status: copy ? 'REVALIDATED' : 'MISS' }
  }

  const forget = (purge: RecordedPurge): void => {
    for (const [key, copy] of copies) {
      if (misses.has(copy.url.href) || !covers(purge, copy, key)) continue
      if (purge.action === 'invalidate') copy.stale = true
      else copies.delete(key)
    }
  }
  emulator.onPurge(forget)

  const inner = createServer((req, res) => {
    const socket = req.socket as Socket & { encrypted?: boolean }
    const url = new URL(req.url ?? '/', `${socket.encrypted ? 'https' : 'http'}://${req.headers.host ?? ''}`)
    void answer(req, res, url, 'tunnel')
  })
  const proxy: Server = createServer((req, res) => {
    if (!/^http:\/\//i.test(req.url ?? '')) {
      res.writeHead(400).end('absolute-form http requests only')
      return
    }
    void answer(req, res, new URL(req.url as string), 'absolute')
  })
  proxy.on('connection', (socket: Socket) => {
    state.connections++
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  proxy.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    const [host = '', port = '443'] = (req.url ?? '').split(':')
    client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
    if (head.length > 0) client.unshift(head)
    if (port !== '443') {
      inner.emit('connection', client)
      return
    }
    const tls = new TLSSocket(client, {
      isServer: true,
      SNICallback: (name, done) => certs.contextFor(name || host).then((c) => done(null, c), done)
    })
    tls.on('error', () => client.destroy())
    inner.emit('connection', tls)
  })
  await new Promise<void>((done) => proxy.listen(0, '127.0.0.1', done))
  const { port } = proxy.address() as { port: number }

  return {
    proxyUrl: `http://127.0.0.1:${port}`,
    caFile: certs.caFile,
    get requests() {
      return state.requests
    },
    get maxInFlight() {
      return state.maxInFlight
    },
    get connections() {
      return state.connections
    },
    prime: (url, { age = 0, headers = {}, tags = [] } = {}) => {
      const parsed = new URL(url)
      copies.set(cacheKey(parsed.href, lower(headers)), {
        url: parsed,
        cachedAt: clock() - age,
        tags,
        stale: false
      })
    },
    copy: (url, headers = {}) => {
      const copy = copies.get(cacheKey(new URL(url).href, lower(headers)))
      return copy && { age: Math.floor(clock() - copy.cachedAt), stale: copy.stale }
    },
    purgeMisses: (url) => void misses.add(new URL(url).href),
    notProxied: (host) => void unproxied.add(host.toLowerCase()),
    dynamic: (url) => void dynamic.add(new URL(url).href),
    refuse: (url) => void refused.add(new URL(url).href),
    bigBody: (url, bytes) => void bigBodies.set(new URL(url).href, bytes),
    advance: (seconds) => void (offset += seconds),
    reset: () => {
      state.requests = []
      state.maxInFlight = 0
      state.connections = 0
      for (const set of [copies, misses, unproxied, dynamic, bigBodies, refused]) set.clear()
      offset = 0
    },
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((done) => proxy.close(() => done()))
      certs.remove()
    }
  }
}

/** Writes `size` bytes in 64 KiB chunks as fast as the client reads them, until done or closed. */
async function stream(res: ServerResponse, size: number, record: EdgeRequest): Promise<void> {
  const chunk = Buffer.alloc(64 * 1024, 'x')
  record.bodyBytes = 0
  while (record.bodyBytes < size && !res.destroyed) {
    const part = chunk.subarray(0, Math.min(chunk.length, size - record.bodyBytes))
    record.bodyBytes += part.length
    if (!res.write(part))
      await new Promise<void>((done) => {
        res.once('drain', done)
        res.once('close', done)
      })
  }
  res.end()
}

/** The cache key: the URL, and the cache-key headers sent, in a fixed order. */
function cacheKey(href: string, headers: Record<string, string>): string {
  return [href, ...CACHE_KEY_HEADERS.map((name) => `${name}:${headers[name] ?? ''}`)].join('\n')
}

/** Whether `purge` covers the copy stored under `key`. */
function covers(purge: RecordedPurge, copy: Copy, key: string): boolean {
  const host = copy.url.hostname
  switch (purge.kind) {
    case 'everything':
      return host === purge.zoneName || host.endsWith(`.${purge.zoneName}`)
    case 'hosts':
      return purge.items.some((h) => String(h).toLowerCase() === host)
    case 'prefixes':
      return purge.items.some((p) => `${copy.url.host}${copy.url.pathname}`.startsWith(String(p)))
    case 'tags':
      return purge.items.some((t) => copy.tags.includes(String(t)))
    case 'files':
      return purge.items.some((item) => {
        const { url, headers = {} } =
          typeof item === 'string'
            ? { url: item }
            : (item as { url: string; headers?: Record<string, string> })
        return cacheKey(new URL(url).href, lower(headers)) === key
      })
  }
}

function lower(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]))
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(req.headers))
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value
  return out
}

/** A throwaway CA in a temporary folder, and a certificate per host signed by it, made when first asked. */
class CertificateAuthority {
  private readonly contexts = new Map<string, Promise<SecureContext>>()

  private constructor(private readonly dir: string) {}

  get caFile(): string {
    return join(this.dir, 'ca.pem')
  }

  static async create(): Promise<CertificateAuthority> {
    const dir = mkdtempSync(join(tmpdir(), 'edge-ca-'))
    await openssl([
      ...['-keyout', join(dir, 'ca.key'), '-out', join(dir, 'ca.pem'), '-subj', '/CN=Edge stand-in CA'],
      ...['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign']
    ])
    return new CertificateAuthority(dir)
  }

  contextFor(host: string): Promise<SecureContext> {
    const name = host.toLowerCase().replace(/[^a-z0-9.-]/g, '')
    let context = this.contexts.get(name)
    if (!context) {
      const key = join(this.dir, `${name}.key`)
      const cert = join(this.dir, `${name}.pem`)
      context = openssl([
        ...['-keyout', key, '-out', cert, '-subj', `/CN=${name}`, '-addext', `subjectAltName=DNS:${name}`],
        ...['-addext', 'basicConstraints=critical,CA:FALSE'],
        ...['-CA', join(this.dir, 'ca.pem'), '-CAkey', join(this.dir, 'ca.key')]
      ]).then(() => createSecureContext({ key: readFileSync(key), cert: readFileSync(cert) }))
      this.contexts.set(name, context)
    }
    return context
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true })
  }
}

/** A new P-256 key and a certificate valid for two days, as `openssl req -x509` makes them. */
async function openssl(args: string[]): Promise<void> {
  const common = ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
  await run('openssl', [...common, '-days', '2', ...args])
}
