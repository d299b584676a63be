// Property tests: whatever JSON an API answers with, the client returns well-formed values or throws its
// own CloudflareError (which the action explains), never a TypeError from a field that was not there.
import { describe, it } from '@jest/globals'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { CloudflareApi } from '../../src/cloudflare/api.js'
import { CloudflareError } from '../../src/cloudflare/errors.js'
import type { CloudflareHttpClient } from '../../src/cloudflare/http-client.js'

const RUNS = 3000
const HEX32 = /^[0-9a-f]{32}$/
const ID = 'f00d0000000000000000000000000001'

/** A result of any shape, and results shaped almost like Cloudflare's. */
const result = fc.oneof(
  fc.anything(),
  fc.record(
    {
      id: fc.oneof(fc.constant(ID), fc.string(), fc.integer(), fc.constant(null)),
      name: fc.oneof(fc.string(), fc.integer()),
      status: fc.oneof(fc.constantFrom('active', 'disabled', 'expired'), fc.anything()),
      expires_on: fc.oneof(fc.string(), fc.integer()),
      plan: fc.oneof(
        fc.record({ legacy_id: fc.oneof(fc.constantFrom('free', 'pro', 'enterprise'), fc.anything()) }),
        fc.anything()
      ),
      account: fc.oneof(fc.record({ id: fc.oneof(fc.constant(ID), fc.string()) }), fc.anything())
    },
    { requiredKeys: [] }
  )
)

function apiAnswering(value: unknown): CloudflareApi {
  const http = {
    call: async () => ({ result: value, messages: [], status: 200 })
  } as unknown as CloudflareHttpClient
  return new CloudflareApi(http)
}

async function outcome<T>(call: () => Promise<T>): Promise<T | CloudflareError> {
  try {
    return await call()
  } catch (error) {
    assert.ok(error instanceof CloudflareError, `threw ${String(error)}`)
    return error
  }
}

describe('hostile API answers', () => {
  it('become checked values or a CloudflareError', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(result, fc.array(result, { maxLength: 3 })), async (value) => {
        const api = apiAnswering(value)
        const zone = await outcome(() => api.getZone(ID))
        if (!(zone instanceof CloudflareError)) {
          assert.match(zone.id, HEX32)
          if (zone.accountId !== undefined) assert.match(zone.accountId, HEX32)
          if (zone.plan !== undefined)
            assert.ok(['free', 'pro', 'business', 'enterprise'].includes(zone.plan))
        }
        const zones = await outcome(() => api.findZonesByName('example.com'))
        if (!(zones instanceof CloudflareError)) for (const z of zones) assert.match(z.id, HEX32)
        const status = await outcome(() => api.verifyUserToken())
        if (!(status instanceof CloudflareError)) assert.equal(typeof status.status, 'string')
        const purgeId = await outcome(() => api.clearCache(ID, { purge_everything: true }, { mode: 'purge' }))
        if (!(purgeId instanceof CloudflareError)) assert.equal(typeof purgeId, 'string')
        await outcome(() => api.getAccount(ID))
      }),
      { numRuns: RUNS }
    )
  })
})
