// Recognises what a pasted secret is, and cleans the harmless mistakes (padding, "Bearer ").
import { diagnose } from '../diagnosis/catalogue.js'
import { HEX32_ID } from '../patterns.js'
import { unquote } from './list-syntax.js'
import type { Finding } from '../types.js'

export type SecretShape =
  'origin-ca-key' | 'global-key' | 'user-token' | 'account-token' | 'token' | 'id' | 'unknown'

const GLOBAL_KEY_LEGACY = /^[0-9a-f]{37,45}$/
const GLOBAL_KEY_NEW = /^cfk_[A-Za-z0-9]{40}[0-9a-f]{8}$/
const USER_TOKEN_NEW = /^cfut_[A-Za-z0-9]{40}[0-9a-f]{8}$/
const ACCOUNT_TOKEN_NEW = /^cfat_[A-Za-z0-9]{40}[0-9a-f]{8}$/
const TOKEN_LEGACY = /^[A-Za-z0-9_-]{40}$/
/** What may go into an HTTP header value without ambiguity: Cloudflare's credentials use no more. */
const CREDENTIAL_CHARS = /^[A-Za-z0-9_-]+$/
const EMAIL = /^[^\s@"'<>,;]+@[^\s@"'<>,;]+\.[^\s@"'<>,;]+$/

/** Guesses what kind of Cloudflare credential a cleaned secret is, from its shape alone. */
export function classifySecret(value: string): SecretShape {
  if (value.startsWith('v1.0-')) return 'origin-ca-key'
  if (GLOBAL_KEY_LEGACY.test(value) || GLOBAL_KEY_NEW.test(value)) return 'global-key'
  if (USER_TOKEN_NEW.test(value)) return 'user-token'
  if (ACCOUNT_TOKEN_NEW.test(value)) return 'account-token'
  if (TOKEN_LEGACY.test(value)) return 'token'
  // Zone, account and token IDs: never a secret, but they sit next to the secrets in the dashboard.
  if (HEX32_ID.test(value)) return 'id'
  return 'unknown'
}

export interface CleanedSecret {
  value: string
  findings: Finding[]
}

/** Removes padding, quotes and (for tokens) a pasted "Bearer " prefix, reporting each as a warning. */
export function cleanSecret(raw: string, input: string, allowBearer: boolean): CleanedSecret {
  const findings: Finding[] = []
  let value = raw.trim()
  value = unquote(value).trim()
  if (value !== raw) findings.push(diagnose('secret-padding', { input }))
  if (allowBearer) {
    const bearer = /^(bearer\s+)+/i.exec(value)
    if (bearer) {
      value = value.slice(bearer[0].length)
      findings.push(diagnose('bearer-prefix', { input }))
    }
  }
  if (/\s/.test(value)) findings.push(diagnose('secret-inner-space', { input }))
  else if (value !== '' && !CREDENTIAL_CHARS.test(value) && !value.startsWith('v1.0-'))
    findings.push(diagnose('secret-bad-characters', { input }))
  return { value, findings }
}

/** Errors for a secret that is clearly in the wrong slot. */
export function checkTokenShape(token: string): Finding[] {
  const shape = classifySecret(token)
  if (shape === 'origin-ca-key') return [diagnose('origin-ca-key', { input: 'api_token' })]
  if (shape === 'global-key') return [diagnose('global-key-as-token')]
  if (shape === 'id') return [diagnose('id-as-secret', { input: 'api_token' })]
  return []
}

export function checkGlobalKeyShape(key: string): Finding[] {
  const shape = classifySecret(key)
  if (shape === 'origin-ca-key') return [diagnose('origin-ca-key', { input: 'global_key' })]
  if (shape === 'user-token' || shape === 'account-token' || shape === 'token')
    return [diagnose('token-as-global-key')]
  if (shape === 'id') return [diagnose('id-as-secret', { input: 'global_key' })]
  return []
}

/** An address that is also a safe header value: visible ASCII only, at most 254 characters (RFC 5321). */
export function isEmail(value: string): boolean {
  return value.length <= 254 && /^[\x21-\x7e]+$/.test(value) && EMAIL.test(value)
}
