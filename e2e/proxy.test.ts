// End to end: a self-hosted runner behind a proxy. The API's host name (api.cloudflare.invalid) resolves
// nowhere; only the forwarding proxy on loopback knows where it is, so every request that reaches the
// emulator went through the proxy. The proxy counts the tunnels it opens and what it carried.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createServer as createTlsServer } from 'node:tls'
import { fixture } from '../emulator/fixtures.js'
import { useEmulator } from './emulator-setup.js'
import { failedItemsOf } from './expectations.js'
import { runAction, type ActionRun } from './run-action.js'

const { zones, tokens } = fixture
const HOST = 'api.cloudflare.invalid'
const API_URL = `https://${HOST}/client/v4`
const PROXY_USER = 'purge'
const PROXY_PASSWORD = 'pr0xy-Passw0rd-never-shown'

interface Tunnel {
  target: string
  headers: string
  /** Bytes the client sent through the tunnel (TLS records: the proxy cannot read them). */
  sent: Buffer[]
}

/** A forwarding proxy that answers CONNECT for HOST:443 only, optionally wanting Basic credentials. */
class CountingProxy {
  readonly tunnels: Tunnel[] = []
  refused = 0
  private readonly server: Server
  private readonly sockets = new Set<Socket>()
  requireAuth = false

  constructor(private readonly upstreamPort: number) {
    this.server = createServer((client) => this.handle(client))
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve))
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  private handle(client: Socket): void {
    this.sockets.add(client)
    client.on('close', () => this.sockets.delete(client))
    client.on('error', () => undefined)
    let head = Buffer.alloc(0)
    const onData = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk])
      const end = head.indexOf('\r\n\r\n')
      if (end === -1) return
      client.off('data', onData)
      const headers = head.subarray(0, end).toString('latin1')
      const rest = head.subarray(end + 4)
      const [method, target] = headers.split(' ')
      const expected = `Basic ${Buffer.from(`${PROXY_USER}:${PROXY_PASSWORD}`).toString('base64')}`
      const auth = /^proxy-authorization:\s*(.+)$/im.exec(headers)?.[1]?.trim()
      if (method !== 'CONNECT' || target !== `${HOST}:443`) {
        this.refused++
        client.end('HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n')
        return
      }
      if (this.requireAuth && auth !== expected) {
        this.refused++
        client.end('HTTP/1.1 407 Proxy Authentication Required\r\ncontent-length: 0\r\n\r\n')
        return
      }
      const tunnel: Tunnel = { target, headers, sent: [] }
      this.tunnels.push(tunnel)
      const upstream = connect(this.upstreamPort, '127.0.0.1', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
        if (rest.length > 0) upstream.write(rest)
        client.on('data', (d: Buffer) => tunnel.sent.push(d))
        client.pipe(upstream)
        upstream.pipe(client)
      })
      this.sockets.add(upstream)
      upstream.on('close', () => this.sockets.delete(upstream))
      upstream.on('error', () => client.destroy())
      client.on('close', () => upstream.destroy())
    }
    client.on('data', onData)
  }
}

let dir: string
let certFile: string
const emulator = useEmulator()
let tlsFront: Server
let proxy: CountingProxy

beforeAll(async () => {
  // A certificate for the API's name, trusted by the action through NODE_EXTRA_CA_CERTS.
  dir = mkdtempSync(join(tmpdir(), 'purge-proxy-'))
  certFile = join(dir, 'cert.pem')
  const keyFile = join(dir, 'key.pem')
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '2',
      '-subj',
      `/CN=${HOST}`,
      '-addext',
      `subjectAltName=DNS:${HOST}`
    ],
    { stdio: 'ignore' }
  )
  const emulatorPort = Number(new URL(emulator.url).port)
  // TLS in front of the emulator: what the proxy's tunnel leads to.
  tlsFront = createTlsServer({ key: readFileSync(keyFile), cert: readFileSync(certFile) }, (socket) => {
    const upstream = connect(emulatorPort, '127.0.0.1')
    socket.pipe(upstream).pipe(socket)
    socket.on('error', () => upstream.destroy())
    upstream.on('error', () => socket.destroy())
  })
  await new Promise<void>((resolve) => tlsFront.listen(0, '127.0.0.1', resolve))
  proxy = new CountingProxy((tlsFront.address() as AddressInfo).port)
  await proxy.start()
})

afterAll(async () => {
  await proxy.stop()
  tlsFront.close()
  rmSync(dir, { recursive: true, force: true })
})

beforeEach(() => {
  proxy.tunnels.length = 0
  proxy.refused = 0
  proxy.requireAuth = false
})

const inputs = {
  zone: zones.free.id,
  api_token: tokens.user.value,
  files: 'https://example.com/a',
  timeout: '10'
}

function run(env: Record<string, string>, apiUrl = API_URL): Promise<ActionRun> {
  return runAction({ ...inputs, api_url: apiUrl }, { env: { NODE_EXTRA_CA_CERTS: certFile, ...env } })
}

function expectClean(result: ActionRun): void {
  for (const secret of [tokens.user.value, PROXY_PASSWORD]) expect(result.everything).not.toContain(secret)
  expect(result.stderr).toBe('') // no warning about experimental proxy agents, no stack trace
}

describe('through a proxy', () => {
  it('sends every request through HTTPS_PROXY, and the proxy never sees the token', async () => {
    const result = await run({ HTTPS_PROXY: proxy.url })
    expect(result.errors).toEqual([])
    expect(result.exitCode).toBe(0)
    expect(emulator.purgedItems(zones.free.id)).toEqual(['https://example.com/a'])
    expect(result.stdout).toContain(`Proxy: ${proxy.url} (from HTTPS_PROXY)`)

    // Verify, zone and purge went through tunnels to the API host, and nothing went elsewhere.
    expect(emulator.requests.map((r) => r.path)).toEqual(
      expect.arrayContaining([
        '/user/tokens/verify',
        `/zones/${zones.free.id}`,
        `/zones/${zones.free.id}/purge_cache`
      ])
    )
    expect(proxy.tunnels.length).toBeGreaterThanOrEqual(1)
    expect(proxy.tunnels.every((t) => t.target === `${HOST}:443`)).toBe(true)
    expect(proxy.refused).toBe(0)
    // The proxy carried the bytes but saw only TLS: the token is not in the tunnel nor its request.
    const carried = Buffer.concat(proxy.tunnels.flatMap((t) => t.sent))
    expect(carried.length).toBeGreaterThan(0)
    expect(carried.includes(tokens.user.value)).toBe(false)
    expect(proxy.tunnels.some((t) => t.headers.includes(tokens.user.value))).toBe(false)
    expect(emulator.requests[0]?.headers.authorization).toBe(`Bearer ${tokens.user.value}`)
    expectClean(result)
  })

  it('uses HTTP_PROXY for the https API when HTTPS_PROXY is not set', async () => {
    const result = await run({ HTTP_PROXY: proxy.url })
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toContain(`Proxy: ${proxy.url} (from HTTP_PROXY)`)
    expect(proxy.tunnels.length).toBeGreaterThanOrEqual(1)
    expect(emulator.purgedItems(zones.free.id)).toEqual(['https://example.com/a'])
    expectClean(result)
  })

  it('prefers https_proxy to HTTPS_PROXY, as the toolkit does', async () => {
    const result = await run({ https_proxy: proxy.url, HTTPS_PROXY: 'http://127.0.0.1:9' })
    expect(result.exitCode).toBe(0)
    expect(proxy.tunnels.length).toBeGreaterThanOrEqual(1)
    expectClean(result)
  })

  it('sends the proxy credentials from the proxy URL and never prints them', async () => {
    proxy.requireAuth = true
    const url = new URL(proxy.url)
    url.username = PROXY_USER
    url.password = PROXY_PASSWORD
    const result = await run({ HTTPS_PROXY: url.href, ACTIONS_STEP_DEBUG: 'true' })
    expect(result.exitCode).toBe(0)
    expect(proxy.tunnels.length).toBeGreaterThanOrEqual(1)
    expect(proxy.refused).toBe(0)
    expect(result.stdout).toContain(`Proxy: ${proxy.url} (from HTTPS_PROXY)`)
    expectClean(result)
  })

  it('explains a proxy that wants other credentials, and lists what was not purged', async () => {
    proxy.requireAuth = true
    const url = new URL(proxy.url)
    url.username = PROXY_USER
    url.password = 'wrong-password-123'
    const result = await run({ HTTPS_PROXY: url.href })
    expect(result.exitCode).toBe(1)
    expect(result.errors[0]?.title).toBe('Cannot reach Cloudflare')
    expect(result.errors[0]?.message).toMatch(
      /the proxy http:\/\/127\.0\.0\.1:\d+ would not open a connection to the API: it wants credentials \(407/
    )
    expect(proxy.refused).toBeGreaterThan(0)
    expect(emulator.requests).toEqual([])
    expect(failedItemsOf(result)).toEqual(['https://example.com/a'])
    expect(result.everything).not.toContain('wrong-password-123')
    expectClean(result)
  })

  it('names the proxy when it cannot be reached', async () => {
    const result = await run({ HTTPS_PROXY: 'http://127.0.0.1:9', ...{} }).then((r) => r)
    expect(result.exitCode).toBe(1)
    expect(result.errors[0]?.message).toMatch(
      /the connection was refused \(through the proxy http:\/\/127\.0\.0\.1:9\)/
    )
    expectClean(result)
  })
})

describe('past the proxy', () => {
  it('connects directly when NO_PROXY covers the API host', async () => {
    for (const noProxy of ['cloudflare.invalid', `.cloudflare.invalid`, `${HOST}:443`, '*']) {
      const result = await run({ HTTPS_PROXY: proxy.url, NO_PROXY: noProxy })
      // Directly, the name resolves nowhere: proof that the proxy was not asked.
      expect(result.exitCode).toBe(1)
      expect(result.errors[0]?.message).toMatch(/could not be resolved \(DNS/)
      expect(result.stdout).toContain(`Proxy: none (HTTPS_PROXY is set, but NO_PROXY lists ${noProxy})`)
      expect(proxy.tunnels).toEqual([])
      expectClean(result)
    }
  })

  it('never sends loopback traffic to the proxy, even without NO_PROXY', async () => {
    const result = await run({ HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url }, emulator.url)
    expect(result.exitCode).toBe(0)
    expect(emulator.purgedItems(zones.free.id)).toEqual(['https://example.com/a'])
    expect(result.stdout).toContain('Proxy: none (HTTP_PROXY is set, but 127.0.0.1 is a loopback address)')
    expect(proxy.tunnels).toEqual([])
    expect(proxy.refused).toBe(0)
    expectClean(result)
  })
})
