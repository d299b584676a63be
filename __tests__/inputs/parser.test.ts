import { describe, expect, it } from '@jest/globals'
import { parseSettings, parseZone, type RawInputs } from '../../src/inputs/parser.js'

const TOKEN = 'FAKEuserTokenAllPerms0000000000000000001'
const ZONE = 'f00d0000000000000000000000000001'
function missing(): string {
  throw Object.assign(new Error('nope'), { code: 'ENOENT' })
}

function parse(raw: RawInputs, readFile: (path: string) => string = missing) {
  return parseSettings(raw, { readFile })
}
const titles = (raw: RawInputs) => parse(raw).errors.map((e) => e.title)

describe('parseSettings', () => {
  it('builds settings from a minimal valid set', () => {
    const { settings, errors, warnings } = parse({
      zone: ZONE,
      api_token: TOKEN,
      files: 'https://example.com/a'
    })
    expect(errors).toEqual([])
    expect(warnings).toEqual([])
    expect(settings).toEqual({
      zones: [{ kind: 'id', id: ZONE }],
      credential: { kind: 'token', token: TOKEN },
      purge: {
        everything: false,
        files: [{ url: 'https://example.com/a' }],
        tags: [],
        hosts: [],
        prefixes: []
      },
      dryRun: false,
      apiUrl: 'https://api.cloudflare.com/client/v4',
      timeoutMs: 300_000
    })
  })

  it('collects every problem instead of stopping at the first', () => {
    expect(titles({ zone: 'not a zone', files: 'relative/path.css', tags: 'a b', dry_run: 'maybe' })).toEqual(
      expect.arrayContaining([
        'Missing credential',
        'Invalid input: zone',
        'Invalid input: files',
        'Invalid input: tags',
        'Invalid input'
      ])
    )
  })

  it('never purges everything unless purge_everything is exactly true', () => {
    expect(titles({ zone: ZONE, api_token: TOKEN })).toEqual(['Nothing to purge'])
    expect(titles({ zone: ZONE, api_token: TOKEN, purge_everything: 'yes' })).toContain('Invalid input')
    expect(parse({ zone: ZONE, api_token: TOKEN, purge_everything: 'TRUE' }).settings?.purge.everything).toBe(
      true
    )
    expect(titles({ zone: ZONE, api_token: TOKEN, purge_everything: 'true', tags: 'x' })).toEqual([
      'purge_everything with items'
    ])
  })

  it('refuses purge_everything beside an items input even when every item is a duplicate or blank', () => {
    expect(titles({ zone: ZONE, api_token: TOKEN, purge_everything: 'true', hosts: ' , ' })).toEqual([
      'purge_everything with items'
    ])
  })

  it('deduplicates items on their canonical form: hosts case-insensitive, paths not, headers distinguish files', () => {
    const files = JSON.stringify([
      'https://Example.com/A',
      'https://example.com/A',
      'https://example.com/a',
      { url: 'https://example.com/A', headers: { 'CF-Device-Type': 'mobile' } },
      { url: 'https://example.com/A', headers: { 'cf-device-type': 'mobile' } }
    ])
    const { settings } = parse({
      zone: ZONE,
      api_token: TOKEN,
      files,
      tags: 'Rel, rel, other',
      prefixes: 'Example.com/Blog\nexample.com/Blog'
    })
    expect(settings?.purge.files).toEqual([
      { url: 'https://example.com/A' },
      { url: 'https://example.com/a' },
      { url: 'https://example.com/A', headers: { 'CF-Device-Type': 'mobile' } }
    ])
    expect(settings?.purge.tags).toEqual(['Rel', 'other'])
    expect(settings?.purge.prefixes).toEqual(['example.com/Blog'])
  })

  it('reads files_from through the given reader and merges it with files', () => {
    const read = (path: string): string =>
      path === 'urls.txt' ? 'https://example.com/1\nhttps://example.com/2\n' : ''
    const { settings } = parse(
      { zone: ZONE, api_token: TOKEN, files: 'https://example.com/2', files_from: 'urls.txt' },
      read
    )
    expect(settings?.purge.files.map((f) => f.url)).toEqual([
      'https://example.com/2',
      'https://example.com/1'
    ])
  })

  it('says when files_from cannot be read', () => {
    const { errors } = parse({ zone: ZONE, api_token: TOKEN, files_from: 'missing.txt' })
    expect(errors.map((e) => e.title)).toEqual(['Invalid input: files_from'])
    expect(errors[0]?.message).toContain('no such file')
  })

  it('suggests the full URL for a relative path using the zone name', () => {
    const { errors } = parse({ zone: 'example.com', api_token: TOKEN, files: '/testing/test' })
    expect(errors[0]?.message).toContain('https://example.com/testing/test')
  })

  it('says a list is empty only when no item in it was refused', () => {
    const refused = parse({ zone: ZONE, api_token: TOKEN, files: '/a.css' })
    expect(refused.errors.map((e) => e.id)).toEqual(['relative-url'])
    expect(refused.warnings).toEqual([])
    const empty = parse({ zone: ZONE, api_token: TOKEN, files: '[]' })
    expect(empty.errors).toEqual([])
    expect(empty.warnings.map((w) => w.id)).toEqual(['lists-empty'])
  })

  it('accepts plain http only for loopback API URLs', () => {
    expect(
      parse({ zone: ZONE, api_token: TOKEN, tags: 'x', api_url: 'http://127.0.0.1:8080/client/v4/' }).settings
        ?.apiUrl
    ).toBe('http://127.0.0.1:8080/client/v4')
    expect(
      parse({ zone: ZONE, api_token: TOKEN, tags: 'x', api_url: 'http://[::1]:8080/x' }).settings
    ).toBeDefined()
    expect(titles({ zone: ZONE, api_token: TOKEN, tags: 'x', api_url: 'http://api.example.com' })).toEqual([
      'Invalid input'
    ])
    expect(
      titles({ zone: ZONE, api_token: TOKEN, tags: 'x', api_url: 'https://user:pw@api.example.com' })
    ).toEqual(['Invalid input'])
  })

  it('validates batch_size and timeout as bounded whole numbers', () => {
    expect(
      parse({ zone: ZONE, api_token: TOKEN, tags: 'x', batch_size: '500', timeout: '60' }).settings
    ).toMatchObject({
      batchSize: 500,
      timeoutMs: 60_000
    })
    expect(titles({ zone: ZONE, api_token: TOKEN, tags: 'x', batch_size: '0' })).toEqual(['Invalid input'])
    expect(titles({ zone: ZONE, api_token: TOKEN, tags: 'x', timeout: '1.5' })).toEqual(['Invalid input'])
  })

  it('checks account_id', () => {
    expect(titles({ zone: ZONE, api_token: TOKEN, tags: 'x', account_id: 'acc' })).toEqual([
      'Invalid input: account_id'
    ])
    expect(
      parse({ zone: ZONE, api_token: TOKEN, tags: 'x', account_id: ZONE.toUpperCase() }).settings?.accountId
    ).toBe(ZONE)
  })

  it('builds a global-key credential only with a valid email', () => {
    const key = 'c0ffeec0ffeec0ffeec0ffeec0ffeec0ffee0'
    expect(
      parse({ zone: ZONE, email: ' me@example.com ', global_key: key, tags: 'x' }).settings?.credential
    ).toEqual({
      kind: 'global-key',
      email: 'me@example.com',
      key
    })
    expect(titles({ zone: ZONE, email: 'me', global_key: key, tags: 'x' })).toEqual(['Invalid input: email'])
  })

  it('warns that email is ignored beside a token', () => {
    const { warnings, settings } = parse({ zone: ZONE, api_token: TOKEN, email: 'me@example.com', tags: 'x' })
    expect(settings?.credential.kind).toBe('token')
    expect(warnings.map((w) => w.title)).toEqual(['email ignored'])
  })
})

describe('parseZone', () => {
  it('accepts IDs in either case and names in any case or script', () => {
    expect(parseZone(ZONE.toUpperCase())).toEqual({ kind: 'id', id: ZONE })
    expect(parseZone('WWW.Example.COM.')).toEqual({
      kind: 'name',
      name: 'www.example.com',
      input: 'WWW.Example.COM.'
    })
    expect(parseZone('bücher.example')).toMatchObject({ kind: 'name', name: 'xn--bcher-kva.example' })
  })

  it('explains what is wrong with a value that is neither', () => {
    expect(parseZone('https://www.example.com/page')).toBe(
      'is a URL; write just the domain "www.example.com"'
    )
    expect(parseZone(ZONE.slice(0, 31))).toMatch(
      /31 characters instead of 32 \(was it cut off when copied\?\)/
    )
    // One character too many was not cut off.
    expect(parseZone(`${ZONE}0`)).toMatch(
      /33 characters instead of 32 \(was it copied with something else\?\)/
    )
    expect(parseZone(`${ZONE}0`)).not.toMatch(/cut off/)
    expect(parseZone('localhost')).toBe('is not a valid domain name')
    expect(parseZone('-bad-.com')).toBe('is not a valid domain name')
  })
})
