import { describe, expect, it } from '@jest/globals'
import type { CloudflareApi, TokenStatus } from '../../src/cloudflare/api.js'
import { CloudflareError } from '../../src/cloudflare/errors.js'
import { checkTokenStatus, verifyCredential } from '../../src/access/credential-verifier.js'
import { DiagnosedFailure } from '../../src/diagnosis/failure.js'

const NOW = new Date('2026-06-01T12:00:00Z')
const ACCOUNT = 'acc00000000000000000000000000001'
const LEGACY_TOKEN = 'FAKEuserTokenAllPerms0000000000000000001'
const USER_TOKEN = `cfut_${'A1'.repeat(20)}deadbeef`
const ACCOUNT_TOKEN = `cfat_${'B2'.repeat(20)}c0ffee00`

const invalidApiToken = (endpoint: string): CloudflareError =>
  new CloudflareError({
    kind: 'api',
    endpoint,
    status: 401,
    errors: [{ code: 1000, message: 'Invalid API Token' }],
    message: 'Invalid API Token'
  })

/** A stand-in for the API: the user endpoint never knows the token; the account one answers `account`. */
function fakeApi(account: TokenStatus | 'unknown'): { api: CloudflareApi; calls: string[] } {
  const calls: string[] = []
  const api = {
    verifyUserToken: async () => {
      calls.push('user')
      throw invalidApiToken('GET /user/tokens/verify')
    },
    verifyAccountToken: async (id: string) => {
      calls.push(`account ${id}`)
      if (account === 'unknown') throw invalidApiToken(`GET /accounts/${id}/tokens/verify`)
      return account
    }
  } as unknown as CloudflareApi
  return { api, calls }
}

async function failureOf(promise: Promise<unknown>): Promise<{ id: string; message: string }> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(DiagnosedFailure)
    const finding = (error as DiagnosedFailure).findings[0]!
    return { id: finding.id, message: finding.message }
  }
  throw new Error('expected a failure')
}

describe('checkTokenStatus', () => {
  it('passes an active token with nothing to say', () => {
    expect(checkTokenStatus({ status: 'active' }, NOW)).toEqual([])
    expect(checkTokenStatus({ status: 'active', expiresOn: '2026-07-01T00:00:00Z' }, NOW)).toEqual([])
    expect(checkTokenStatus({ status: 'active', expiresOn: 'not a date' }, NOW)).toEqual([])
  })

  it('refuses a disabled token', () => {
    expect(() => checkTokenStatus({ status: 'disabled' }, NOW)).toThrow(/This API token is disabled/)
  })

  it('refuses a token Cloudflare calls expired, with the date', () => {
    expect(() => checkTokenStatus({ status: 'expired', expiresOn: '2024-01-01T00:00:00Z' }, NOW)).toThrow(
      /expired on 2024-01-01/
    )
    expect(() => checkTokenStatus({ status: 'expired' }, NOW)).toThrow(/This API token expired\./)
  })

  it("trusts Cloudflare's active over a past expires_on, with a warning that names the date", () => {
    // The official API schema's own example answers exactly this.
    const notes = checkTokenStatus({ status: 'active', expiresOn: '2020-01-01T00:00:00Z' }, NOW)
    expect(notes.map((n) => [n.id, n.severity])).toEqual([['token-expiry-passed', 'warning']])
    expect(notes[0]?.message).toMatch(
      /active, but its expiry date, 2020-01-01, has passed by this runner's clock/
    )
  })

  it('refuses a token that is not valid yet, with the moment it becomes valid', () => {
    expect(() => checkTokenStatus({ status: 'active', notBefore: '2027-01-01T00:00:00Z' }, NOW)).toThrow(
      /only becomes valid on 2027-01-01 00:00 UTC/
    )
  })

  it('warns two weeks ahead of expiry, with the date', () => {
    const notes = checkTokenStatus({ status: 'active', expiresOn: '2026-06-04T12:00:00Z' }, NOW)
    expect(notes.map((n) => [n.id, n.severity])).toEqual([['token-expiring', 'warning']])
    expect(notes[0]?.message).toContain('expires on 2026-06-04 (in 3 days)')
    expect(
      checkTokenStatus({ status: 'active', expiresOn: '2026-06-14T12:00:00Z' }, NOW)[0]?.message
    ).toContain('expires on 2026-06-14 (in 13 days)')
    expect(checkTokenStatus({ status: 'active', expiresOn: '2026-06-15T12:00:01Z' }, NOW)).toEqual([])
  })

  it('refuses a status it does not know', () => {
    expect(() => checkTokenStatus({ status: 'suspended' }, NOW)).toThrow(/This API token is suspended/)
  })
})

describe('verifyCredential for a token the user endpoint does not know', () => {
  const noZoneAccount = async (): Promise<undefined> => undefined

  it('calls a cfut_ user token invalid without asking an account', async () => {
    const { api, calls } = fakeApi({ status: 'active' })
    const failure = await failureOf(
      verifyCredential(api, { kind: 'token', token: USER_TOKEN }, { zoneAccountId: noZoneAccount, now: NOW })
    )
    expect(failure.id).toBe('token-invalid')
    expect(failure.message).not.toContain('account_id')
    expect(calls).toEqual(['user'])
  })

  it('asks for account_id for a cfat_ token whose account is unknown', async () => {
    const { api } = fakeApi({ status: 'active' })
    const failure = await failureOf(
      verifyCredential(
        api,
        { kind: 'token', token: ACCOUNT_TOKEN },
        { zoneAccountId: noZoneAccount, now: NOW }
      )
    )
    expect(failure.id).toBe('account-token-no-account')
  })

  it('calls a legacy token invalid, mentioning account_id as a possibility', async () => {
    const { api } = fakeApi({ status: 'active' })
    const failure = await failureOf(
      verifyCredential(
        api,
        { kind: 'token', token: LEGACY_TOKEN },
        { zoneAccountId: noZoneAccount, now: NOW }
      )
    )
    expect(failure.id).toBe('token-invalid')
    expect(failure.message).toContain('set `account_id`')
  })

  it("verifies under the zone's account when there is one", async () => {
    const { api, calls } = fakeApi({ status: 'active', id: 'tok' })
    const verification = await verifyCredential(
      api,
      { kind: 'token', token: ACCOUNT_TOKEN },
      { zoneAccountId: async () => ACCOUNT, now: NOW }
    )
    expect(verification).toEqual({ owner: 'account', tokenId: 'tok', notes: [] })
    expect(calls).toEqual(['user', `account ${ACCOUNT}`])
  })

  it('names the account when the token is unknown there too', async () => {
    const { api } = fakeApi('unknown')
    const failure = await failureOf(
      verifyCredential(
        api,
        { kind: 'token', token: LEGACY_TOKEN },
        { accountId: ACCOUNT, zoneAccountId: noZoneAccount, now: NOW }
      )
    )
    expect(failure.id).toBe('token-invalid')
    expect(failure.message).toContain(`under account ${ACCOUNT}`)
  })

  it('applies the token states to an account-owned token too', async () => {
    const { api } = fakeApi({ status: 'disabled' })
    const failure = await failureOf(
      verifyCredential(
        api,
        { kind: 'token', token: ACCOUNT_TOKEN },
        { accountId: ACCOUNT, zoneAccountId: noZoneAccount, now: NOW }
      )
    )
    expect(failure.id).toBe('token-inactive')
  })
})

describe('an api_url without a route for verification', () => {
  const noRoute = new CloudflareError({
    kind: 'api',
    endpoint: 'GET /user/tokens/verify',
    status: 404,
    errors: [{ code: 7000, message: 'No route for that URI' }],
    message: 'No route for that URI'
  })
  const api = {
    verifyUserToken: async () => {
      throw noRoute
    },
    getUser: async () => {
      throw noRoute
    }
  } as unknown as CloudflareApi

  it('says that api_url is wrong, for a token and for a Global API Key', async () => {
    const options = { zoneAccountId: async () => undefined, apiUrl: 'https://api.cloudflare.com' }
    for (const credential of [
      { kind: 'token' as const, token: LEGACY_TOKEN },
      { kind: 'global-key' as const, email: 'a@example.com', key: 'c0ffee'.repeat(6) + 'c' }
    ]) {
      const { id, message } = await failureOf(verifyCredential(api, credential, options))
      expect(id).toBe('api-url-wrong')
      expect(message).toContain('`api_url` is https://api.cloudflare.com')
      expect(message).toContain('`/client/v4`')
    }
  })
})
