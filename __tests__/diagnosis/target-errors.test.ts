import { describe, expect, it } from '@jest/globals'
import { CloudflareError, type ApiMessage } from '../../src/cloudflare/errors.js'
import { diagnoseError } from '../../src/diagnosis/from-error.js'
import { classifyEnvironmentsError } from '../../src/diagnosis/target-errors.js'

const ZONE = 'f00d0000000000000000000000000004'
const REF = 'e0e00000000000000000000000000004'
const NO_ROUTE: ApiMessage[] = [
  { code: 7003, message: `Could not route to /zones/${ZONE}/invalidate_cache` },
  { code: 7000, message: 'No route for that URI' }
]

function apiError(status: number, errors: ApiMessage[], endpoint: string): CloudflareError {
  return new CloudflareError({ kind: 'api', endpoint, status, errors, message: errors[0]?.message ?? '' })
}
const purgeStage = { stage: 'purge' as const, zone: 'enterprise.example', verified: true, zoneReadable: true }

describe('diagnoseError on the invalidate and environment endpoints', () => {
  it('says invalidation is not available on a routing error, and suggests mode: purge', () => {
    for (const error of [
      apiError(404, NO_ROUTE, `POST /zones/${ZONE}/invalidate_cache`),
      apiError(
        404,
        [{ code: 7000, message: 'No route for that URI' }],
        `POST /zones/${ZONE}/invalidate_cache`
      ),
      apiError(404, [], `POST /zones/${ZONE}/environments/${REF}/invalidate_cache`)
    ]) {
      const finding = diagnoseError(error, purgeStage)
      expect(finding.id).toBe('invalidate-unavailable')
      expect(finding.message).toMatch(/zone enterprise\.example/)
      expect(finding.message).toMatch(/`mode: purge`/)
    }
  })

  it('explains 1136 and suggests tags, hosts or prefixes', () => {
    const error = apiError(
      400,
      [{ code: 1136, message: 'Invalidating by URL is not supported' }],
      `POST /zones/${ZONE}/environments/${REF}/invalidate_cache`
    )
    const finding = diagnoseError(error, { ...purgeStage, environment: 'Geo Canary' })
    expect(finding.id).toBe('invalidate-url-refused')
    expect(finding.message).toMatch(/environment Geo Canary of zone enterprise\.example \(code 1136\)/)
    expect(finding.message).toMatch(/IP address, country, ASN or threat score/)
    expect(finding.message).toMatch(/`tags`, `hosts` or `prefixes`/)
  })

  it('does not take a routing error on an environment purge for a bad zone ID', () => {
    const error = apiError(404, NO_ROUTE, `POST /zones/${ZONE}/environments/${REF}/purge_cache`)
    const finding = diagnoseError(error, purgeStage)
    expect(finding.id).toBe('purge-failed')
    expect(finding.message).toContain('No route for that URI')
  })

  it('leaves rate limits, permissions and the zone purge to the usual diagnoses', () => {
    const invalidate = `POST /zones/${ZONE}/invalidate_cache`
    const limited = apiError(429, [{ code: 971, message: 'Please wait' }], invalidate)
    expect(diagnoseError(limited, purgeStage).id).toBe('rate-limited')
    const refused = apiError(403, [{ code: 10000, message: 'Authentication error' }], invalidate)
    expect(diagnoseError(refused, purgeStage).id).toBe('purge-not-permitted')
    const zoneRoute = apiError(404, NO_ROUTE, `POST /zones/${ZONE}/purge_cache`)
    expect(diagnoseError(zoneRoute, purgeStage).id).toBe('zone-invalid-id')
  })
})

describe('classifyEnvironmentsError', () => {
  const listing = `GET /zones/${ZONE}/environments`
  it.each([
    ['a message about versioning', 400, [{ code: 1140, message: 'Zone versioning is not enabled' }]],
    ['a message about environments', 403, [{ code: 1, message: 'Environments are not available' }]],
    ['an entitlement refusal', 403, [{ code: 1, message: 'Not entitled to this feature' }]],
    ['a routing error', 404, NO_ROUTE],
    ['a bare 404', 404, []],
    ['another 4xx', 400, [{ code: 2, message: 'Bad request' }]]
  ])('takes %s for a zone without Version Management', (_name, status, errors) => {
    expect(classifyEnvironmentsError(apiError(status, errors, listing))).toBe('not-enabled')
  })

  it('takes an authentication refusal for a missing permission', () => {
    const error = apiError(403, [{ code: 10000, message: 'Authentication error' }], listing)
    expect(classifyEnvironmentsError(error)).toBe('not-readable')
  })

  it('leaves rate limits, IP filters, server errors and other failures alone', () => {
    expect(classifyEnvironmentsError(apiError(429, [{ code: 971, message: 'Please wait' }], listing))).toBe(
      undefined
    )
    expect(
      classifyEnvironmentsError(
        apiError(403, [{ code: 9109, message: 'Cannot use the access token' }], listing)
      )
    ).toBe(undefined)
    expect(classifyEnvironmentsError(apiError(500, [], listing))).toBe(undefined)
    expect(classifyEnvironmentsError(new Error('x'))).toBe(undefined)
    const network = new CloudflareError({ kind: 'network', endpoint: listing, message: 'reset' })
    expect(classifyEnvironmentsError(network)).toBe(undefined)
  })
})
