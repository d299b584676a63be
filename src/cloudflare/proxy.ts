// Which proxy, if any, carries the requests to the API: HTTPS_PROXY / HTTP_PROXY / NO_PROXY read the
// way GitHub's Actions toolkit reads them (its http-client package) on self-hosted runners. Pure.
import { safeDecode, URL_SCHEME } from '../patterns.js'
import { isLoopbackHost } from './hostnames.js'

export interface ProxyChoice {
  /** The proxy to connect through, or undefined to connect directly. */
  proxy?: URL
  /** The variable it came from, for the log. */
  from?: string
  /** Why a proxy variable that is set was not used, for the log. */
  note?: string
}

const HTTPS_VARS = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY'] as const
const HTTP_VARS = ['http_proxy', 'HTTP_PROXY'] as const

/**
 * The proxy for requests to `target`. For https the HTTPS_PROXY variables come first and HTTP_PROXY
 * serves as a fallback (as undici and many runners' setups expect); lower case wins over upper case.
 * Loopback hosts are never proxied. NO_PROXY holds host names, domains (`example.com` and
 * `.example.com` both cover the subdomains), `host:port`, IP addresses, or `*`.
 */
export function chooseProxy(target: string, env: NodeJS.ProcessEnv): ProxyChoice {
  const url = new URL(target)
  const names = url.protocol === 'https:' ? HTTPS_VARS : HTTP_VARS
  const from = names.find((name) => (env[name] ?? '').trim() !== '')
  if (!from) return {}
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase()
  if (isLoopbackHost(host)) return { from, note: `${from} is set, but ${host} is a loopback address` }
  const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80)
  const bypass = noProxyMatch(host, port, env.no_proxy || env.NO_PROXY || '')
  if (bypass) return { from, note: `${from} is set, but NO_PROXY lists ${bypass}` }

  const value = (env[from] ?? '').trim()
  let proxy: URL
  try {
    proxy = new URL(URL_SCHEME.test(value) ? value : `http://${value}`)
  } catch {
    return { from, note: `${from} is set but is not a URL, so it is not used` }
  }
  if (proxy.protocol !== 'http:' && proxy.protocol !== 'https:') {
    return {
      from,
      note: `${from} uses ${proxy.protocol.slice(0, -1)}://, which is not supported (only http:// and https:// proxies)`
    }
  }
  return { proxy, from }
}

/** The NO_PROXY entry that covers host:port, if any. */
export function noProxyMatch(host: string, port: number, noProxy: string): string | undefined {
  for (const raw of noProxy.split(/[,\s]+/)) {
    const entry = raw.trim().toLowerCase()
    if (entry === '') continue
    if (entry === '*') return entry
    // host, host:port, [v6], [v6]:port, or a bare IPv6 address (whose colons are not a port).
    const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry)
    const withPort = bracketed ? undefined : /^([^:]+):(\d+)$/.exec(entry)
    const entryPort = bracketed?.[2] ?? withPort?.[2]
    if (entryPort !== undefined && Number(entryPort) !== port) continue
    const name = (bracketed?.[1] ?? withPort?.[1] ?? entry).replace(/^\*?\./, '')
    if (name !== '' && (host === name || host.endsWith(`.${name}`))) return raw.trim()
  }
  return undefined
}

/** The proxy as it may be shown: scheme, host and port, never its credentials. */
export function describeProxy(proxy: URL): string {
  return `${proxy.protocol}//${proxy.host}`
}

/** Credentials written into proxy variables, to be masked like the inputs' secrets. */
export function proxySecrets(env: NodeJS.ProcessEnv): string[] {
  const out = new Set<string>()
  for (const name of new Set<string>([...HTTPS_VARS, ...HTTP_VARS])) {
    const value = (env[name] ?? '').trim()
    if (!value) continue
    try {
      const url = new URL(URL_SCHEME.test(value) ? value : `http://${value}`)
      if (!url.password) continue
      out.add(url.password)
      out.add(safeDecode(url.password))
      out.add(value)
    } catch {
      // Not a URL: it is not used, and there is nothing in it to tell apart as a password.
    }
  }
  return [...out].filter((s) => s.length > 0)
}
