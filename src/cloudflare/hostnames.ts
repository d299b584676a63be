// Hostname helpers: validation, IDN to ASCII, and the parent names a hostname may belong to.
import { domainToASCII } from 'node:url'

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/

/**
 * The one rule for a trailing dot: `example.com.` is the fully qualified form of `example.com` (RFC 1034,
 * section 3.1), the same host, so zone lookups and zone matching drop it. One dot only: `example.com..` is
 * not a name.
 */
export function withoutRootDot(host: string): string {
  return host.endsWith('.') ? host.slice(0, -1) : host
}

/**
 * The ASCII (punycode) form of a hostname in lower case, or undefined when it is not a valid
 * DNS name of at least two labels.
 */
export function toAsciiHostname(value: string): string | undefined {
  const trimmed = withoutRootDot(value.trim())
  if (trimmed === '' || /[\s/:?#@\\[\]*]/.test(trimmed)) return undefined
  const ascii = domainToASCII(trimmed.toLowerCase())
  if (ascii === '' || ascii.length > 253) return undefined
  const labels = ascii.split('.')
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l))) return undefined
  if (/^\d+$/.test(labels[labels.length - 1] ?? '')) return undefined // an IP address, not a name
  return ascii
}

/** The name and its parents, most specific first, stopping before the top-level domain. */
export function candidateZoneNames(hostname: string): string[] {
  const labels = hostname.split('.')
  const names: string[] = []
  for (let i = 0; i <= labels.length - 2; i++) names.push(labels.slice(i).join('.'))
  return names
}

/** True when `host` is `zoneName` or one of its subdomains. */
export function isHostInZone(host: string, zoneName: string): boolean {
  const h = withoutRootDot(host.toLowerCase())
  const z = withoutRootDot(zoneName.toLowerCase())
  return h === z || h.endsWith(`.${z}`)
}

export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase()
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h)
}
