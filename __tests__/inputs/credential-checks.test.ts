import { describe, expect, it } from '@jest/globals'
import {
  checkGlobalKeyShape,
  checkTokenShape,
  classifySecret,
  cleanSecret,
  isEmail
} from '../../src/inputs/credential-checks.js'

const TOKEN = 'FAKEuserTokenAllPerms0000000000000000001'
const GLOBAL_KEY = 'c0ffeec0ffeec0ffeec0ffeec0ffeec0ffee0'
const USER_TOKEN = `cfut_${'A1'.repeat(20)}deadbeef`
const ACCOUNT_TOKEN = `cfat_${'B2'.repeat(20)}c0ffee00`
const NEW_GLOBAL_KEY = `cfk_${'C3'.repeat(20)}0badf00d`
const ORIGIN_CA_KEY = `v1.0-0123456789abcdef01234567-${'ab'.repeat(73)}`
const ID = 'acc00000000000000000000000000001'

const ids = (findings: { id: string }[]): string[] => findings.map((f) => f.id)

describe('classifySecret', () => {
  it.each([
    [TOKEN, 'token'],
    [USER_TOKEN, 'user-token'],
    [ACCOUNT_TOKEN, 'account-token'],
    [GLOBAL_KEY, 'global-key'],
    ['f'.repeat(45), 'global-key'],
    [NEW_GLOBAL_KEY, 'global-key'],
    [ORIGIN_CA_KEY, 'origin-ca-key'],
    [ID, 'id'],
    ['f'.repeat(36), 'unknown'],
    ['f'.repeat(46), 'unknown'],
    ['short', 'unknown'],
    [GLOBAL_KEY.toUpperCase(), 'unknown'],
    [`cfut_${'A1'.repeat(20)}DEADBEEF`, 'unknown']
  ])('%s is %s', (value, shape) => {
    expect(classifySecret(value)).toBe(shape)
  })
})

describe('cleanSecret', () => {
  it('leaves a clean token alone', () => {
    expect(cleanSecret(TOKEN, 'api_token', true)).toEqual({ value: TOKEN, findings: [] })
  })

  it.each([
    ['a trailing line break', `${TOKEN}\n`],
    ['spaces around', `  ${TOKEN} `],
    ['double quotes', `"${TOKEN}"`],
    ['single quotes and a line break', `'${TOKEN}'\r\n`],
    ['backticks', `\`${TOKEN}\``],
    ['spaces inside the quotes', `" ${TOKEN} "`]
  ])('trims %s with one warning', (_name, raw) => {
    const cleaned = cleanSecret(raw, 'api_token', true)
    expect(cleaned.value).toBe(TOKEN)
    expect(ids(cleaned.findings)).toEqual(['secret-padding'])
    expect(cleaned.findings[0]?.severity).toBe('warning')
  })

  it.each([`Bearer ${TOKEN}`, `bearer ${TOKEN}`, `BEARER\t${TOKEN}`, `Bearer Bearer ${TOKEN}`])(
    'strips "%s" with one warning',
    (raw) => {
      const cleaned = cleanSecret(raw, 'api_token', true)
      expect(cleaned.value).toBe(TOKEN)
      expect(ids(cleaned.findings)).toEqual(['bearer-prefix'])
    }
  )

  it('reports padding and "Bearer " together', () => {
    const cleaned = cleanSecret(`"Bearer ${TOKEN}"\n`, 'api_token', true)
    expect(cleaned.value).toBe(TOKEN)
    expect(ids(cleaned.findings)).toEqual(['secret-padding', 'bearer-prefix'])
  })

  it('does not strip "Bearer " from a global key, where it is an error', () => {
    const cleaned = cleanSecret(`Bearer ${GLOBAL_KEY}`, 'global_key', false)
    expect(ids(cleaned.findings)).toEqual(['secret-inner-space'])
  })

  it.each([
    ['a space', `${TOKEN.slice(0, 10)} ${TOKEN.slice(10)}`],
    ['a line break', `${TOKEN.slice(0, 10)}\n${TOKEN.slice(10)}`],
    ['two secrets', `${TOKEN}\n${GLOBAL_KEY}`]
  ])('refuses %s inside the secret', (_name, raw) => {
    const cleaned = cleanSecret(raw, 'api_token', true)
    expect(ids(cleaned.findings)).toEqual(['secret-inner-space'])
    expect(cleaned.findings[0]?.severity).toBe('error')
  })

  it('refuses characters no credential has, but not an Origin CA key', () => {
    expect(ids(cleanSecret('token$with%odd!characters', 'api_token', true).findings)).toEqual([
      'secret-bad-characters'
    ])
    expect(cleanSecret(ORIGIN_CA_KEY, 'api_token', true).findings).toEqual([])
  })

  it('names the input, never the secret', () => {
    const raw = `"Bearer ${TOKEN.slice(0, 10)} ${TOKEN.slice(10)}"`
    const findings = cleanSecret(raw, 'api_token', true).findings
    expect(findings.length).toBeGreaterThan(0)
    for (const f of findings) {
      expect(f.message).toContain('`api_token`')
      expect(f.message).not.toContain(TOKEN.slice(0, 10))
      expect(f.message).not.toContain(TOKEN.slice(10))
    }
  })
})

describe('checkTokenShape', () => {
  it.each([TOKEN, USER_TOKEN, ACCOUNT_TOKEN, 'some-other-shape'])('accepts %s', (value) => {
    expect(checkTokenShape(value)).toEqual([])
  })

  it.each([
    [GLOBAL_KEY, 'global-key-as-token'],
    [NEW_GLOBAL_KEY, 'global-key-as-token'],
    [ORIGIN_CA_KEY, 'origin-ca-key'],
    [ID, 'id-as-secret']
  ])('refuses %s as %s', (value, id) => {
    const findings = checkTokenShape(value)
    expect(ids(findings)).toEqual([id])
    expect(findings[0]?.severity).toBe('error')
    expect(findings[0]?.message).not.toContain(value)
  })

  it('says where a Global API Key belongs', () => {
    expect(checkTokenShape(GLOBAL_KEY)[0]?.message).toMatch(/`global_key` together with `email`/)
  })
})

describe('checkGlobalKeyShape', () => {
  it.each([GLOBAL_KEY, NEW_GLOBAL_KEY, 'unknown-shape'])('accepts %s', (value) => {
    expect(checkGlobalKeyShape(value)).toEqual([])
  })

  it.each([
    [TOKEN, 'token-as-global-key'],
    [USER_TOKEN, 'token-as-global-key'],
    [ACCOUNT_TOKEN, 'token-as-global-key'],
    [ORIGIN_CA_KEY, 'origin-ca-key'],
    [ID, 'id-as-secret']
  ])('refuses %s as %s', (value, id) => {
    expect(ids(checkGlobalKeyShape(value))).toEqual([id])
  })

  it('names global_key in the message', () => {
    expect(checkGlobalKeyShape(ORIGIN_CA_KEY)[0]?.message).toContain('`global_key`')
    expect(checkGlobalKeyShape(ID)[0]?.message).toContain('`global_key`')
  })
})

describe('isEmail', () => {
  it.each(['admin@example.com', 'first.last+ci@sub.example.co.uk'])('accepts %s', (value) => {
    expect(isEmail(value)).toBe(true)
  })
  it.each(['admin', 'admin.example.com', 'admin@example', 'a b@example.com', '"admin@example.com"'])(
    'refuses %s',
    (value) => {
      expect(isEmail(value)).toBe(false)
    }
  )
})
