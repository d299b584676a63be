// The credential and the zones checked side by side: which failure is the verdict, and that it ends the
// other side at once (against a fake API whose calls wait until told, or until cancelled).
import { describe, expect, it } from '@jest/globals'
import { checkAccess as check } from '../../src/access/check-access.js'
import type { CloudflareApi, TokenStatus } from '../../src/cloudflare/api.js'
import { CancelledError, CloudflareError } from '../../src/cloudflare/errors.js'
import { sleep } from '../../src/cloudflare/http-client.js'
import { DiagnosedFailure } from '../../src/diagnosis/failure.js'
import type { PurgeRequest, ResolvedZone } from '../../src/types.js'

const ZONE: ResolvedZone = { id: 'a'.repeat(32), name: 'example.com', plan: 'free' }
const TOKEN = 'FAKEuserTokenAllPerms0000000000000000001'
const LONG = 60_000

type Answer<T> = { after: number; value?: T; error?: unknown }

/** Each call answers after a delay, or is cancelled by the signal of the view it was made through. */
function fakeApi(answers: { verify: Answer<TokenStatus>; zone: Answer<ResolvedZone> }): {
  api: CloudflareApi
  cancelled: string[]
} {
  const cancelled: string[] = []
  const answer = async <T>(name: string, a: Answer<T>, signal?: AbortSignal): Promise<T> => {
    try {
      await sleep(a.after, signal)
    } catch (error) {
      cancelled.push(name)
      throw error
    }
    if (a.error) throw a.error
    return a.value as T
  }
  const make = (signal?: AbortSignal): CloudflareApi =>
    ({
      withSignal: (s: AbortSignal) => make(signal ? AbortSignal.any([signal, s]) : s),
      verifyUserToken: () => answer('verify', answers.verify, signal),
      getZone: () => answer('zone', answers.zone, signal),
      getAccount: () => Promise.reject(new Error('not an account'))
    }) as unknown as CloudflareApi
  return { api: make(), cancelled }
}

const refusal = (status: number, code: number, message: string): CloudflareError =>
  new CloudflareError({ kind: 'api', endpoint: 'GET /x', status, errors: [{ code, message }], message })

const PURGE: PurgeRequest = { everything: false, files: [], tags: ['t'], hosts: [], prefixes: [] }
const checkAccess = (api: CloudflareApi, settings: typeof request): ReturnType<typeof check> =>
  check(api, settings, PURGE, () => undefined)

const request = {
  zones: [{ kind: 'id' as const, id: ZONE.id }],
  credential: { kind: 'token' as const, token: TOKEN }
}

async function verdict(promise: Promise<unknown>): Promise<string[]> {
  const error = await promise.catch((e: unknown) => e)
  expect(error).toBeInstanceOf(DiagnosedFailure)
  return (error as DiagnosedFailure).findings.map((f) => f.id)
}

describe('checkAccess', () => {
  it('returns both when both succeed', async () => {
    const { api } = fakeApi({
      verify: { after: 1, value: { status: 'active', id: 't' } },
      zone: { after: 1, value: ZONE }
    })
    const access = await checkAccess(api, request)
    expect(access.verification.owner).toBe('user')
    expect(access.zones.map((z) => z.zone.id)).toEqual([ZONE.id])
  })

  it('ends the zone lookups as soon as the credential is refused', async () => {
    const { api, cancelled } = fakeApi({
      verify: { after: 1, value: { status: 'disabled' } },
      zone: { after: LONG, value: ZONE }
    })
    const started = Date.now()
    expect(await verdict(checkAccess(api, request))).toEqual(['token-inactive'])
    expect(Date.now() - started).toBeLessThan(1000)
    expect(cancelled).toEqual(['zone'])
  })

  it('ends the verification when a zone failure has nothing to do with the credential', async () => {
    const unreachable = new CloudflareError({
      kind: 'network',
      endpoint: 'GET /zones/x',
      message: 'the connection was reset'
    })
    const { api, cancelled } = fakeApi({
      verify: { after: LONG, value: { status: 'active' } },
      zone: { after: 1, error: unreachable }
    })
    const started = Date.now()
    expect(await verdict(checkAccess(api, request))).toEqual(['network-error'])
    expect(Date.now() - started).toBeLessThan(1000)
    expect(cancelled).toEqual(['verify'])
  })

  it('waits for the credential when it explains the zone failure better (9109)', async () => {
    const { api, cancelled } = fakeApi({
      verify: { after: 30, value: { status: 'expired', expiresOn: '2024-01-01T00:00:00Z' } },
      zone: { after: 1, error: refusal(403, 9109, 'Invalid access token') }
    })
    expect(await verdict(checkAccess(api, request))).toEqual(['token-inactive'])
    expect(cancelled).toEqual([])
  })

  it('reports the zone failure when the credential turns out fine', async () => {
    const { api } = fakeApi({
      verify: { after: 30, value: { status: 'active' } },
      zone: { after: 1, error: refusal(403, 9109, 'Cannot use the access token from location: 203.0.113.7') }
    })
    expect(await verdict(checkAccess(api, request))).toEqual(['token-ip-restricted'])
  })

  it('never reports a cancellation as the verdict', async () => {
    const { api } = fakeApi({
      verify: { after: LONG, value: { status: 'active' } },
      zone: { after: 1, error: new Error('boom') }
    })
    const error = await checkAccess(api, request).catch((e: unknown) => e)
    expect(error).not.toBeInstanceOf(CancelledError)
    expect((error as DiagnosedFailure).findings[0]?.message).toContain('boom')
  })
})
