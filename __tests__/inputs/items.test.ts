import { describe, expect, it } from '@jest/globals'
import {
  fileKey,
  parseFiles,
  parseHosts,
  parsePrefixes,
  parseTags,
  splitList
} from '../../src/inputs/items.js'
import {
  candidateZoneNames,
  isHostInZone,
  isLoopbackHost,
  toAsciiHostname
} from '../../src/cloudflare/hostnames.js'

describe('files', () => {
  it('splits plain lists on any whitespace', () => {
    expect(
      parseFiles(' https://a.example/1\n\thttps://a.example/2  https://a.example/3 ', { input: 'files' })
        .items
    ).toHaveLength(3)
  })

  it('reads JSON arrays of strings and {url, headers} objects', () => {
    const parsed = parseFiles(
      '["https://a.example/1", {"url": "https://a.example/2", "headers": {"CF-IPCountry": "US"}}]',
      { input: 'files' }
    )
    expect(parsed.errors).toEqual([])
    expect(parsed.items).toEqual([
      { url: 'https://a.example/1' },
      { url: 'https://a.example/2', headers: { 'CF-IPCountry': 'US' } }
    ])
  })

  it.each([
    ['{"url": 1}', /not an array/],
    ['[1]', /neither a URL string/],
    ['[{"href": "https://a.example"}]', /no "url"/],
    ['[{"url": "https://a.example", "extra": 1}]', /unknown field "extra"/],
    ['[{"url": "https://a.example", "headers": {"X": 1}}]', /not a string/],
    ['[{"url": "https://a.example", "headers": {"X": "a\\nb"}}]', /line break/],
    ['[{"url": "https://a.example", "headers": {"Bad Name": "x"}}]', /invalid header name/]
  ])('rejects malformed JSON entries: %s', (text, reason) => {
    const { errors } = parseFiles(text, { input: 'files' })
    expect(errors).toHaveLength(1)
    expect(errors[0]?.message).toMatch(reason)
  })

  it('rejects relative paths, other schemes and wildcards, suggesting a fix', () => {
    const { errors } = parseFiles(
      '/a example.com/b ftp://x.example/c https://x.example/*.css //cdn.example/d',
      { input: 'files' },
      'example.com'
    )
    expect(errors.map((e) => e.message)).toEqual([
      expect.stringContaining('"https://example.com/a"'),
      expect.stringContaining('"https://example.com/b"'),
      expect.stringContaining('only http:// and https://'),
      expect.stringContaining('wildcards'),
      expect.stringContaining('"https://cdn.example/d"')
    ])
  })

  it('keys files by case-insensitive scheme and host but exact path and headers', () => {
    expect(fileKey({ url: 'HTTPS://WWW.Example.com/Path?Q=1' })).toBe(
      fileKey({ url: 'https://www.example.com/Path?Q=1' })
    )
    expect(fileKey({ url: 'https://example.com/Path' })).not.toBe(
      fileKey({ url: 'https://example.com/path' })
    )
    expect(fileKey({ url: 'https://example.com/', headers: { A: '1' } })).not.toBe(
      fileKey({ url: 'https://example.com/' })
    )
  })
})

describe('tags, hosts, prefixes', () => {
  it('splits on commas and newlines and ignores blanks and comments', () => {
    expect(splitList('a, b\n\n# note\nc,')).toEqual(['a', 'b', 'c'])
  })

  it('validates tags', () => {
    expect(parseTags('ok-1, two words').errors.map((e) => e.message)).toEqual([
      expect.stringContaining('contains a space')
    ])
    expect(parseTags('é').errors).toHaveLength(1)
    expect(parseTags('x'.repeat(1025)).errors[0]?.message).toContain('1025 characters')
    expect(parseTags('x'.repeat(1024)).items).toHaveLength(1)
  })

  it('validates hosts and suggests the bare name', () => {
    expect(parseHosts('WWW.Example.com').items).toEqual(['www.example.com'])
    const { errors } = parseHosts('https://www.example.com/x\nwww.example.com:8443\nnot a host')
    expect(errors.map((e) => e.message)).toEqual([
      expect.stringContaining('write "www.example.com"'),
      expect.stringContaining('has a port'),
      expect.stringContaining('not a valid hostname')
    ])
  })

  it('validates prefixes', () => {
    expect(parsePrefixes('Example.com/Blog/').items).toEqual(['example.com/Blog/'])
    const deep = `example.com${'/a'.repeat(32)}`
    const { errors } = parsePrefixes(
      `https://example.com/a\nexample.com/a?b=1\n/blog\n${deep}`,
      'example.com'
    )
    expect(errors.map((e) => e.message)).toEqual([
      expect.stringContaining('write "example.com/a"'),
      expect.stringContaining('query string'),
      expect.stringContaining('write "example.com/blog"'),
      expect.stringContaining('31 path separators')
    ])
  })
})

describe('hostnames', () => {
  it('converts to ASCII and rejects invalid names', () => {
    expect(toAsciiHostname('Münich.Example')).toBe('xn--mnich-kva.example')
    expect(toAsciiHostname('example')).toBeUndefined()
    expect(toAsciiHostname('1.2.3.4')).toBeUndefined()
    expect(toAsciiHostname('a..example')).toBeUndefined()
    expect(toAsciiHostname(`${'a'.repeat(64)}.example`)).toBeUndefined()
  })

  it('lists the candidate zone names most specific first, without the TLD', () => {
    expect(candidateZoneNames('a.b.example.co')).toEqual(['a.b.example.co', 'b.example.co', 'example.co'])
  })

  it('matches hosts to zones on label boundaries', () => {
    expect(isHostInZone('www.example.com', 'example.com')).toBe(true)
    expect(isHostInZone('example.com', 'example.com')).toBe(true)
    expect(isHostInZone('badexample.com', 'example.com')).toBe(false)
  })

  it('recognises loopback hosts only', () => {
    expect(['127.0.0.1', '127.1.2.3', 'localhost', '[::1]'].every(isLoopbackHost)).toBe(true)
    expect(['10.0.0.1', 'example.com', '127.0.0.1.example.com'].some(isLoopbackHost)).toBe(false)
  })
})
