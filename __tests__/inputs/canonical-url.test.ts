// One canonical form for every URL to purge, from `files`, `files_from` and `changed_paths` alike.
import { describe, expect, it } from '@jest/globals'
import { canonicalUrl, hideUserinfo, userinfoSecrets } from '../../src/inputs/canonical-url.js'
import { parseChangedPaths, urlsForChanges } from '../../src/inputs/changed-urls.js'
import { fileKey, parseFiles } from '../../src/inputs/items.js'
import { withChangedUrls } from '../../src/inputs/request.js'

const canonical = (value: string): string | undefined => {
  const result = canonicalUrl(value)
  return result.ok ? result.url : undefined
}
const problem = (value: string, zoneName?: string) => {
  const result = canonicalUrl(value, zoneName)
  return result.ok ? undefined : result.finding
}

describe('canonicalUrl', () => {
  it.each([
    ['https://Example.COM/a', 'https://example.com/a'],
    ['HTTPS://example.com/a', 'https://example.com/a'],
    ['https://example.com:443/c', 'https://example.com/c'],
    ['http://example.com:80/c', 'http://example.com/c'],
    ['https://example.com:8443/c', 'https://example.com:8443/c'],
    ['https://example.com/a#frag', 'https://example.com/a'],
    ['https://example.com/a#', 'https://example.com/a'],
    ['https://example.com', 'https://example.com/'],
    ['https://Bücher.Example/ä', 'https://xn--bcher-kva.example/%C3%A4'],
    ['https://example.com/a/../b?q=1', 'https://example.com/b?q=1'],
    ['https://evil.com\\@example.com/x', 'https://evil.com/@example.com/x']
  ])('%s → %s', (value, expected) => {
    expect(canonical(value)).toBe(expected)
  })

  it('keeps what is part of the cache key as written: path case, query, percent-encoding', () => {
    expect(canonical('https://example.com/Path?B=2&a=1')).toBe('https://example.com/Path?B=2&a=1')
    expect(canonical('https://example.com/%7e')).toBe('https://example.com/%7e')
  })

  it('says when a fragment was removed', () => {
    expect(canonicalUrl('https://example.com/a#top')).toEqual({
      ok: true,
      url: 'https://example.com/a',
      hadFragment: true
    })
    expect(canonicalUrl('https://example.com/a')).toMatchObject({ hadFragment: false })
  })

  it('refuses a user name or password without ever showing the password', () => {
    const finding = problem('https://editor:Hunter2-pass@example.com/b')
    expect(finding?.id).toBe('url-credentials')
    expect(finding?.message).toContain('"https://***@example.com/b"')
    expect(finding?.message).toContain('write "https://example.com/b"')
    expect(finding?.message).not.toMatch(/Hunter2|editor/)
    expect(problem('https://editor@example.com/b')?.id).toBe('url-credentials')
  })

  it('never shows a password in the other refusals either', () => {
    for (const value of [
      'ftp://u:Hunter2-pass@example.com/a',
      'https://u:Hunter2-pass@example.com/a b',
      'https://u:Hunter2-pass@example.com/*.css',
      'https://u:Hunter2-pass@/a',
      'u:Hunter2-pass@example.com/a',
      '//u:Hunter2-pass@example.com/a',
      'https://u:Hunter2-pass@example.com/a,https://example.com/b'
    ]) {
      const finding = problem(value, 'example.com')
      expect(finding).toBeDefined()
      expect(finding?.message).not.toContain('Hunter2-pass')
    }
  })

  it('refuses URLs joined by commas, and keeps a comma inside a URL', () => {
    expect(problem('https://example.com/a,https://example.com/b')?.id).toBe('urls-joined-by-commas')
    expect(problem('https://example.com/a,HTTP://example.com/b')?.id).toBe('urls-joined-by-commas')
    expect(canonical('https://example.com/a,b')).toBe('https://example.com/a,b')
  })
})

describe('hideUserinfo', () => {
  it('hides what the URL parser would read as user name and password', () => {
    expect(hideUserinfo('https://u:p@example.com/x')).toBe('https://***@example.com/x')
    expect(hideUserinfo('see http://a@b@example.com/ and https://c:d@e.example/')).toBe(
      'see http://***@example.com/ and https://***@e.example/'
    )
    expect(hideUserinfo('u:pass@example.com/x')).toBe('***@example.com/x')
    expect(hideUserinfo('public/ => 1https://u:p@example.com/')).toBe('public/ => 1https://***@example.com/')
  })

  it('leaves an "@" in a path or after a backslash alone', () => {
    expect(hideUserinfo('https://example.com/@me')).toBe('https://example.com/@me')
    expect(hideUserinfo('https://evil.com\\@example.com/x')).toBe('https://evil.com\\@example.com/x')
  })

  it('takes linear time on text built to make it backtrack', () => {
    const started = performance.now()
    hideUserinfo(`${'a'.repeat(200_000)}:`)
    hideUserinfo('https://'.repeat(25_000))
    hideUserinfo('a@'.repeat(100_000))
    expect(performance.now() - started).toBeLessThan(2000)
  })
})

describe('userinfoSecrets', () => {
  it('gives the forms of a password a log line could show', () => {
    expect(userinfoSecrets('http://admin:pa%24%24word@host/client/v4').sort()).toEqual(
      ['http://admin:pa%24%24word@host/client/v4', 'admin:pa%24%24word', 'pa%24%24word', 'pa$$word'].sort()
    )
    expect(userinfoSecrets('https://api.cloudflare.com/client/v4')).toEqual([])
    expect(userinfoSecrets('https://admin@host/')).toEqual([])
  })

  it('leaves out forms too short to mask without garbling the log', () => {
    expect(userinfoSecrets('http://a:pw@h/')).toEqual(['http://a:pw@h/', 'a:pw'])
  })
})

describe('canonical URLs in the item lists', () => {
  it('parses files into canonical URLs and records the fragments removed', () => {
    const parsed = parseFiles('https://Example.com/a#top\nhttps://example.com:443/b', { input: 'files' })
    expect(parsed.items).toEqual([{ url: 'https://example.com/a' }, { url: 'https://example.com/b' }])
    expect(parsed.fragments).toEqual([['https://Example.com/a#top', 'https://example.com/a']])
  })

  it('canonicalises JSON entries and keeps their headers', () => {
    const parsed = parseFiles('[{"url": "https://EXAMPLE.com/a#x", "headers": {"CF-IPCountry": "US"}}]', {
      input: 'files'
    })
    expect(parsed.items).toEqual([{ url: 'https://example.com/a', headers: { 'CF-IPCountry': 'US' } }])
  })

  it('keys files on the canonical form and the headers', () => {
    expect(fileKey({ url: 'https://EXAMPLE.com:443/a#x' })).toBe(fileKey({ url: 'https://example.com/a' }))
    expect(fileKey({ url: 'https://example.com/a', headers: { A: '1' } })).toBe(
      fileKey({ url: 'https://example.com/a', headers: { a: '1' } })
    )
    expect(fileKey({ url: 'https://example.com/a', headers: { A: '1' } })).not.toBe(
      fileKey({ url: 'https://example.com/a' })
    )
  })

  it('merges the URLs of changed files into the files given, each once', () => {
    const files = parseFiles('https://EXAMPLE.com/app.css#top', { input: 'files' }).items
    const { mappings } = parseChangedPaths('public/ => https://Example.com:443/')
    const { urls, errors } = urlsForChanges([{ path: 'public/app.css', status: 'modified' }], mappings)
    expect(errors).toEqual([])
    expect(urls).toEqual(['https://example.com/app.css'])
    const purge = { everything: false, files, tags: [], hosts: [], prefixes: [] }
    expect(withChangedUrls(purge, urls).files).toEqual([{ url: 'https://example.com/app.css' }])
  })

  it('checks the URLs of changed files like those in files', () => {
    const { mappings } = parseChangedPaths('public/ => https://example.com/')
    const { urls, errors } = urlsForChanges(
      [
        { path: 'public/all*.css', status: 'modified' },
        { path: 'public/ok.css', status: 'modified' }
      ],
      mappings
    )
    expect(urls).toEqual(['https://example.com/ok.css'])
    expect(errors.map((e) => e.id)).toEqual(['bad-changed-url'])
    expect(errors[0]?.message).toMatch(/"https:\/\/example\.com\/all\*\.css" cannot be purged as a file/)
  })

  it('never shows the password of a changed_paths URL', () => {
    const { errors } = parseChangedPaths('public/ => https://u:Hunter2-pass@example.com/')
    expect(errors.map((e) => e.id)).toEqual(['bad-changed-paths'])
    expect(errors[0]?.message).not.toContain('Hunter2-pass')
    expect(errors[0]?.message).toContain('https://***@example.com/')
  })
})
