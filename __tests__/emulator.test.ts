import { describe, it, expect, beforeAll, afterAll, beforeEach } from '@jest/globals'
import { fixture, fixtureOptions } from '../emulator/fixtures.js'
import { startEmulator, URL_COUNTINGS, type RunningEmulator } from '../emulator/index.js'
import { withEmulator } from '../e2e/emulator-setup.js'

interface Envelope {
  success: boolean
  errors: Array<{ code: number; message: string; error_chain?: Array<{ code: number; message: string }> }>
  messages: Array<{ code: number; message: string }>
  result: unknown
  result_info?: { page: number; per_page: number; count: number; total_count: number; total_pages: number }
}

const { zones, tokens, globalKey, accountId, otherAccountId } = fixture

const bearer = (value: string): Record<string, string> => ({ Authorization: `Bearer ${value}` })
const keyHeaders = (email: string, key: string): Record<string, string> => ({
  'X-Auth-Email': email,
  'X-Auth-Key': key
})

async function call(
  emulator: RunningEmulator,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: unknown } = {}
): Promise<{ status: number; headers: Headers; json: Envelope }> {
  const response = await fetch(`${emulator.url}${path}`, {
    method: init.method ?? 'GET',
    headers: { 'content-type': 'application/json', ...init.headers },
    body: init.body === undefined ? undefined : JSON.stringify(init.body)
  })
  const json = (await response.json()) as Envelope
  return { status: response.status, headers: response.headers, json }
}

const codes = (json: Envelope): number[] => json.errors.map((e) => e.code)
const purgePath = (zoneId: string): string => `/zones/${zoneId}/purge_cache`

describe('fixture', () => {
  it('has distinct, well-formed IDs and credentials', () => {
    const ids = [accountId, otherAccountId, ...Object.values(zones).map((z) => z.id)]
    expect(new Set(ids).size).toBe(ids.length)
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{32}$/)
    for (const token of Object.values(tokens)) {
      expect(token.value).toMatch(
        /^(?:[A-Za-z0-9_-]{40}|cfut_[A-Za-z0-9]{40}[0-9a-f]{8}|cfat_[A-Za-z0-9]{40}[0-9a-f]{8})$/
      )
    }
    expect(tokens.userNewFormat.value.startsWith('cfut_')).toBe(true)
    expect(tokens.account.value.startsWith('cfat_')).toBe(true)
    expect(globalKey.key).toMatch(/^[0-9a-f]{37}$/)
    expect(new Set(Object.values(zones).map((z) => z.name)).size).toBe(Object.keys(zones).length)
  })
})

describe('emulator', () => {
  let emulator: RunningEmulator

  beforeAll(async () => {
    emulator = await startEmulator(fixtureOptions())
  })
  afterAll(async () => {
    await emulator.close()
  })

  describe('authentication', () => {
    it('verifies a user token', async () => {
      const { status, json } = await call(emulator, '/user/tokens/verify', {
        headers: bearer(tokens.user.value)
      })
      expect(status).toBe(200)
      expect(json.result).toEqual({ id: tokens.user.id, status: 'active' })
      expect(json.messages[0]).toMatchObject({ code: 10000, message: 'This API Token is valid and active' })
    })

    it('echoes expires_on and reports disabled tokens', async () => {
      const soon = await call(emulator, '/user/tokens/verify', { headers: bearer(tokens.expiringSoon.value) })
      expect(soon.json.result).toMatchObject({ status: 'active', expires_on: tokens.expiringSoon.expiresOn })
      const disabled = await call(emulator, '/user/tokens/verify', { headers: bearer(tokens.disabled.value) })
      expect(disabled.status).toBe(200)
      expect(disabled.json.result).toMatchObject({ status: 'disabled' })
      expect(disabled.json.messages[0]?.message).not.toBe('This API Token is valid and active')
    })

    it('verifies account-owned tokens only at their account', async () => {
      const atUser = await call(emulator, '/user/tokens/verify', { headers: bearer(tokens.account.value) })
      expect(atUser.status).toBe(401)
      expect(codes(atUser.json)).toEqual([1000])
      const atAccount = await call(emulator, `/accounts/${accountId}/tokens/verify`, {
        headers: bearer(tokens.account.value)
      })
      expect(atAccount.status).toBe(200)
      expect(atAccount.json.result).toMatchObject({ id: tokens.account.id, status: 'active' })
      const otherAccount = await call(emulator, `/accounts/${otherAccountId}/tokens/verify`, {
        headers: bearer(tokens.account.value)
      })
      expect(otherAccount.status).toBe(401)
      const userAtAccount = await call(emulator, `/accounts/${accountId}/tokens/verify`, {
        headers: bearer(tokens.user.value)
      })
      expect(userAtAccount.status).toBe(401)
      expect(codes(userAtAccount.json)).toEqual([1000])
    })

    it('answers 1000 at verify and 10000 elsewhere for an unknown token', async () => {
      const unknown = bearer('FAKEunknownToken000000000000000000000000')
      const verify = await call(emulator, '/user/tokens/verify', { headers: unknown })
      expect(verify.status).toBe(401)
      expect(codes(verify.json)).toEqual([1000])
      const zone = await call(emulator, `/zones/${zones.free.id}`, { headers: unknown })
      expect(zone.status).toBe(403)
      expect(codes(zone.json)).toEqual([10000])
    })

    it('answers 9106 without credentials and 6003/6111 for a malformed Authorization', async () => {
      const none = await call(emulator, '/zones')
      expect(none.status).toBe(400)
      expect(codes(none.json)).toEqual([9106])
      for (const value of [
        `Bearer Bearer ${tokens.user.value}`,
        tokens.user.value,
        `Bearer ${globalKey.key}!`
      ]) {
        const bad = await call(emulator, '/user/tokens/verify', { headers: { Authorization: value } })
        expect(bad.status).toBe(400)
        expect(bad.json.errors[0]).toMatchObject({
          code: 6003,
          error_chain: [{ code: 6111, message: 'Invalid format for Authorization header' }]
        })
      }
    })

    it('checks global keys: formats, then 9103', async () => {
      const user = await call(emulator, '/user', { headers: keyHeaders(globalKey.email, globalKey.key) })
      expect(user.status).toBe(200)
      expect(user.json.result).toMatchObject({ email: globalKey.email })
      const unknown = await call(emulator, '/user', {
        headers: keyHeaders('someone@example.com', globalKey.key)
      })
      expect(unknown.status).toBe(403)
      expect(codes(unknown.json)).toEqual([9103])
      const tokenAsKey = await call(emulator, '/user', {
        headers: keyHeaders(globalKey.email, tokens.user.value)
      })
      expect(tokenAsKey.status).toBe(400)
      expect(tokenAsKey.json.errors[0]?.error_chain?.[0]?.code).toBe(6103)
      const badEmail = await call(emulator, '/user', { headers: keyHeaders('admin', globalKey.key) })
      expect(badEmail.json.errors[0]?.error_chain?.[0]?.code).toBe(6102)
    })

    it('refuses unusable tokens with 9109', async () => {
      for (const token of [tokens.disabled, tokens.expired, tokens.notYetValid]) {
        const { status, json } = await call(emulator, '/zones', { headers: bearer(token.value) })
        expect(status).toBe(403)
        expect(codes(json)).toEqual([9109])
      }
      const ip = await call(emulator, `/zones/${zones.free.id}`, {
        headers: bearer(tokens.ipRestricted.value)
      })
      expect(ip.status).toBe(403)
      expect(ip.json.errors[0]?.message).toMatch(/^Cannot use the access token from location: /)
      const verify = await call(emulator, '/user/tokens/verify', {
        headers: bearer(tokens.ipRestricted.value)
      })
      expect(verify.json.result).toMatchObject({ status: 'active' })
    })

    it('answers 7000 for an unknown route', async () => {
      const { status, json } = await call(emulator, '/nothing/here', { headers: bearer(tokens.user.value) })
      expect(status).toBe(404)
      expect(codes(json)).toEqual([7000])
    })
  })

  describe('zones and accounts', () => {
    it('returns a zone by id', async () => {
      const { status, json } = await call(emulator, `/zones/${zones.pro.id}`, {
        headers: bearer(tokens.user.value)
      })
      expect(status).toBe(200)
      expect(json.result).toMatchObject({
        id: zones.pro.id,
        name: zones.pro.name,
        status: 'active',
        plan: { legacy_id: 'pro' },
        account: { id: accountId, name: fixture.accounts.main.name }
      })
    })

    it('finds a zone by name, case-insensitively, and lists with result_info', async () => {
      const byName = await call(emulator, '/zones?name=EXAMPLE.com', { headers: bearer(tokens.user.value) })
      expect(byName.json.result).toEqual([expect.objectContaining({ id: zones.free.id })])
      expect(byName.json.result_info).toEqual({
        page: 1,
        per_page: 20,
        count: 1,
        total_count: 1,
        total_pages: 1
      })
      const none = await call(emulator, '/zones?name=www.example.com', { headers: bearer(tokens.user.value) })
      expect(none.json).toMatchObject({ success: true, result: [] })
      const page = await call(emulator, '/zones?per_page=5&page=1', {
        headers: keyHeaders(globalKey.email, globalKey.key)
      })
      expect(page.json.result_info).toMatchObject({ count: 4, total_count: 4, total_pages: 1 })
      const scoped = await call(emulator, '/zones', { headers: bearer(tokens.scopedToOtherZone.value) })
      expect((scoped.json.result as Array<{ id: string }>).map((z) => z.id)).toEqual([zones.pro.id])
      const noRead = await call(emulator, `/zones?name=${zones.free.name}`, {
        headers: bearer(tokens.noZoneRead.value)
      })
      expect(noRead.json).toMatchObject({ success: true, result: [] })
    })

    it('hides out-of-scope zones behind 10000', async () => {
      const scoped = await call(emulator, `/zones/${zones.free.id}`, {
        headers: bearer(tokens.scopedToOtherZone.value)
      })
      expect(scoped.status).toBe(403)
      expect(codes(scoped.json)).toEqual([10000])
      const otherAccount = await call(emulator, `/zones/${zones.otherAccount.id}`, {
        headers: keyHeaders(globalKey.email, globalKey.key)
      })
      expect(codes(otherAccount.json)).toEqual([10000])
    })

    it('answers 10000 for an Account ID used as zone ID, which GET /accounts/{id} recognises', async () => {
      const asZone = await call(emulator, purgePath(accountId), {
        method: 'POST',
        headers: bearer(tokens.user.value),
        body: { purge_everything: true }
      })
      expect(asZone.status).toBe(403)
      expect(codes(asZone.json)).toEqual([10000])
      const account = await call(emulator, `/accounts/${accountId}`, { headers: bearer(tokens.user.value) })
      expect(account.status).toBe(200)
      expect(account.json.result).toMatchObject({ id: accountId, name: fixture.accounts.main.name })
      const other = await call(emulator, `/accounts/${otherAccountId}`, {
        headers: bearer(tokens.user.value)
      })
      expect(codes(other.json)).toEqual([10000])
    })

    it('answers 7003 + 7000 for a malformed zone ID', async () => {
      const { status, json } = await call(emulator, '/zones/EXAMPLE.com', {
        headers: bearer(tokens.user.value)
      })
      expect(status).toBe(400)
      expect(codes(json)).toEqual([7003, 7000])
      expect(json.errors[0]?.message).toBe(
        'Could not route to /zones/EXAMPLE.com, perhaps your object identifier is invalid?'
      )
    })
  })

  describe('purge', () => {
    it('purges and records the items', async () => {
      emulator.reset()
      const files = [
        'https://example.com/a.css',
        { url: 'https://example.com/b', headers: { 'CF-IPCountry': 'US' } }
      ]
      const first = await call(emulator, purgePath(zones.free.id), {
        method: 'POST',
        headers: bearer(tokens.user.value),
        body: { files }
      })
      expect(first.status).toBe(200)
      expect((first.json.result as { id: string }).id).toMatch(/^[0-9a-f]{32}$/)
      await call(emulator, purgePath(zones.pro.id), {
        method: 'POST',
        headers: bearer(tokens.account.value),
        body: { tags: ['release-42'] }
      })
      expect(emulator.purgeRequests()).toHaveLength(2)
      expect(emulator.purgedItems(zones.free.id)).toEqual(files)
      expect(emulator.purgedItems()).toEqual([...files, 'release-42'])
      const recorded = emulator.purgeRequests()[0]
      expect(recorded?.headers['authorization']).toBe(`Bearer ${tokens.user.value}`)
      expect(recorded?.body).toEqual({ files })
    })

    it('needs cache.purge on a zone in scope', async () => {
      const noPurge = await call(emulator, purgePath(zones.free.id), {
        method: 'POST',
        headers: bearer(tokens.noPurge.value),
        body: { purge_everything: true }
      })
      expect(noPurge.status).toBe(403)
      expect(codes(noPurge.json)).toEqual([10000])
      const purgeOnly = await call(emulator, purgePath(zones.free.id), {
        method: 'POST',
        headers: bearer(tokens.noZoneRead.value),
        body: { hosts: ['www.example.com'] }
      })
      expect(purgeOnly.status).toBe(200)
    })

    it('validates the body', async () => {
      const post = (body: unknown, zoneId: string = zones.business.id) =>
        call(emulator, purgePath(zoneId), { method: 'POST', headers: bearer(tokens.user.value), body })
      expect(codes((await post({})).json)).toEqual([1012])
      expect(codes((await post({ purge_everything: true, tags: ['a'] })).json)).toEqual([1092])
      expect(codes((await post({ tags: ['a'], hosts: ['b.example.com'] })).json)).toEqual([1012])
      const urls = (n: number): string[] => Array.from({ length: n }, (_, i) => `https://example.com/${i}`)
      expect((await post({ files: urls(100) }, zones.free.id)).status).toBe(200)
      const tooMany = await post({ files: urls(101) }, zones.free.id)
      expect(tooMany.status).toBe(400)
      expect(codes(tooMany.json)).toEqual([1094])
      expect(tooMany.json.errors[0]?.message).toContain('100')
      expect((await post({ files: urls(500) }, zones.enterprise.id)).status).toBe(200)
      expect(codes((await post({ tags: Array.from({ length: 101 }, (_, i) => `t${i}`) })).json)).toEqual([
        1101
      ])
      const relative = await post({ files: ['/testing/test'] })
      expect(relative.json.errors[0]).toEqual({
        code: 1016,
        message: 'Unable to purge /testing/test, which is an invalid URL.'
      })
      expect(codes((await post({ prefixes: ['https://example.com/blog/'] })).json)).toEqual([1107])
      expect((await post({ prefixes: ['example.com/blog/'] })).status).toBe(200)
    })
  })

  describe('extensions for failures', () => {
    it('holds one zone to its own URL limit, and refuses well-formed items it is told to', async () => {
      await withEmulator(
        {
          zones: [
            ...Object.values(zones).filter((z) => z !== zones.free),
            { ...zones.free, filesPerRequest: 20 }
          ],
          refuseItems: [
            { item: 'https://example.com/long', message: 'URL length exceeds the maximum allowed' },
            { item: 'refused-tag' },
            {
              item: 'https://example.com/x',
              code: 1082,
              message: "Unable to purge 'https://example.com/x'."
            },
            { item: 'https://example.com/z', code: 1082, message: "Unable to purge 'https://example.com/z'." }
          ]
        },
        async (custom) => {
          const post = (body: unknown, zoneId: string = zones.free.id) =>
            call(custom, purgePath(zoneId), { method: 'POST', headers: bearer(tokens.user.value), body })
          const urls = (n: number): string[] =>
            Array.from({ length: n }, (_, i) => `https://example.com/${i}`)
          const tooMany = await post({ files: urls(21) })
          expect(codes(tooMany.json)).toEqual([1094])
          expect(tooMany.json.errors[0]?.message).toContain('only 20 are allowed')
          expect((await post({ files: urls(20) })).status).toBe(200)
          // Other zones keep their plan's limit.
          expect((await post({ files: urls(30) }, zones.pro.id)).status).toBe(200)
          const long = await post({
            files: ['https://example.com/a', { url: 'https://example.com/long', headers: {} }]
          })
          expect(long.status).toBe(400)
          expect(long.json.errors).toEqual([
            { code: 1016, message: 'URL length exceeds the maximum allowed' }
          ])
          const several = await post({
            files: ['https://example.com/x', 'https://example.com/y', 'https://example.com/z']
          })
          expect(several.json.errors).toEqual([
            { code: 1082, message: "Unable to purge 'https://example.com/x'." },
            { code: 1082, message: "Unable to purge 'https://example.com/z'." }
          ])
          const tag = await post({ tags: ['fine', 'refused-tag'] })
          expect(tag.json.errors[0]?.message).toMatch(/^Invalid tag refused-tag/)
          expect(custom.purgedItems()).toEqual([...urls(20), ...urls(30)])
        }
      )
    })
  })

  describe('faults', () => {
    it('answers a status with an HTML body, counted per rule with skip and times', async () => {
      emulator.addFault({
        method: 'GET',
        path: `/zones/${zones.free.id}`,
        skip: 1,
        times: 2,
        action: { status: 502, body: '<html><body>Bad gateway</body></html>' }
      })
      try {
        const statuses: number[] = []
        for (let i = 0; i < 4; i++) {
          const response = await fetch(`${emulator.url}/zones/${zones.free.id}`, {
            headers: bearer(tokens.user.value)
          })
          statuses.push(response.status)
          const text = await response.text()
          if (response.status === 502) {
            expect(text).toBe('<html><body>Bad gateway</body></html>')
            expect(response.headers.get('content-type')).toContain('text/html')
          }
        }
        expect(statuses).toEqual([200, 502, 502, 200])
      } finally {
        emulator.clearFaults()
      }
    })

    it('resets the connection', async () => {
      emulator.addFault({ path: /\/purge_cache$/, times: 1, action: { reset: true } })
      try {
        await expect(
          fetch(`${emulator.url}${purgePath(zones.free.id)}`, {
            method: 'POST',
            headers: bearer(tokens.user.value),
            body: JSON.stringify({ purge_everything: true })
          })
        ).rejects.toThrow()
        const recorded = emulator.requests.at(-1)
        expect(recorded).toMatchObject({ method: 'POST', path: purgePath(zones.free.id), status: 0 })
      } finally {
        emulator.clearFaults()
      }
    })

    it('answers 413 for bodies over 1 MiB', async () => {
      const response = await fetch(`${emulator.url}${purgePath(zones.free.id)}`, {
        method: 'POST',
        headers: bearer(tokens.user.value),
        body: JSON.stringify({ tags: ['x'.repeat(1024 * 1024 + 10)] })
      })
      expect(response.status).toBe(413)
      await response.text()
    })
  })
})

describe('rate limits', () => {
  it('answers 429 with Retry-After when the request bucket is empty, and purges nothing', async () => {
    await withEmulator(
      {
        rateLimits: { free: { filesPerSecond: 10, requestsPerSecond: 0.25, bucket: 2 } }
      },
      async (emulator) => {
        const purge = () =>
          call(emulator, purgePath(zones.free.id), {
            method: 'POST',
            headers: bearer(tokens.user.value),
            body: { tags: ['a'] }
          })
        expect((await purge()).status).toBe(200)
        expect((await purge()).status).toBe(200)
        const limited = await purge()
        expect(limited.status).toBe(429)
        expect(codes(limited.json)).toEqual([971])
        expect(limited.headers.get('retry-after')).toBe('4')
        expect(emulator.count429()).toBe(1)
        expect(emulator.purgedItems()).toEqual(['a', 'a'])

        // Files use their own bucket: 10 URLs per second.
        const files = (n: number) =>
          call(emulator, purgePath(zones.free.id), {
            method: 'POST',
            headers: bearer(tokens.user.value),
            body: { files: Array.from({ length: n }, (_, i) => `https://example.com/${i}`) }
          })
        expect((await files(8)).status).toBe(200)
        const tooFast = await files(5)
        expect(tooFast.status).toBe(429)
        expect(Number(tooFast.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)

        // A pro zone of the same account has its own buckets.
        const pro = await call(emulator, purgePath(zones.pro.id), {
          method: 'POST',
          headers: bearer(tokens.user.value),
          body: { purge_everything: true }
        })
        expect(pro.status).toBe(200)

        emulator.reset()
        expect(emulator.requests).toHaveLength(0)
        expect((await purge()).status).toBe(200)
      }
    )
  })

  describe('counts URLs each way Cloudflare\'s "moving average" may mean', () => {
    // Each purge says when it was sent, `atMs` after a start 20 s ago: the emulator counts it then
    // (countAtSendTime, on in withEmulator), so the test controls the clock and waits for nothing.
    let start = 0
    beforeEach(() => {
      start = performance.timeOrigin + performance.now() - 20_000
    })
    const purgeFiles = (emulator: RunningEmulator, n: number, atMs = 0) =>
      call(emulator, purgePath(zones.free.id), {
        method: 'POST',
        headers: { ...bearer(tokens.user.value), 'x-emulator-sent-at': String(start + atMs) },
        body: { files: Array.from({ length: n }, (_, i) => `https://example.com/${i}`) }
      })
    const limits = { free: { filesPerSecond: 100, requestsPerSecond: 1, bucket: 1 } }

    it('as a bucket holding a second of URLs (the default): a second of burst, then the rate', async () => {
      await withEmulator({ rateLimits: limits }, async (emulator) => {
        expect((await purgeFiles(emulator, 100, 0)).status).toBe(200)
        // 30 URLs have come back into the bucket 300 ms later, not 40.
        expect((await purgeFiles(emulator, 40, 300)).status).toBe(429)
        expect((await purgeFiles(emulator, 25, 300)).status).toBe(200)
      })
    })

    it('as a sliding window of one second: what went in the last second counts, in full', async () => {
      await withEmulator({ rateLimits: limits, urlCounting: URL_COUNTINGS.sliding1s }, async (emulator) => {
        expect((await purgeFiles(emulator, 60, 0)).status).toBe(200)
        expect((await purgeFiles(emulator, 40, 500)).status).toBe(200)
        // Within a second of the first purge, nothing more fits; the answer says when it will.
        const limited = await purgeFiles(emulator, 10, 500)
        expect(limited.status).toBe(429)
        expect(limited.headers.get('retry-after')).toBe('1')
        // 1.1 s after the first, its 60 have left the window: 60 fit again, 61 would not.
        expect((await purgeFiles(emulator, 61, 1100)).status).toBe(429)
        expect((await purgeFiles(emulator, 60, 1100)).status).toBe(200)
      })
    })

    it('as an average over ten seconds: ten seconds of URLs at once, then nothing', async () => {
      await withEmulator(
        {
          rateLimits: limits,
          urlCounting: URL_COUNTINGS.average10s,
          filesPerRequest: { free: 1000 }
        },
        async (emulator) => {
          expect((await purgeFiles(emulator, 600)).status).toBe(200)
          expect((await purgeFiles(emulator, 400)).status).toBe(200)
          const limited = await purgeFiles(emulator, 1)
          expect(limited.status).toBe(429)
          expect(Number(limited.headers.get('retry-after'))).toBe(10)
          expect(emulator.count429()).toBe(1)
        }
      )
    })
  })

  it('applies the global per-credential limit', async () => {
    await withEmulator({ globalRateLimit: { requests: 2, windowSeconds: 60 } }, async (emulator) => {
      const verify = () => call(emulator, '/user/tokens/verify', { headers: bearer(tokens.user.value) })
      expect((await verify()).status).toBe(200)
      const second = await verify()
      expect(second.headers.get('ratelimit')).toMatch(/r=0/)
      const third = await verify()
      expect(third.status).toBe(429)
      expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(50)
      const otherToken = await call(emulator, '/user/tokens/verify', {
        headers: bearer(tokens.noPurge.value)
      })
      expect(otherToken.status).toBe(200)
    })
  })

  it('counts calls made before the run, names the budget on every answer, and keeps the fewest left', async () => {
    await withEmulator({ globalRateLimit: { requests: 1200, windowSeconds: 300 } }, async (emulator) => {
      emulator.spendGlobal(tokens.user.value, 1100)
      const verify = await call(emulator, '/user/tokens/verify', { headers: bearer(tokens.user.value) })
      expect(verify.headers.get('ratelimit')).toMatch(/^"default";r=99;t=(?:299|300)$/)
      expect(verify.headers.get('ratelimit-policy')).toBe('"default";q=1200;w=300')
      const refused = await call(emulator, purgePath(zones.free.id), {
        method: 'POST',
        headers: bearer(tokens.user.value),
        body: { files: ['not a url'] }
      })
      expect(refused.status).toBe(400)
      expect(refused.headers.get('ratelimit')).toMatch(/r=98;/)
      expect(emulator.fewestLeft()).toBe(98)
      emulator.reset()
      expect(emulator.fewestLeft()).toBeUndefined()
    })
  })

  it('can leave out the Ratelimit headers, as a proxy that strips them would, and still limit', async () => {
    await withEmulator(
      { rateLimitHeaders: false, globalRateLimit: { requests: 1, windowSeconds: 60 } },
      async (emulator) => {
        const verify = () => call(emulator, '/user/tokens/verify', { headers: bearer(tokens.user.value) })
        const first = await verify()
        expect(first.headers.get('ratelimit')).toBeNull()
        expect(first.headers.get('ratelimit-policy')).toBeNull()
        expect((await verify()).status).toBe(429)
      }
    )
  })

  it('can be disabled', async () => {
    await withEmulator({ rateLimits: false }, async (emulator) => {
      for (let i = 0; i < 30; i++) {
        const { status } = await call(emulator, purgePath(zones.free.id), {
          method: 'POST',
          headers: bearer(tokens.user.value),
          body: { purge_everything: true }
        })
        expect(status).toBe(200)
      }
    })
  })
})

describe('latency and close', () => {
  it('delays every answer', async () => {
    await withEmulator({ latencyMs: 150 }, async (emulator) => {
      const started = performance.now()
      const { status } = await call(emulator, '/user/tokens/verify', { headers: bearer(tokens.user.value) })
      expect(status).toBe(200)
      expect(performance.now() - started).toBeGreaterThanOrEqual(140)
      const recorded = emulator.requests[0]
      expect(recorded && recorded.endedAt - recorded.startedAt).toBeGreaterThanOrEqual(140)
    })
  })

  it('closes promptly with a hanging request', async () => {
    const emulator = await startEmulator(fixtureOptions({ faults: [{ action: { hang: true } }] }))
    const pending = fetch(`${emulator.url}/zones`, { headers: bearer(tokens.user.value) })
    const settled = pending.then(
      () => 'resolved',
      () => 'rejected'
    )
    while (emulator.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 10))
    await new Promise((resolve) => setTimeout(resolve, 50))
    const started = performance.now()
    await emulator.close()
    expect(performance.now() - started).toBeLessThan(1000)
    expect(await settled).toBe('rejected')
    expect(emulator.requests[0]?.status).toBe(0)
  })
})

describe('invalidation and environments', () => {
  const { environments } = fixture
  const enterprise = zones.enterprise.id
  const post = (emulator: RunningEmulator, path: string, body: unknown, token = tokens.user.value) =>
    call(emulator, path, { method: 'POST', headers: bearer(token), body })
  let emulator: RunningEmulator

  beforeAll(async () => {
    emulator = await startEmulator(fixtureOptions({ rateLimits: false }))
  })
  afterAll(async () => {
    await emulator.close()
  })

  it('invalidates on the zone and records it apart from purges', async () => {
    emulator.reset()
    const answer = await post(emulator, `/zones/${zones.free.id}/invalidate_cache`, { tags: ['a', 'b'] })
    expect(answer.status).toBe(200)
    expect((answer.json.result as { id: string }).id).toMatch(/^[0-9a-f]{32}$/)
    expect(emulator.invalidatedItems(zones.free.id)).toEqual(['a', 'b'])
    expect(emulator.invalidateRequests()).toHaveLength(1)
    expect(emulator.purgeRequests()).toEqual([])
    expect(emulator.purgedItems()).toEqual([])
    // Same body rules as a purge.
    expect(codes((await post(emulator, `/zones/${zones.free.id}/invalidate_cache`, {})).json)).toEqual([1012])
  })

  it('lists the environments of a zone with Version Management, in order, as Cloudflare does', async () => {
    const { status, json } = await call(emulator, `/zones/${enterprise}/environments`, {
      headers: bearer(tokens.user.value)
    })
    expect(status).toBe(200)
    const listed = (json.result as { environments: Array<Record<string, unknown>> }).environments
    expect(listed.map((e) => e.name)).toEqual(['Production', 'Staging', 'Development', 'Geo Canary'])
    expect(listed[0]).toEqual({
      name: 'Production',
      ref: environments.production.ref,
      version: 0,
      expression: '(cf.zone.name eq "enterprise.example")',
      locked_on_deployment: false,
      position: { before: environments.staging.ref }
    })
    expect(listed[1]!.position).toEqual({
      before: environments.development.ref,
      after: environments.production.ref
    })
  })

  it('answers an invented error for a zone without Version Management, and 10000 without the permission', async () => {
    const free = await call(emulator, `/zones/${zones.free.id}/environments`, {
      headers: bearer(tokens.user.value)
    })
    expect(free.status).toBe(400)
    expect(codes(free.json)).toEqual([1140])
    const refused = await call(emulator, `/zones/${enterprise}/environments`, {
      headers: bearer(tokens.noVersioningRead.value)
    })
    expect(refused.status).toBe(403)
    expect(codes(refused.json)).toEqual([10000])
    const byKey = await call(emulator, `/zones/${enterprise}/environments`, {
      headers: keyHeaders(globalKey.email, globalKey.key)
    })
    expect(byKey.status).toBe(200)
  })

  it('purges and invalidates one environment, and knows which', async () => {
    emulator.reset()
    const staging = `/zones/${enterprise}/environments/${environments.staging.ref}`
    expect(
      (await post(emulator, `${staging}/purge_cache`, { files: ['https://enterprise.example/a'] })).status
    ).toBe(200)
    expect(
      (await post(emulator, `${staging}/invalidate_cache`, { prefixes: ['enterprise.example/b/'] })).status
    ).toBe(200)
    expect(emulator.purgeRequests().map((r) => r.path)).toEqual([`${staging}/purge_cache`])
    expect(emulator.purgedItems(enterprise)).toEqual(['https://enterprise.example/a'])
    expect(emulator.invalidatedItems(enterprise)).toEqual(['enterprise.example/b/'])
    // Purging needs Cache Purge only, not Zone Versioning Read.
    expect(
      (await post(emulator, `${staging}/purge_cache`, { tags: ['x'] }, tokens.noVersioningRead.value)).status
    ).toBe(200)
  })

  it('refuses an unknown environment, a zone without Version Management and a malformed ref', async () => {
    const unknown = await post(emulator, `/zones/${enterprise}/environments/${'f'.repeat(32)}/purge_cache`, {
      tags: ['x']
    })
    expect([unknown.status, codes(unknown.json)]).toEqual([404, [1141]])
    const free = await post(
      emulator,
      `/zones/${zones.free.id}/environments/${environments.staging.ref}/purge_cache`,
      {
        tags: ['x']
      }
    )
    expect([free.status, codes(free.json)]).toEqual([400, [1140]])
    const long = await post(emulator, `/zones/${enterprise}/environments/${'a'.repeat(33)}/purge_cache`, {
      tags: ['x']
    })
    expect([long.status, codes(long.json)]).toEqual([400, [7003, 7000]])
  })

  it('refuses to invalidate by URL, with 1136, an environment that selects by country', async () => {
    emulator.reset()
    const geo = `/zones/${enterprise}/environments/${environments.geoCanary.ref}`
    const byUrl = await post(emulator, `${geo}/invalidate_cache`, { files: ['https://enterprise.example/a'] })
    expect([byUrl.status, codes(byUrl.json)]).toEqual([400, [1136]])
    expect((await post(emulator, `${geo}/invalidate_cache`, { tags: ['a'] })).status).toBe(200)
    expect(
      (await post(emulator, `${geo}/purge_cache`, { files: ['https://enterprise.example/a'] })).status
    ).toBe(200)
    expect(emulator.invalidatedItems()).toEqual(['a'])
  })

  it('can leave out the invalidate endpoints, which then answer No route', async () => {
    await withEmulator({ invalidation: false }, async (without) => {
      for (const path of [
        `/zones/${zones.free.id}/invalidate_cache`,
        `/zones/${enterprise}/environments/${environments.staging.ref}/invalidate_cache`
      ]) {
        const answer = await post(without, path, { tags: ['a'] })
        expect([answer.status, codes(answer.json)]).toEqual([404, [7000]])
      }
      expect((await post(without, `/zones/${zones.free.id}/purge_cache`, { tags: ['a'] })).status).toBe(200)
    })
  })
})
