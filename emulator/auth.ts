// Reading the credential of a request, in Cloudflare's order of checks.

import { authenticationError, error, fail, invalidApiToken, type Reply } from './envelope.js'
import type { Credential, EmulatorState } from './state.js'

const BEARER = /^Bearer ([A-Za-z0-9_-]+)$/
const GLOBAL_KEY = /^(?:[0-9a-f]{37,45}|cfk_[A-Za-z0-9]{40}[0-9a-f]{8})$/
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

export type AuthOutcome = { ok: true; credential: Credential } | { ok: false; reply: Reply }

const invalidHeaders = (code: number, message: string): Reply =>
  fail(400, [error(6003, 'Invalid request headers', [error(code, message)])])

/**
 * Checks, in order: a credential is present (9106), the Authorization header's format (6003/6111), the
 * global key's and email's formats (6003/6103, 6003/6102), then whether the credential is known (9103 for a
 * global key; for a token 401/1000 at the verify endpoints, 403/10000 elsewhere). Authorization wins when
 * both kinds are sent.
 */
export function authenticate(
  headers: Record<string, string | undefined>,
  state: EmulatorState,
  verifyEndpoint: boolean
): AuthOutcome {
  const authorization = headers['authorization']
  const key = headers['x-auth-key']
  const email = headers['x-auth-email']

  if (authorization === undefined && key === undefined && email === undefined) {
    return {
      ok: false,
      reply: fail(400, [error(9106, 'Missing X-Auth-Key, X-Auth-Email or Authorization headers')])
    }
  }

  if (authorization !== undefined) {
    const match = BEARER.exec(authorization)
    if (!match?.[1]) {
      return { ok: false, reply: invalidHeaders(6111, 'Invalid format for Authorization header') }
    }
    const value = match[1]
    const token = state.tokens.get(value)
    if (!token) return { ok: false, reply: verifyEndpoint ? invalidApiToken() : authenticationError() }
    return { ok: true, credential: { kind: 'token', token, key: `token:${value}` } }
  }

  if (key === undefined || !GLOBAL_KEY.test(key)) {
    return { ok: false, reply: invalidHeaders(6103, 'Invalid format for X-Auth-Key header') }
  }
  if (email === undefined || !EMAIL.test(email)) {
    return { ok: false, reply: invalidHeaders(6102, 'Invalid format for X-Auth-Email header') }
  }
  const globalKey = state.findGlobalKey(email, key)
  if (!globalKey) {
    return { ok: false, reply: fail(403, [error(9103, 'Unknown X-Auth-Key or X-Auth-Email')]) }
  }
  return {
    ok: true,
    credential: { kind: 'globalKey', globalKey, key: `key:${globalKey.email.toLowerCase()}:${key}` }
  }
}
