// End to end: the bundled action against the local Cloudflare emulator, one scenario per use.
import { tmpdir } from 'node:os'
import { describe, expect, it } from '@jest/globals'
import { fixture } from '../emulator/fixtures.js'
import { useEmulator, withEmulator } from './emulator-setup.js'
import { expectNoSecrets, expectSucceeded, failedEntries } from './expectations.js'
import { runAction, type ActionRun } from './run-action.js'

const { zones, tokens, globalKey } = fixture

const emulator = useEmulator()

function run(inputs: Record<string, string>, env?: Record<string, string>): Promise<ActionRun> {
  return runAction({ api_url: emulator.url, ...inputs }, { ...(env ? { env } : {}) })
}

/** Every run: no secret anywhere the user could read it. */

describe('purging', () => {
  it('purges files by zone ID with a token', async () => {
    const result = await run({
      zone: zones.free.id,
      api_token: tokens.user.value,
      files: 'https://example.com/a.css\nhttps://example.com/b.js'
    })
    expectSucceeded(result)
    expect(emulator.purgedItems(zones.free.id)).toEqual([
      'https://example.com/a.css',
      'https://example.com/b.js'
    ])
    expect(result.outputs.zone_id).toBe(zones.free.id)
    expect(result.outputs.purged_count).toBe('2')
    expect(result.outputs.purge_ids).toMatch(/^[0-9a-f]{32}$/)
    expect(result.outputs.failed_count).toBe('0')
    expect(result.summary).toContain('Cloudflare cache purge')
    expect(result.summary).toContain(result.outputs.purge_ids)
    expect(result.stdout).toContain('::group::Purge')
  })

  it('verifies the credential first, alone, then reads the zone, before purging', async () => {
    const slow = await withEmulator({ latencyMs: 150 }, async (em) => {
      await runAction({
        api_url: em.url,
        zone: zones.free.id,
        api_token: tokens.user.value,
        files: 'https://example.com/a'
      })
      return em
    })
    const paths = slow.requests.map((r) => `${r.method} ${r.path}`)
    expect(paths).toEqual(
      expect.arrayContaining([
        'GET /user/tokens/verify',
        `GET /zones/${zones.free.id}`,
        `POST /zones/${zones.free.id}/purge_cache`
      ])
    )
    const verify = slow.requests.find((r) => r.path === '/user/tokens/verify')!
    const zone = slow.requests.find((r) => r.path === `/zones/${zones.free.id}`)!
    // Nothing is known of the API budget before the first answer: the verify call goes alone, then the zone's.
    expect(zone.startedAt).toBeGreaterThanOrEqual(verify.endedAt)
    expect(verify.headers.authorization).toBe(`Bearer ${tokens.user.value}`)
  })

  it('resolves a zone name', async () => {
    const result = await run({
      zone: 'example.com',
      api_token: tokens.user.value,
      files: 'https://example.com/x'
    })
    expectSucceeded(result)
    expect(result.outputs.zone_id).toBe(zones.free.id)
    expect(emulator.purgedItems(zones.free.id)).toEqual(['https://example.com/x'])
  })

  it('resolves a subdomain to its parent zone', async () => {
    const result = await run({
      zone: 'www.Example.COM',
      api_token: tokens.user.value,
      files: 'https://www.example.com/x'
    })
    expectSucceeded(result)
    expect(result.outputs.zone_id).toBe(zones.free.id)
    const lookups = emulator.requests.filter((r) => r.path === '/zones').map((r) => r.query.name)
    expect(lookups.sort()).toEqual(['example.com', 'www.example.com'])
  })

  it('purges with email and Global API Key, and recommends a token', async () => {
    const result = await run({
      zone: zones.free.id,
      email: globalKey.email,
      global_key: globalKey.key,
      tags: 'release-42'
    })
    expectSucceeded(result)
    expect(emulator.purgedItems(zones.free.id)).toEqual(['release-42'])
    const purge = emulator.purgeRequests()[0]!
    expect(purge.headers['x-auth-key']).toBe(globalKey.key)
    expect(purge.headers['x-auth-email']).toBe(globalKey.email)
    expect(emulator.requests.some((r) => r.path === '/user')).toBe(true)
    expect(result.notices.map((n) => n.title)).toContain('Consider an API token')
  })

  it('verifies an account-owned token under the zone account', async () => {
    const result = await run({
      zone: zones.free.id,
      api_token: tokens.account.value,
      hosts: 'www.example.com'
    })
    expectSucceeded(result)
    expect(emulator.requests.map((r) => r.path)).toContain(`/accounts/${fixture.accountId}/tokens/verify`)
    expect(emulator.purgedItems(zones.free.id)).toEqual(['www.example.com'])
    expect(result.stdout).toContain('account-owned')
  })

  it('purges everything only when asked', async () => {
    const result = await run({ zone: zones.pro.id, api_token: tokens.user.value, purge_everything: 'true' })
    expectSucceeded(result)
    expect(emulator.purgeRequests().map((r) => r.body)).toEqual([{ purge_everything: true }])
  })

  it('purges tags, hosts and prefixes, one request per type', async () => {
    const result = await run({
      zone: zones.pro.id,
      api_token: tokens.user.value,
      tags: 'a, b\nc',
      hosts: 'pro.example.net',
      prefixes: 'pro.example.net/blog/\npro.example.net/docs'
    })
    expectSucceeded(result)
    const bodies = emulator.purgeRequests().map((r) => r.body)
    expect(bodies).toHaveLength(3)
    expect(bodies).toEqual(
      expect.arrayContaining([
        { tags: ['a', 'b', 'c'] },
        { hosts: ['pro.example.net'] },
        { prefixes: ['pro.example.net/blog/', 'pro.example.net/docs'] }
      ])
    )
    expect(result.outputs.purged_count).toBe('6')
    expect(result.summary).toMatch(/tags/)
    expect(result.summary).toMatch(/prefixes/)
  })

  it("purges files with headers from a JSON list, apart from plain URLs as Cloudflare's schema has it", async () => {
    const files = JSON.stringify([
      'https://example.com/a',
      { url: 'https://example.com/a', headers: { 'CF-Device-Type': 'mobile' } }
    ])
    const result = await run({ zone: zones.free.id, api_token: tokens.user.value, files })
    expectSucceeded(result)
    expect(emulator.purgeRequests().map((r) => r.body)).toEqual([
      { files: ['https://example.com/a'] },
      { files: [{ url: 'https://example.com/a', headers: { 'CF-Device-Type': 'mobile' } }] }
    ])
  })

  it('does a dry run without sending a purge', async () => {
    const result = await run({
      zone: 'example.com',
      api_token: tokens.user.value,
      files: 'https://example.com/1 https://example.com/2',
      dry_run: 'true'
    })
    expectSucceeded(result)
    expect(emulator.requests.filter((r) => r.path.endsWith('/purge_cache'))).toEqual([])
    expect(emulator.requests.some((r) => r.path === '/user/tokens/verify')).toBe(true)
    expect(result.outputs.purged_count).toBe('0')
    expect(result.outputs.zone_id).toBe(zones.free.id)
    expect(result.summary).toContain('dry run')
    expect(result.stdout).toContain('would be purged')
  })

  it('strips a pasted "Bearer " prefix with a warning and goes on', async () => {
    const result = await run({
      zone: zones.free.id,
      api_token: `Bearer ${tokens.user.value}\n`,
      files: 'https://example.com/a'
    })
    expectSucceeded(result)
    expect(result.warnings.map((w) => w.title)).toEqual(
      expect.arrayContaining(['Token starts with "Bearer "', 'Spaces or quotes around a secret'])
    )
    expect(emulator.purgeRequests()[0]!.headers.authorization).toBe(`Bearer ${tokens.user.value}`)
  })
})

describe('invalid input fails before any request', () => {
  const base = {
    zone: fixture.zones.free.id,
    api_token: fixture.tokens.user.value,
    files: 'https://example.com/a'
  }
  const cases: Array<[string, Record<string, string>, string, RegExp]> = [
    ['no credential', { ...base, api_token: '' }, 'Missing credential', /secrets\.CLOUDFLARE_API_TOKEN/],
    [
      'both credentials',
      { ...base, email: globalKey.email, global_key: globalKey.key },
      'Two credentials given',
      /Keep `api_token`/
    ],
    [
      'email without global_key',
      { ...base, api_token: '', email: globalKey.email },
      'Incomplete Global API Key credential',
      /`global_key` to the Global API Key/
    ],
    [
      'global_key without email',
      { ...base, api_token: '', global_key: globalKey.key },
      'Incomplete Global API Key credential',
      /set `email`/
    ],
    [
      'zone neither ID nor name',
      { ...base, zone: 'not a zone!' },
      'Invalid input: zone',
      /not a valid domain name/
    ],
    [
      'zone ID cut short',
      { ...base, zone: zones.free.id.slice(0, 30) },
      'Invalid input: zone',
      /30 characters instead of 32/
    ],
    ['nothing to purge', { ...base, files: '' }, 'Nothing to purge', /purge_everything: true/],
    [
      'purge_everything with items',
      { ...base, purge_everything: 'true' },
      'purge_everything with items',
      /remove the item lists/
    ],
    [
      'relative path',
      { ...base, zone: 'example.com', files: '/testing/test' },
      'Invalid input: files',
      /full URL.*https:\/\/example\.com\/testing\/test/
    ],
    [
      'ftp URL',
      { ...base, files: 'ftp://example.com/a' },
      'Invalid input: files',
      /only http:\/\/ and https:\/\//
    ],
    [
      'prefix with scheme',
      { ...base, files: '', prefixes: 'https://example.com/blog/' },
      'Invalid input: prefixes',
      /write "example\.com\/blog\/"/
    ],
    [
      'prefix with query',
      { ...base, files: '', prefixes: 'example.com/blog?x=1' },
      'Invalid input: prefixes',
      /query string/
    ],
    [
      'tag with a space',
      { ...base, files: '', tags: 'two words' },
      'Invalid input: tags',
      /contains a space/
    ],
    [
      'host with a path',
      { ...base, files: '', hosts: 'https://www.example.com/x' },
      'Invalid input: hosts',
      /write "www\.example\.com"/
    ],
    [
      'invalid JSON in files',
      { ...base, files: '["https://example.com/a",' },
      'Invalid input: files',
      /not valid JSON/
    ],
    ['bad boolean', { ...base, dry_run: 'yes' }, 'Invalid input', /`true` or `false`/],
    [
      'plain http api_url elsewhere',
      { ...base, api_url: 'http://api.example.com/client/v4' },
      'Invalid input',
      /https:\/\//
    ]
  ]

  it.each(cases)('%s', async (_name, inputs, title, message) => {
    const result = await runAction(inputs.api_url ? inputs : { ...inputs, api_url: emulator.url })
    expect(result.exitCode).toBe(1)
    expect(result.errors.map((e) => e.title)).toContain(title)
    expect(result.errors.map((e) => e.message).join('\n')).toMatch(message)
    expect(emulator.requests).toEqual([])
    expect(result.stderr).toBe('')
    expect(result.everything).not.toMatch(/\n\s+at /) // no stack trace
    expectNoSecrets(result)
  })

  it('reports every problem at once', async () => {
    const result = await run({ zone: 'bad zone', files: '/a', tags: 'x y' })
    expect(result.exitCode).toBe(1)
    expect(result.errors.map((e) => e.title)).toEqual(
      expect.arrayContaining([
        'Missing credential',
        'Invalid input: zone',
        'Invalid input: files',
        'Invalid input: tags'
      ])
    )
  })
})

describe('the runner itself failing', () => {
  it('explains an outputs file that cannot be written, without a stack trace', async () => {
    const result = await runAction(
      {
        api_url: emulator.url,
        zone: zones.free.id,
        api_token: tokens.user.value,
        files: 'https://example.com/a'
      },
      { env: { GITHUB_OUTPUT: tmpdir() } }
    )
    expect(result.exitCode).toBe(1)
    expect(result.errors.map((e) => e.title)).toContain('Unexpected failure')
    expect(result.errors.map((e) => e.message).join('\n')).toMatch(
      /outputs or the job summary could not be written/
    )
    expectNoSecrets(result)
  })
})

describe('Cloudflare refusals are explained', () => {
  it('names a token that Cloudflare does not know', async () => {
    const result = await run({
      zone: zones.free.id,
      api_token: 'FAKEunknownToken0000000000000000000000ab',
      account_id: fixture.accountId,
      files: 'https://example.com/a'
    })
    expect(result.exitCode).toBe(1)
    expect(result.errors.map((e) => e.title)).toEqual(['API token not recognised'])
    expect(emulator.purgeRequests()).toEqual([])
  })

  it('says the token may not purge when the purge answers 10000', async () => {
    const result = await run({
      zone: zones.free.id,
      api_token: tokens.noPurge.value,
      files: 'https://example.com/a'
    })
    expect(result.exitCode).toBe(1)
    expect(result.errors.map((e) => e.title)).toEqual(['Token may not purge this zone'])
    expect(result.errors[0]!.message).toMatch(/Cache Purge → Purge/)
    expect(failedEntries(result)).toEqual([
      expect.objectContaining({ item: 'https://example.com/a', zone: zones.free.id, type: 'files' })
    ])
    expect(result.outputs.failed_count).toBe('1')
    expectNoSecrets(result)
  })
})
