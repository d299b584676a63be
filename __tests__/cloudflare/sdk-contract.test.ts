// A contract with Cloudflare's own TypeScript SDK (the `cloudflare` package, a devDependency only: nothing
// of it ships in dist/). Our request bodies `satisfies` its purge parameters and the answers our parsers
// read are written as its response types, so that `npm run typecheck` fails when the SDK, generated from
// Cloudflare's API schema, drifts from what the action sends and reads.
import { afterEach, describe, expect, it } from '@jest/globals'
import type { TokenVerifyResponse as AccountTokenVerifyResponse } from 'cloudflare/resources/accounts/tokens/tokens'
import type {
  CacheInvalidateEnvironmentParams,
  CacheInvalidateParams,
  CachePurgeEnvironmentParams,
  CachePurgeParams,
  CachePurgeResponse
} from 'cloudflare/resources/cache/cache'
import type { TokenVerifyResponse } from 'cloudflare/resources/user/tokens/tokens'
import type { EnvironmentListResponse } from 'cloudflare/resources/zones/environments'
import type { Zone } from 'cloudflare/resources/zones/zones'
import { MockAgent } from 'undici'
import { CloudflareApi, type PurgeBody } from '../../src/cloudflare/api.js'
import { CloudflareHttpClient } from '../../src/cloudflare/http-client.js'
import { toPurgeBody, type Batch } from '../../src/purge/planner.js'

const ZONE = 'f00d0000000000000000000000000001'
const ACCOUNT = 'acc00000000000000000000000000001'
const ORIGIN = 'https://api.cloudflare.test'

// ── Request bodies ─────────────────────────────────────────────────────────────────────────────────
// Each kind of body, as our type declares it, put into a fresh object literal: the SDK's parameters
// take it, or this file does not compile.
type BodyWith<K extends string> = Extract<PurgeBody, Record<K, unknown>>
const withZone = {
  everything: (b: BodyWith<'purge_everything'>) =>
    ({ zone_id: ZONE, purge_everything: b.purge_everything }) satisfies CachePurgeParams,
  files: (b: BodyWith<'files'>) => ({ zone_id: ZONE, files: b.files }) satisfies CachePurgeParams,
  tags: (b: BodyWith<'tags'>) => ({ zone_id: ZONE, tags: b.tags }) satisfies CachePurgeParams,
  hosts: (b: BodyWith<'hosts'>) => ({ zone_id: ZONE, hosts: b.hosts }) satisfies CachePurgeParams,
  prefixes: (b: BodyWith<'prefixes'>) => ({ zone_id: ZONE, prefixes: b.prefixes }) satisfies CachePurgeParams
}
// The same bodies go to invalidate_cache and to the environment endpoints (src/cloudflare/api.ts).
const elsewhere = {
  invalidate: (b: BodyWith<'files'>, t: BodyWith<'tags'>, e: BodyWith<'purge_everything'>) => [
    { zone_id: ZONE, files: b.files } satisfies CacheInvalidateParams,
    { zone_id: ZONE, tags: t.tags } satisfies CacheInvalidateParams,
    { zone_id: ZONE, purge_everything: e.purge_everything } satisfies CacheInvalidateParams
  ],
  environment: (b: BodyWith<'files'>, h: BodyWith<'hosts'>, p: BodyWith<'prefixes'>) => [
    { zone_id: ZONE, files: b.files } satisfies CachePurgeEnvironmentParams,
    { zone_id: ZONE, hosts: h.hosts } satisfies CachePurgeEnvironmentParams,
    { zone_id: ZONE, prefixes: p.prefixes } satisfies CacheInvalidateEnvironmentParams
  ]
}

describe('purge bodies, held to the SDK', () => {
  const cases: Array<[string, Batch, CachePurgeParams]> = [
    [
      'plain URLs',
      { zoneId: ZONE, type: 'files', items: [{ url: 'https://example.com/a' }, 'https://example.com/b'] },
      { zone_id: ZONE, files: ['https://example.com/a', 'https://example.com/b'] } satisfies CachePurgeParams
    ],
    [
      'URLs with the headers of their cache key',
      {
        zoneId: ZONE,
        type: 'files',
        items: [
          { url: 'https://example.com/a', headers: { 'CF-Device-Type': 'mobile', 'CF-IPCountry': 'US' } }
        ]
      },
      {
        zone_id: ZONE,
        files: [
          { url: 'https://example.com/a', headers: { 'CF-Device-Type': 'mobile', 'CF-IPCountry': 'US' } }
        ]
      } satisfies CachePurgeParams
    ],
    [
      'tags',
      { zoneId: ZONE, type: 'tags', items: ['release-42'] },
      { zone_id: ZONE, tags: ['release-42'] } satisfies CachePurgeParams
    ],
    [
      'hosts',
      { zoneId: ZONE, type: 'hosts', items: ['www.example.com'] },
      { zone_id: ZONE, hosts: ['www.example.com'] } satisfies CachePurgeParams
    ],
    [
      'prefixes',
      { zoneId: ZONE, type: 'prefixes', items: ['www.example.com/blog/'] },
      { zone_id: ZONE, prefixes: ['www.example.com/blog/'] } satisfies CachePurgeParams
    ],
    [
      'everything',
      { zoneId: ZONE, type: 'everything', items: [] },
      { zone_id: ZONE, purge_everything: true } satisfies CachePurgeParams
    ]
  ]

  it.each(cases)('%s: the body sent is the one the SDK types accept', (_name, batch, expected) => {
    expect({ zone_id: ZONE, ...toPurgeBody(batch) }).toEqual(expected)
  })

  it('declares every kind of body in terms the SDK accepts', () => {
    expect(withZone.files({ files: ['https://example.com/a'] })).toEqual({
      zone_id: ZONE,
      files: ['https://example.com/a']
    })
    expect(Object.keys(withZone)).toEqual(['everything', 'files', 'tags', 'hosts', 'prefixes'])
    expect(Object.keys(elsewhere)).toEqual(['invalidate', 'environment'])
  })
})

// ── Answers ────────────────────────────────────────────────────────────────────────────────────────
// Written as the SDK's response types: a field the SDK renames, drops or newly requires fails to compile.
const activePastExpiry: TokenVerifyResponse = {
  id: 'ad000000000000000000000000000012',
  status: 'active',
  // The API schema's own example: active, with an expiry date long past.
  expires_on: '2020-01-01T00:00:00Z',
  not_before: '2018-07-01T05:20:00Z'
}
const accountToken: AccountTokenVerifyResponse = {
  id: 'ad000000000000000000000000000003',
  status: 'disabled'
}
const zone: Zone = {
  id: ZONE,
  account: { id: ACCOUNT, name: 'Example Account' },
  activated_on: '2020-01-01T00:00:00Z',
  created_on: '2020-01-01T00:00:00Z',
  development_mode: 0,
  meta: { cdn_only: false, dns_only: false, page_rule_quota: 3, phishing_detected: false, step: 2 },
  modified_on: '2020-01-01T00:00:00Z',
  name: 'Example.com',
  name_servers: ['ada.ns.cloudflare.com', 'bob.ns.cloudflare.com'],
  original_dnshost: null,
  original_name_servers: null,
  original_registrar: null,
  owner: { id: ACCOUNT, name: 'Example Account', type: 'organization' },
  plan: {
    id: '0feeeeeeeeeeeeeeeeeeeeeeeeeeeeee',
    name: 'Free Website',
    legacy_id: 'free',
    currency: 'USD',
    frequency: '',
    is_subscribed: true,
    can_subscribe: false,
    legacy_discount: false,
    externally_managed: false
  },
  status: 'active',
  paused: false,
  type: 'full'
}
const purged: CachePurgeResponse = { id: 'a6cd3e1a5d5b4a3c9f8e7d6c5b4a3f2e' }
const environments: EnvironmentListResponse = {
  environments: [
    {
      name: 'Production',
      ref: '5d41402abc4b2a76b9719d911017c592',
      expression: '(cf.zone.name eq "example.com")',
      locked_on_deployment: false,
      position: { after: '7d793037a0760186574b0282f2f435e7' },
      version: 3
    },
    {
      name: 'Staging',
      ref: '7d793037a0760186574b0282f2f435e7',
      expression: '(http.host eq "staging.example.com")',
      locked_on_deployment: null,
      position: { before: '5d41402abc4b2a76b9719d911017c592' },
      version: null
    }
  ]
}

let agent: MockAgent | undefined
afterEach(async () => {
  await agent?.close()
  agent = undefined
})

/** An API whose answers are these results, each in Cloudflare's envelope. */
function apiAnswering(
  routes: Array<{ method: 'GET' | 'POST'; path: string; result: unknown }>
): CloudflareApi {
  agent = new MockAgent()
  agent.disableNetConnect()
  const pool = agent.get(ORIGIN)
  for (const { method, path, result } of routes) {
    pool.intercept({ method, path: (p) => p.split('?')[0] === `/client/v4${path}` }).reply(
      200,
      { success: true, errors: [], messages: [], result },
      {
        headers: { 'content-type': 'application/json' }
      }
    )
  }
  const http = new CloudflareHttpClient({
    apiUrl: `${ORIGIN}/client/v4`,
    credential: { kind: 'token', token: 'FAKEuserTokenAllPerms0000000000000000001' },
    deadline: Date.now() + 10_000,
    dispatcher: agent
  })
  return new CloudflareApi(http)
}

describe("answers as the SDK types them, read by the action's parsers", () => {
  it('token verify: status, expiry and start dates', async () => {
    const api = apiAnswering([
      { method: 'GET', path: '/user/tokens/verify', result: activePastExpiry },
      { method: 'GET', path: `/accounts/${ACCOUNT}/tokens/verify`, result: accountToken }
    ])
    expect(await api.verifyUserToken()).toEqual({
      id: activePastExpiry.id,
      status: 'active',
      expiresOn: '2020-01-01T00:00:00Z',
      notBefore: '2018-07-01T05:20:00Z'
    })
    expect(await api.verifyAccountToken(ACCOUNT)).toEqual({ id: accountToken.id, status: 'disabled' })
  })

  it('a zone, by ID and by name: plan and account', async () => {
    const api = apiAnswering([
      { method: 'GET', path: `/zones/${ZONE}`, result: zone },
      { method: 'GET', path: '/zones', result: [zone] satisfies Zone[] }
    ])
    const expected = { id: ZONE, name: 'example.com', plan: 'free', accountId: ACCOUNT, status: 'active' }
    expect(await api.getZone(ZONE)).toEqual(expected)
    expect(await api.findZonesByName('example.com')).toEqual([expected])
  })

  it("a zone's Version Management environments: name and ref", async () => {
    const api = apiAnswering([{ method: 'GET', path: `/zones/${ZONE}/environments`, result: environments }])
    expect(await api.listEnvironments(ZONE)).toEqual(
      environments.environments.map(({ name, ref }) => ({ name, ref }))
    )
  })

  it('a purge: its ID', async () => {
    const api = apiAnswering([{ method: 'POST', path: `/zones/${ZONE}/purge_cache`, result: purged }])
    expect(await api.clearCache(ZONE, { tags: ['release-42'] }, { mode: 'purge' })).toBe(purged.id)
  })
})
