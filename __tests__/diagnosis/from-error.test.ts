import { describe, expect, it } from '@jest/globals'
import { ANSWER_TOO_LARGE, CloudflareError, type ApiMessage } from '../../src/cloudflare/errors.js'
import { describeWait } from '../../src/diagnosis/catalogue.js'
import { diagnoseError, type ErrorContext } from '../../src/diagnosis/from-error.js'

const ZONE_PATH = 'GET /zones/f00d0000000000000000000000000001'
const PURGE_PATH = 'POST /zones/f00d0000000000000000000000000001/purge_cache'

function apiError(
  status: number,
  errors: ApiMessage[],
  endpoint = ZONE_PATH,
  extra: { retryAfterMs?: number } = {}
): CloudflareError {
  return new CloudflareError({
    kind: 'api',
    endpoint,
    status,
    errors,
    message: errors[0]?.message ?? '',
    ...extra
  })
}

const AUTH_ERROR = [{ code: 10000, message: 'Authentication error' }]
const zone = (more: Partial<ErrorContext> = {}): ErrorContext => ({
  stage: 'zone',
  zone: 'example.com',
  ...more
})
const purge = (more: Partial<ErrorContext> = {}): ErrorContext => ({
  stage: 'purge',
  zone: 'example.com',
  ...more
})

describe('diagnoseError', () => {
  it('names anything that is not a Cloudflare answer as unexpected, in one line', () => {
    const finding = diagnoseError(new TypeError('x is not a function'), { stage: 'purge' })
    expect(finding.id).toBe('unexpected-error')
    expect(finding.message).toContain('x is not a function')
    expect(finding.message).toContain('not an answer from Cloudflare')
    expect(finding.message).not.toMatch(/\n\s+at /)
  })

  it('treats network failures, timeouts and non-JSON error pages as unreachable', () => {
    const refused = new CloudflareError({
      kind: 'network',
      endpoint: ZONE_PATH,
      message: 'the connection was refused'
    })
    refused.attempts = 4
    expect(diagnoseError(refused, zone())).toMatchObject({ id: 'network-error' })
    expect(diagnoseError(refused, zone()).message).toContain(
      `the connection was refused (${ZONE_PATH} after 4 attempts)`
    )
    const html = new CloudflareError({
      kind: 'invalid-response',
      endpoint: ZONE_PATH,
      status: 502,
      message: 'HTML'
    })
    expect(diagnoseError(html, zone()).id).toBe('network-error')
    const timeout = new CloudflareError({
      kind: 'timeout',
      endpoint: ZONE_PATH,
      message: 'no answer within 30 s'
    })
    expect(diagnoseError(timeout, zone()).id).toBe('network-error')
  })

  it('quotes a garbled success verbatim', () => {
    const garbled = new CloudflareError({
      kind: 'invalid-response',
      endpoint: PURGE_PATH,
      status: 200,
      message: 'the API reported success but its answer did not contain a purge ID'
    })
    expect(diagnoseError(garbled, { stage: 'zone' })).toMatchObject({ id: 'unreadable-answer' })
    expect(diagnoseError(garbled, { stage: 'zone' }).message).toContain('(HTTP 200 on POST /zones/')
  })

  describe('rate limits', () => {
    const limited = (retryAfterMs?: number): CloudflareError =>
      apiError(
        429,
        [{ code: 971, message: 'Please wait and consider throttling your request speed' }],
        PURGE_PATH,
        retryAfterMs === undefined ? {} : { retryAfterMs }
      )

    it('says how long Cloudflare asked to wait and which limit applies', () => {
      const finding = diagnoseError(limited(60_000), purge({ rateLimit: 'Free plan: 5 requests per minute' }))
      expect(finding.id).toBe('rate-limited')
      expect(finding.message).toContain('asked to wait 60 seconds')
      expect(finding.message).toContain('The limit that applies: Free plan: 5 requests per minute')
      expect(finding.message).toContain('Run again after that wait')
    })

    it('rounds a long wait to minutes and leaves out an unknown one', () => {
      expect(diagnoseError(limited(299_500), purge()).message).toContain('asked to wait about 5 minutes')
      const unknownWait = diagnoseError(limited(), purge()).message
      expect(unknownWait).not.toContain('asked to wait')
      expect(unknownWait).toContain('Run again later')
    })

    it('names the API-wide limit outside the purge', () => {
      const finding = diagnoseError(limited(5000), { stage: 'verify' })
      expect(finding.message).toContain('1,200 requests per 5 minutes')
      expect(finding.message).not.toContain('purge rate limit')
    })

    it('says so in words when Cloudflare asks to wait longer than the timeout leaves', () => {
      const error = limited(3_600_000)
      error.timeLeftMs = 125_000
      const message = diagnoseError(error, purge()).message
      expect(message).toContain('Cloudflare asks to wait 60 min; the timeout leaves 2 min')
      expect(message).toMatch(/^Cloudflare answered 429 "Please wait/)
      expect(message).not.toContain('kept answering')
    })

    it('says "kept answering" only after several answers', () => {
      const error = limited(1000)
      error.attempts = 4
      expect(diagnoseError(error, purge()).message).toMatch(
        /^Cloudflare kept answering 429 "Please wait and consider throttling your request speed" \(4 answers\)/
      )
      expect(diagnoseError(limited(1000), purge()).message).toMatch(/^Cloudflare answered 429/)
    })

    it('recognises the older code 10100 without a 429', () => {
      expect(diagnoseError(apiError(400, [{ code: 10100, message: 'slow down' }]), purge()).id).toBe(
        'rate-limited'
      )
    })
  })

  it('names an answer over 1 MiB as too large, not as a network failure', () => {
    const huge = new CloudflareError({
      kind: 'invalid-response',
      endpoint: PURGE_PATH,
      status: 200,
      code: ANSWER_TOO_LARGE,
      message:
        'the answer (HTTP 200) was larger than 1 MiB, far more than any answer of this API, so it was not read'
    })
    const finding = diagnoseError(huge, purge())
    expect(finding.id).toBe('unreadable-answer')
    expect(finding.message).toContain('larger than 1 MiB')
    expect(finding.message).not.toMatch(/Could not get an answer|api_url/)
  })

  it('names an item Cloudflare refused on its own, in its words', () => {
    const words = 'Unable to purge https://example.com/a b, which is an invalid URL.'
    const error = apiError(400, [{ code: 1016, message: words }], PURGE_PATH)
    const alone = diagnoseError(error, purge({ items: ['https://example.com/a b'] }))
    expect(alone.id).toBe('purge-item-refused')
    expect(alone.message).toContain(words)
    // In a request of several items, the same answer is a failure of the request.
    expect(
      diagnoseError(error, purge({ items: ['https://example.com/a b', 'https://example.com/c'] })).id
    ).toBe('purge-failed')
  })

  it('quotes a malformed credential header with its chain', () => {
    const error = apiError(
      400,
      [
        {
          code: 6003,
          message: 'Invalid request headers',
          error_chain: [{ code: 6111, message: 'Invalid format for Authorization header' }]
        }
      ],
      'GET /user/tokens/verify'
    )
    const finding = diagnoseError(error, { stage: 'verify' })
    expect(finding.id).toBe('bad-auth-header')
    expect(finding.message).toContain(
      '6003 Invalid request headers; 6111 Invalid format for Authorization header (HTTP 400 on GET /user/tokens/verify)'
    )
  })

  it('maps 9103 to an email and key that do not belong together', () => {
    const error = apiError(403, [{ code: 9103, message: 'Unknown X-Auth-Key or X-Auth-Email' }], 'GET /user')
    expect(diagnoseError(error, { stage: 'verify' }).id).toBe('global-key-unknown')
  })

  it('reads 9109 as an IP filter once the token verified, and as an invalid token before', () => {
    const error = apiError(403, [{ code: 9109, message: 'Invalid access token' }], PURGE_PATH)
    expect(diagnoseError(error, { stage: 'verify' }).id).toBe('token-invalid')
    expect(diagnoseError(error, zone()).id).toBe('token-ip-restricted')
    const onPurge = diagnoseError(error, purge({ verified: true }))
    expect(onPurge.id).toBe('token-ip-restricted')
    expect(onPurge.message).toContain('9109 Invalid access token (HTTP 403 on POST /zones/')
    expect(onPurge.message).toMatch(/GitHub-hosted runners change address/)
  })

  it('maps 7003 on a zone to an unknown zone ID, but not at verify', () => {
    const error = apiError(404, [
      { code: 7003, message: 'Could not route to /zones/x, perhaps your object identifier is invalid?' },
      { code: 7000, message: 'No route for that URI' }
    ])
    expect(diagnoseError(error, zone()).id).toBe('zone-invalid-id')
    expect(diagnoseError(error, { stage: 'verify' }).id).toBe('cloudflare-error')
  })

  it('tells a missing purge permission from a zone out of reach by whether the zone was read', () => {
    const error = apiError(403, AUTH_ERROR, PURGE_PATH)
    const notPermitted = diagnoseError(error, purge({ verified: true, zoneReadable: true }))
    expect(notPermitted.id).toBe('purge-not-permitted')
    expect(notPermitted.message).toContain('Zone → Cache Purge → Purge')
    const notVisible = diagnoseError(error, purge({ verified: true, zoneReadable: false }))
    expect(notVisible.id).toBe('zone-not-visible')
    expect(notVisible.message).toContain("token's Zone Resources do not include this zone")
    expect(diagnoseError(apiError(403, AUTH_ERROR), zone()).id).toBe('zone-not-visible')
  })

  it('maps 1000, and a bare 401 at verify, to an unknown token', () => {
    expect(
      diagnoseError(apiError(401, [{ code: 1000, message: 'Invalid API Token' }]), { stage: 'verify' }).id
    ).toBe('token-invalid')
    expect(diagnoseError(apiError(401, []), { stage: 'verify' }).id).toBe('token-invalid')
  })

  it('quotes anything else verbatim with the HTTP status and the endpoint', () => {
    const error = apiError(
      400,
      [{ code: 1234, message: 'Something new', error_chain: [{ code: 5678, message: 'The reason' }] }],
      PURGE_PATH
    )
    const onPurge = diagnoseError(error, purge({ verified: true, zoneReadable: true }))
    expect(onPurge.id).toBe('purge-failed')
    expect(onPurge.message).toBe(
      `Cloudflare refused the purge: 1234 Something new; 5678 The reason (HTTP 400 on ${PURGE_PATH}).`
    )
    const elsewhere = diagnoseError(apiError(500, [{ code: 1234, message: 'Something new' }], 'GET /user'), {
      stage: 'verify'
    })
    expect(elsewhere.id).toBe('cloudflare-error')
    expect(elsewhere.message).toContain('1234 Something new (HTTP 500 on GET /user)')
  })
})

describe('describeWait', () => {
  it.each([
    [1, '1 second'],
    [45, '45 seconds'],
    [119, '119 seconds'],
    [120, 'about 2 minutes'],
    [300, 'about 5 minutes']
  ])('%i s → %s', (seconds, words) => {
    expect(describeWait(seconds)).toBe(words)
  })
})
