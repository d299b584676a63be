// The transport's retry and timeout decisions, with plain values.
import { describe, expect, it } from '@jest/globals'
import { CloudflareError } from '../../src/cloudflare/errors.js'
import { attemptTimeoutFor, isRetryable } from '../../src/cloudflare/http-client.js'

describe('attemptTimeoutFor', () => {
  it.each([
    [300_000, 30_000],
    [60_000, 30_000],
    [20_000, 10_000],
    [10_000, 5_000],
    [6_000, 5_000],
    [3_000, 3_000],
    [500, 500],
    [59_999, 29_999],
    [12_345.5, 6_172]
  ])('gives an attempt of a run with %i ms %i ms', (total, attempt) => {
    expect(attemptTimeoutFor(total)).toBe(attempt)
    expect(Number.isInteger(attemptTimeoutFor(total))).toBe(true)
  })
})

describe('isRetryable', () => {
  const network = (code: string): CloudflareError =>
    new CloudflareError({ kind: 'network', endpoint: 'GET /x', message: code, code })

  it('does not retry a name that does not resolve, but does a temporary DNS failure', () => {
    expect(isRetryable(network('ENOTFOUND'))).toBe(false)
    expect(isRetryable(network('EAI_AGAIN'))).toBe(true)
    expect(isRetryable(network('ECONNRESET'))).toBe(true)
  })

  it('does not retry a request that Node or undici refused to send', () => {
    expect(isRetryable(network('ERR_OUT_OF_RANGE'))).toBe(false)
    expect(isRetryable(network('UND_ERR_INVALID_ARG'))).toBe(false)
  })

  it('retries 429, 5xx and garbled 2xx answers, not redirects or refusals', () => {
    const answer = (status: number, kind: 'api' | 'invalid-response'): CloudflareError =>
      new CloudflareError({ kind, endpoint: 'GET /x', message: 'm', status })
    expect(isRetryable(answer(429, 'api'))).toBe(true)
    expect(isRetryable(answer(503, 'invalid-response'))).toBe(true)
    expect(isRetryable(answer(200, 'invalid-response'))).toBe(true)
    expect(isRetryable(answer(302, 'invalid-response'))).toBe(false)
    expect(isRetryable(answer(403, 'api'))).toBe(false)
  })
})
