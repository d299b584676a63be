// The HTTP side: recording, faults, latency, body limits, and a close() that ends everything.

import { randomBytes } from 'node:crypto'
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { performance } from 'node:perf_hooks'
import { noRoute, PAYLOAD_TOO_LARGE_HTML, type Reply } from './envelope.js'
import { handleApi } from './routes.js'
import { EmulatorState } from './state.js'
import type {
  EmulatorOptions,
  FaultAction,
  FaultRule,
  RecordedPurge as Purge,
  RecordedRequest,
  RunningEmulator
} from './types.js'

export const BASE_PATH = '/client/v4'
export const MAX_BODY_BYTES = 1024 * 1024

interface ActiveFault {
  rule: FaultRule
  seen: number
}

function flattenHeaders(headers: IncomingMessage['headers']): Record<string, string> {
  const flat: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value
  }
  return flat
}

function readBody(req: IncomingMessage): Promise<{ text: string; tooLarge: boolean } | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    let size = 0
    let tooLarge = false
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY_BYTES) tooLarge = true
      else chunks.push(chunk)
    })
    req.on('end', () => resolve({ text: Buffer.concat(chunks).toString('utf8'), tooLarge }))
    req.on('error', () => resolve(undefined))
    req.on('close', () => {
      if (!req.complete) resolve(undefined)
    })
  })
}

function matches(rule: FaultRule, method: string, path: string, body: string): boolean {
  if (rule.method !== undefined && rule.method.toUpperCase() !== method) return false
  if (rule.bodyContains !== undefined && !body.includes(rule.bodyContains)) return false
  if (rule.path === undefined) return true
  if (typeof rule.path === 'string') return rule.path === path
  rule.path.lastIndex = 0
  return rule.path.test(path)
}

function faultReply(action: Extract<FaultAction, { status: number }>): Reply {
  const headers = Object.fromEntries(
    Object.entries(action.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])
  )
  if (action.body !== undefined) {
    if (typeof action.body === 'string' && headers['content-type'] === undefined) {
      headers['content-type'] = 'text/html; charset=UTF-8'
    }
    return { status: action.status, headers, body: action.body }
  }
  const success = action.status >= 200 && action.status < 300
  const code = action.status === 429 ? 971 : action.status
  const message =
    action.status === 429
      ? 'Please wait and consider throttling your request speed'
      : (STATUS_CODES[action.status] ?? 'Error')
  const body = success
    ? { success: true, errors: [], messages: [], result: null }
    : { success: false, errors: [{ code, message }], messages: [], result: null }
  return { status: action.status, headers, body }
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const state = new EmulatorState(options)
  const latencyMs = Math.max(0, options.latencyMs ?? 0)
  const requests: RecordedRequest[] = []
  const purges = new Map<RecordedRequest, Purge>()
  const purgeListeners: Array<(purge: Purge) => void> = []
  let faults: ActiveFault[] = (options.faults ?? []).map((rule) => ({ rule, seen: 0 }))
  const sockets = new Set<Socket>()
  const timers = new Set<NodeJS.Timeout>()
  let closing: Promise<void> | undefined

  const delay = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      if (ms <= 0) return resolve()
      const timer = setTimeout(() => {
        timers.delete(timer)
        resolve()
      }, ms)
      timers.add(timer)
    })

  const pickFault = (method: string, path: string, body: string): FaultAction | undefined => {
    let chosen: FaultAction | undefined
    for (const fault of faults) {
      if (!matches(fault.rule, method, path, body)) continue
      fault.seen += 1
      const skip = fault.rule.skip ?? 0
      const times = fault.rule.times ?? Infinity
      if (chosen === undefined && fault.seen > skip && fault.seen <= skip + times) chosen = fault.rule.action
    }
    return chosen
  }

  const send = (res: ServerResponse, record: RecordedRequest, reply: Reply): void => {
    if (closing || res.destroyed || res.headersSent) return
    const payload = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body)
    const headers: Record<string, string> = {
      'content-type': 'application/json; charset=utf-8',
      'cf-ray': `${randomBytes(8).toString('hex')}-EMU`,
      ...reply.headers,
      'content-length': String(Buffer.byteLength(payload))
    }
    record.status = reply.status
    record.endedAt = performance.now()
    res.writeHead(reply.status, headers)
    res.end(payload)
  }

  /** Announces the whole body, sends only its first bytes, then drops the connection. */
  const sendCut = (res: ServerResponse, record: RecordedRequest, reply: Reply, bytes: number): void => {
    if (closing || res.destroyed || res.headersSent) return
    const payload = Buffer.from(typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body))
    record.status = reply.status
    record.endedAt = performance.now()
    res.writeHead(reply.status, {
      'content-type': 'application/json; charset=utf-8',
      ...reply.headers,
      'content-length': String(payload.length)
    })
    res.write(payload.subarray(0, Math.max(0, Math.min(bytes, payload.length - 1))), () =>
      res.socket?.destroy()
    )
  }

  // Counting times never go back: the limits prune their windows from the oldest entry.
  let lastCounted = -Infinity
  const countingTime = (headers: Record<string, string>): number => {
    const now = performance.now()
    const sentAt = Number(headers['x-emulator-sent-at']) - performance.timeOrigin
    // A stamp from another clock (more than a minute off) is no send time: count the arrival.
    const at = options.countAtSendTime && Math.abs(now - sentAt) < 60_000 ? sentAt : now
    return (lastCounted = Math.max(lastCounted, at))
  }

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const startedAt = performance.now()
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const pathname = url.pathname
    const underBase = pathname === BASE_PATH || pathname.startsWith(`${BASE_PATH}/`)
    const path = underBase ? pathname.slice(BASE_PATH.length) || '/' : pathname
    const method = (req.method ?? 'GET').toUpperCase()
    const record: RecordedRequest = {
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      headers: flattenHeaders(req.headers),
      body: undefined,
      status: 0,
      startedAt,
      endedAt: startedAt,
      countedAt: startedAt
    }
    requests.push(record)
    let answered = false
    res.on('close', () => {
      if (!answered && record.status === 0) record.endedAt = performance.now()
    })

    const raw = await readBody(req)
    if (raw === undefined || closing) return
    let body: unknown = undefined
    let malformedBody = false
    if (raw.text !== '' && !raw.tooLarge) {
      try {
        body = JSON.parse(raw.text)
      } catch {
        body = raw.text
        malformedBody = true
      }
    }
    record.body = body

    const fault = pickFault(method, path, raw.text)
    if (fault && 'hang' in fault) return
    await delay(latencyMs)
    if (closing) return
    answered = true

    if (fault && 'reset' in fault) {
      record.endedAt = performance.now()
      req.socket.destroy()
      return
    }
    if (fault && fault.cutAfterBytes !== undefined)
      return sendCut(res, record, faultReply(fault), fault.cutAfterBytes)
    if (fault) return send(res, record, faultReply(fault))
    if (raw.tooLarge) {
      return send(res, record, {
        status: 413,
        headers: { 'content-type': 'text/html', connection: 'close' },
        body: PAYLOAD_TOO_LARGE_HTML
      })
    }
    if (!underBase) {
      return send(res, record, noRoute())
    }

    record.countedAt = countingTime(record.headers)
    const outcome = handleApi(
      {
        method,
        path,
        query: record.query,
        headers: record.headers,
        body,
        malformedBody,
        now: record.countedAt
      },
      state
    )
    send(res, record, outcome.reply)
    if (outcome.purged && outcome.reply.status === 200) {
      const { zoneId, zoneName, kind, items, action } = outcome.purged
      const purge = { zoneId, zoneName, kind, items, action }
      purges.set(record, purge)
      for (const listener of purgeListeners) listener(purge)
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { 'content-type': 'text/plain' })
        res.end(`emulator error: ${String(err)}`)
      }
    })
  })
  server.keepAliveTimeout = 5000
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('emulator: no TCP address')

  const done = (action: Purge['action']) => (record: RecordedRequest) => purges.get(record)?.action === action
  const itemsOf = (action: Purge['action'], zoneId?: string): unknown[] =>
    requests.flatMap((record) => {
      const purge = purges.get(record)
      return purge?.action === action && (zoneId === undefined || purge.zoneId === zoneId) ? purge.items : []
    })

  return {
    url: `http://127.0.0.1:${address.port}${BASE_PATH}`,
    requests,
    purgeRequests: () => requests.filter(done('purge')),
    purgedItems: (zoneId?: string) => itemsOf('purge', zoneId),
    invalidateRequests: () => requests.filter(done('invalidate')),
    invalidatedItems: (zoneId?: string) => itemsOf('invalidate', zoneId),
    count429: () => requests.filter((r) => r.status === 429).length,
    spendGlobal: (token: string, count: number) =>
      state.spendGlobal(`token:${token}`, count, performance.now()),
    fewestLeft: () => state.fewestLeft,
    addFault: (rule: FaultRule) => {
      faults.push({ rule, seen: 0 })
    },
    clearFaults: () => {
      faults = []
    },
    onPurge: (listener) => {
      purgeListeners.push(listener)
    },
    reset: () => {
      requests.length = 0
      purges.clear()
      state.resetLimits()
    },
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer)
        timers.clear()
        server.close(() => resolve())
        for (const socket of sockets) socket.destroy()
        server.closeAllConnections()
      })
      return closing
    }
  }
}
