import { describe, expect, it } from '@jest/globals'
import {
  findEnvironment,
  isProduction,
  productionEverythingNote,
  resolveEnvironments,
  type EnvironmentApi,
  type EnvironmentZone
} from '../../src/access/environments.js'
import { CloudflareError, type ApiMessage } from '../../src/cloudflare/errors.js'
import { DiagnosedFailure } from '../../src/diagnosis/failure.js'
import type { Environment } from '../../src/types.js'

const PRODUCTION = { name: 'Production', ref: 'e0e00000000000000000000000000001' }
const STAGING = { name: 'Staging', ref: 'e0e00000000000000000000000000002' }
const DEVELOPMENT = { name: 'Development', ref: '49f0bad299687c62334182178bfd' }
const LIST = [PRODUCTION, STAGING, DEVELOPMENT]

const zone = (n: number, name?: string): EnvironmentZone => ({
  zone: { id: `f00d000000000000000000000000000${n}`, ...(name ? { name } : {}) },
  label: name ?? `f00d000000000000000000000000000${n}`
})

function apiError(status: number, errors: ApiMessage[], zoneId = 'f00d0000000000000000000000000001') {
  return new CloudflareError({
    kind: 'api',
    endpoint: `GET /zones/${zoneId}/environments`,
    status,
    errors,
    message: errors[0]?.message ?? ''
  })
}

/** Answers each zone from the table: a list, or an error to throw. */
function fakeApi(answers: Record<string, Environment[] | Error>): EnvironmentApi & { calls: string[] } {
  const calls: string[] = []
  return {
    calls,
    async listEnvironments(zoneId) {
      calls.push(zoneId)
      const answer = answers[zoneId]
      if (answer instanceof Error) throw answer
      return answer ?? []
    }
  }
}

async function failure(promise: Promise<unknown>): Promise<DiagnosedFailure> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e
  )
  expect(error).toBeInstanceOf(DiagnosedFailure)
  return error as DiagnosedFailure
}

describe('findEnvironment', () => {
  it('matches a name in any case, and a ref', () => {
    expect(findEnvironment(LIST, 'staging').environment).toBe(STAGING)
    expect(findEnvironment(LIST, 'PRODUCTION').environment).toBe(PRODUCTION)
    expect(findEnvironment(LIST, DEVELOPMENT.ref).environment).toBe(DEVELOPMENT)
    expect(findEnvironment(LIST, STAGING.ref.toUpperCase()).environment).toBe(STAGING)
    expect(findEnvironment(LIST, 'qa')).toEqual({})
    expect(findEnvironment([], 'Staging')).toEqual({})
  })

  it('prefers a ref; names that differ only in case are ambiguous, whichever spelling is written', () => {
    const named = { name: PRODUCTION.ref, ref: 'aa' }
    expect(findEnvironment([named, PRODUCTION], PRODUCTION.ref).environment).toBe(PRODUCTION)
    const lower = { name: 'staging', ref: 'bb' }
    for (const wanted of ['Staging', 'staging', 'STAGING'])
      expect(findEnvironment([lower, STAGING], wanted)).toEqual({ ambiguous: [lower, STAGING] })
    expect(findEnvironment([lower, STAGING], 'bb').environment).toBe(lower)
  })

  it('refuses an ambiguous name in resolveEnvironments, listing both refs', async () => {
    const lower = { name: 'staging', ref: 'bb' }
    const error = await failure(
      resolveEnvironments(
        { listEnvironments: async () => [lower, STAGING] },
        [{ zone: { id: 'z', name: 'example.com' }, label: 'example.com' }],
        'Staging'
      )
    )
    expect(error.findings.map((f) => f.id)).toEqual(['environment-ambiguous'])
    expect(error.findings[0]?.message).toContain(`staging (ref bb) and Staging (ref ${STAGING.ref})`)
  })
})

describe('Production', () => {
  it('is the environment named Production, in any case', () => {
    expect(isProduction(PRODUCTION)).toBe(true)
    expect(isProduction({ name: 'production', ref: 'x' })).toBe(true)
    expect(isProduction(STAGING)).toBe(false)
  })

  it('gets a log line only for purging everything on it', () => {
    const note = productionEverythingNote(PRODUCTION, 'example.com', { everything: true, mode: 'purge' })
    expect(note).toMatch(/clears the cache of every environment of example\.com/)
    expect(productionEverythingNote(PRODUCTION, 'x', { everything: false, mode: 'purge' })).toBeUndefined()
    expect(productionEverythingNote(STAGING, 'x', { everything: true, mode: 'purge' })).toBeUndefined()
    expect(
      productionEverythingNote(PRODUCTION, 'x', { everything: true, mode: 'invalidate' })
    ).toBeUndefined()
  })
})

describe('resolveEnvironments', () => {
  it('looks in each zone once and keys what it finds by zone ID', async () => {
    const a = zone(1, 'example.com')
    const b = zone(2, 'example.net')
    const otherStaging = { name: 'staging', ref: 'e0e00000000000000000000000000009' }
    const api = fakeApi({ [a.zone.id]: LIST, [b.zone.id]: [otherStaging] })
    const found = await resolveEnvironments(api, [a, b], 'Staging')
    expect([...found]).toEqual([
      [a.zone.id, STAGING],
      [b.zone.id, otherStaging]
    ])
    expect(api.calls).toEqual([a.zone.id, b.zone.id])
  })

  it('lists the names of the zone when none matches', async () => {
    const a = zone(1, 'example.com')
    const { findings } = await failure(resolveEnvironments(fakeApi({ [a.zone.id]: LIST }), [a], 'QA'))
    expect(findings.map((f) => f.id)).toEqual(['environment-unknown'])
    expect(findings[0]!.message).toContain('Zone example.com has no environment named "QA"')
    expect(findings[0]!.message).toContain('"Production", "Staging" and "Development"')
  })

  it('names every zone without Version Management in one error, whatever form the answer takes', async () => {
    const zones = [zone(1, 'a.example'), zone(2, 'b.example'), zone(3, 'c.example'), zone(4, 'd.example')]
    const api = fakeApi({
      [zones[0]!.zone.id]: apiError(400, [{ code: 1140, message: 'Zone versioning is not enabled' }]),
      [zones[1]!.zone.id]: apiError(404, [
        { code: 7003, message: 'Could not route to /zones/x/environments' },
        { code: 7000, message: 'No route for that URI' }
      ]),
      [zones[2]!.zone.id]: [],
      [zones[3]!.zone.id]: LIST
    })
    const { findings } = await failure(resolveEnvironments(api, zones, 'Staging'))
    expect(findings.map((f) => f.id)).toEqual(['environments-not-enabled'])
    expect(findings[0]!.message).toMatch(
      /^Zones a\.example, b\.example and c\.example do not use Version Management/
    )
    expect(findings[0]!.message).toMatch(/Enterprise feature/)
    expect(findings[0]!.message).toMatch(/Enable versioning/)
    expect(findings[0]!.message).toMatch(/1140 Zone versioning is not enabled/)
    expect(findings[0]!.message).toMatch(/it lists no environments/)
  })

  it('says the token lacks Zone Versioning Read when the listing is refused', async () => {
    const a = zone(1, 'example.com')
    const api = fakeApi({ [a.zone.id]: apiError(403, [{ code: 10000, message: 'Authentication error' }]) })
    const { findings } = await failure(resolveEnvironments(api, [a], 'Staging'))
    expect(findings.map((f) => f.id)).toEqual(['environments-not-readable'])
    expect(findings[0]!.message).toMatch(/Zone → Zone Versioning → Read/)
    expect(findings[0]!.message).toMatch(/"Staging" cannot be looked up/)
  })

  it('reports every kind of problem together, each zone by its name', async () => {
    const zones = [zone(1, 'a.example'), zone(2, 'b.example'), zone(3)]
    const api = fakeApi({
      [zones[0]!.zone.id]: apiError(403, [{ code: 10000, message: 'Authentication error' }]),
      [zones[1]!.zone.id]: [PRODUCTION],
      [zones[2]!.zone.id]: []
    })
    const { findings } = await failure(resolveEnvironments(api, zones, 'Staging'))
    expect(findings.map((f) => f.id)).toEqual([
      'environments-not-enabled',
      'environments-not-readable',
      'environment-unknown'
    ])
    expect(findings[0]!.message).toContain(zones[2]!.zone.id)
    expect(findings[1]!.message).toContain('a.example')
    expect(findings[2]!.message).toContain('b.example')
  })

  it('diagnoses other failures as usual (an IP filter is not about environments)', async () => {
    const a = zone(1, 'example.com')
    const api = fakeApi({
      [a.zone.id]: apiError(403, [{ code: 9109, message: 'Cannot use the access token from location' }])
    })
    const { findings } = await failure(resolveEnvironments(api, [a], 'Staging'))
    expect(findings.map((f) => f.id)).toEqual(['token-ip-restricted'])
  })
})
