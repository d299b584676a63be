// Issue 22, class by class: what pasting, quoting, list styles and file encodings put around items is read
// past (and said), the items are purged as they look, and what cannot be told apart stops with the reason.
import { describe, expect, it } from '@jest/globals'
import { decodeListFile } from '../../src/inputs/file-text.js'
import { normalizedForm } from '../../src/inputs/canonical-url.js'
import { parseFiles, parseHosts, parsePrefixes, parseTags } from '../../src/inputs/items.js'
import { cleanText, splitList, unquote } from '../../src/inputs/list-syntax.js'
import { parseSettings, type RawInputs } from '../../src/inputs/parser.js'
import { pathInWorkspace } from '../../src/inputs/workspace.js'

const TOKEN = 'FAKEuserTokenAllPerms0000000000000000001'
const noFile = (): string => {
  throw Object.assign(new Error('nope'), { code: 'ENOENT' })
}
const parse = (
  raw: RawInputs,
  readFile: (path: string) => string | Uint8Array = noFile,
  workspace?: string
) =>
  parseSettings(
    { zone: 'example.com', api_token: TOKEN, ...raw },
    { readFile, ...(workspace ? { workspace } : {}) }
  )
const urls = (text: string): string[] => parseFiles(text, { input: 'files' }).items.map((i) => i.url)

describe('characters that do not show', () => {
  const spaces = ['\u00a0', '\u1680', '\u2000', '\u2005', '\u200a', '\u202f', '\u205f', '\u3000']
  const zeroWidth = [
    '\u200b',
    '\u200c',
    '\u200d',
    '\u2060',
    '\ufeff',
    '\u00ad',
    '\u200e',
    '\u200f',
    '\u202a',
    '\u202e',
    '\u2066',
    '\u2069'
  ]
  const lineBreaks = ['\u2028', '\u2029', '\u0085']

  it.each(spaces)('reads U+%s as a space between items', (c) => {
    expect(urls(`https://example.com/a${c}https://example.com/b`)).toEqual([
      'https://example.com/a',
      'https://example.com/b'
    ])
    expect(cleanText(`a${c}b`).text).toBe('a b')
  })

  it.each(zeroWidth)('removes U+%s, inside an item or around it', (c) => {
    expect(cleanText(`${c}exa${c}mple.com${c}`).text).toBe('example.com')
  })

  it.each(lineBreaks)('reads U+%s as a line break', (c) => {
    expect(cleanText(`a${c}b`).text).toBe('a\nb')
  })

  it('says so once per input, naming the characters, and purges the items as they look', () => {
    const result = parse({
      files: 'https://exa\u200bmple.com/a\u00a0https://example.com/b',
      tags: 'release-42,\u00a0blog\ufeff',
      hosts: 'www.example.com\u2028cdn.example.com',
      prefixes: '\u200eexample.com/blog/'
    })
    expect(result.errors).toEqual([])
    expect(result.warnings.map((w) => [w.id, w.message.slice(0, w.message.indexOf(')') + 1)])).toEqual([
      ['invisible-characters', '`files` holds characters that do not show (U+200B and U+00A0)'],
      ['invisible-characters', '`tags` holds characters that do not show (U+FEFF and U+00A0)'],
      ['invisible-characters', '`hosts` holds characters that do not show (U+2028)'],
      ['invisible-characters', '`prefixes` holds characters that do not show (U+200E)']
    ])
    expect(result.settings?.purge).toMatchObject({
      files: [{ url: 'https://example.com/a' }, { url: 'https://example.com/b' }],
      tags: ['release-42', 'blog'],
      hosts: ['www.example.com', 'cdn.example.com'],
      prefixes: ['example.com/blog/']
    })
  })

  it('in environment too', () => {
    expect(parse({ tags: 'a', environment: '\u200bStaging\u00a0' }).settings?.environment).toBe('Staging')
  })

  it('in zone too', () => {
    const result = parse({ zone: '\u200bexample.com\u00a0', tags: 'a' })
    expect(result.settings?.zones).toEqual([{ kind: 'name', name: 'example.com', input: 'example.com' }])
  })
})

describe('quoting styles', () => {
  const pairs = [
    ['"', '"'],
    ["'", "'"],
    ['`', '`'],
    ['\u201c', '\u201d'],
    ['\u2018', '\u2019'],
    ['\u201e', '\u201c'],
    ['\u00ab', '\u00bb'],
    ['\u2039', '\u203a'],
    ['\uff02', '\uff02']
  ]

  it.each(pairs)('removes %s…%s around tags, hosts, prefixes and URLs', (open, close) => {
    expect(parseTags(`${open}release-42${close}, ${open}blog${close}`).items).toEqual(['release-42', 'blog'])
    expect(parseHosts(`${open}www.example.com${close}`).items).toEqual(['www.example.com'])
    expect(parsePrefixes(`${open}example.com/blog/${close}`).items).toEqual(['example.com/blog/'])
    expect(urls(`${open}https://example.com/a${close}`)).toEqual(['https://example.com/a'])
  })

  it('keeps a quote that is part of an item: only a matching pair around it goes', () => {
    expect(unquote('"a')).toBe('"a')
    expect(unquote('a"')).toBe('a"')
    expect(unquote('"a\'')).toBe('"a\'')
    expect(urls("https://example.com/it's")).toEqual(["https://example.com/it's"])
  })

  it('reads quoted words separated by spaces as items', () => {
    expect(parseTags('"release-42" "blog"').items).toEqual(['release-42', 'blog'])
    expect(parseTags("'a' 'b', c").items).toEqual(['a', 'b', 'c'])
    // Unquoted words with a space stay one item, refused for it.
    expect(parseTags('release 42').errors.map((e) => e.id)).toEqual(['bad-tag'])
  })
})

describe('list separators', () => {
  it('files: a comma after each URL, at the end of a line or before a space, separates', () => {
    for (const text of [
      'https://example.com/a,\nhttps://example.com/b',
      'https://example.com/a,\r\nhttps://example.com/b,',
      'https://example.com/a, https://example.com/b',
      ',https://example.com/a\t,https://example.com/b',
      '"https://example.com/a", "https://example.com/b"'
    ]) {
      expect(urls(text)).toEqual(['https://example.com/a', 'https://example.com/b'])
    }
  })

  it('files: a comma glued to the next URL is ambiguous in a plain list, and unambiguous in JSON', () => {
    const glued = 'https://example.com/go?to=a,https://example.com/b'
    expect(parseFiles(glued, { input: 'files' }).errors.map((e) => e.id)).toEqual(['urls-joined-by-commas'])
    expect(urls(JSON.stringify([glued]))).toEqual([glued])
  })

  it('tags, hosts, prefixes and zone: a JSON array of strings, as toJSON gives it', () => {
    expect(parseTags('["release-42","blog"]').items).toEqual(['release-42', 'blog'])
    expect(parseTags('[\n  "release-42",\n  "blog"\n]').items).toEqual(['release-42', 'blog'])
    expect(parseHosts('["www.example.com", "cdn.example.com"]').items).toEqual([
      'www.example.com',
      'cdn.example.com'
    ])
    expect(parsePrefixes('["example.com/a/"]').items).toEqual(['example.com/a/'])
    expect(parse({ zone: '["example.com", "example.net"]', tags: 'a' }).settings?.zones).toHaveLength(2)
  })

  it('brackets around a comma-separated list (YAML flow style) are dropped', () => {
    expect(splitList('[release-42, blog]')).toEqual(['release-42', 'blog'])
    expect(splitList("['release-42', 'blog']")).toEqual(['release-42', 'blog'])
    // One bracketed item without a comma is left as it is: a tag may be "[draft]".
    expect(splitList('[draft]')).toEqual(['[draft]'])
  })
})

describe('file encodings', () => {
  const text = 'https://example.com/a\r\nhttps://example.com/b\r\n'
  const utf16be = (s: string): Uint8Array => {
    const le = Buffer.from(s, 'utf16le')
    for (let i = 0; i < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1] as number, le[i] as number]
    return le
  }

  it.each([
    ['UTF-8', Buffer.from(text, 'utf8')],
    ['UTF-8 with BOM', Buffer.from(`\ufeff${text}`, 'utf8')],
    ['UTF-16 LE with BOM (PowerShell 5 `>` and Out-File)', Buffer.from(`\ufeff${text}`, 'utf16le')],
    ['UTF-16 BE with BOM', utf16be(`\ufeff${text}`)],
    ['UTF-16 LE without BOM', Buffer.from(text, 'utf16le')],
    ['UTF-16 BE without BOM', utf16be(text)]
  ])('%s is read as the list it holds', (_name, bytes) => {
    const decoded = decodeListFile(bytes)
    expect(decoded.ok && decoded.text.replace(/^\ufeff/, '')).toBe(text)
    const result = parse({ files_from: 'urls.txt' }, () => bytes)
    expect(result.errors).toEqual([])
    expect(result.settings?.purge.files.map((f) => f.url)).toEqual([
      'https://example.com/a',
      'https://example.com/b'
    ])
  })

  it('says what is wrong with a file that is none of them, without guessing', () => {
    const latin1 = Buffer.from([0x68, 0x74, 0x74, 0x70, 0xe9, 0x0a])
    const binary = Buffer.from([0x00, 0x00, 0x01, 0x02, 0x68, 0x00])
    for (const bytes of [latin1, binary]) {
      const result = parse({ files_from: 'urls.txt' }, () => bytes)
      expect(result.errors.map((e) => e.id)).toEqual(['files-from-unreadable'])
    }
    expect(parse({ files_from: 'urls.txt' }, () => latin1).errors[0]?.message).toMatch(/not UTF-8 text/)
  })
})

describe('files_from: inside the workspace, never echoed', () => {
  const read = (): string => 'https://example.com/a'

  it.each(['../secrets.txt', '/etc/passwd', 'sub/../../x.txt', '..'])(
    'the action refuses %s, outside the workspace, without reading it',
    (path) => {
      let asked = false
      const result = parse({ files_from: path }, () => ((asked = true), ''), '/work/ws')
      expect(result.errors.map((e) => e.id)).toEqual(['files-from-outside-workspace'])
      expect(asked).toBe(false)
    }
  )

  it('reads a path inside it, given relative or absolute', () => {
    expect(pathInWorkspace('/work/ws', 'sub/../urls.txt')).toBe('/work/ws/urls.txt')
    expect(pathInWorkspace('/work/ws', '/work/ws/a/urls.txt')).toBe('/work/ws/a/urls.txt')
    expect(pathInWorkspace('/work/ws', '/work/ws-other/urls.txt')).toBeUndefined()
    expect(parse({ files_from: 'urls.txt' }, read, '/work/ws').errors).toEqual([])
  })

  it('the command line (no workspace) reads any path its user names', () => {
    const seen: string[] = []
    parse({ files_from: '../elsewhere/urls.txt' }, (p) => (seen.push(p), 'https://example.com/a'))
    expect(seen).toEqual(['../elsewhere/urls.txt'])
  })

  it('a file that is not a URL list: line numbers and a masked start, never a line', () => {
    const env =
      'API_KEY=abcdef0123456789secret\n# a comment\nDB_URL=postgres://u:pw@db/x\nhttps://example.com/a'
    const result = parse({ files_from: '.env' }, () => env)
    expect(result.errors.map((e) => e.id)).toEqual(['files-not-urls'])
    const message = result.errors[0]?.message ?? ''
    expect(message).toContain('has 2 lines that are not a full URL (line 1, 3; the first starts "API_…")')
    expect(message).not.toMatch(/abcdef|secret|postgres|pw@/)
  })

  it('a comment after a URL in the file is named by its line, not quoted', () => {
    const result = parse({ files_from: 'urls.txt' }, () => 'https://example.com/a # token=abc123')
    expect(result.errors.map((e) => e.message)).toEqual([expect.stringContaining('"line 1"')])
    expect(result.errors[0]?.message).not.toContain('abc123')
  })

  it('many such lines make one finding, with ten line numbers at most', () => {
    const lines = Array.from({ length: 25 }, (_, i) => `KEY${i}=value${i}`).join('\n')
    const result = parse({ files_from: 'x' }, () => lines)
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0]?.message).toContain('line 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 and 15 more')
  })
})

describe('a "*" and a comma that belong to the URL', () => {
  it('purges a "*" in the query or inside a name as written', () => {
    expect(urls('https://example.com/search?q=* https://example.com/a*b.html')).toEqual([
      'https://example.com/search?q=*',
      'https://example.com/a*b.html'
    ])
  })

  it.each([
    'https://example.com/*',
    'https://example.com/assets/*.css',
    'https://example.com/img*',
    'https://*.example.com/a'
  ])('refuses %s, where "*" reads as a wildcard, pointing to prefixes', (url) => {
    const { errors } = parseFiles(url, { input: 'files' })
    expect(errors.map((e) => e.id)).toEqual(['bad-url'])
    expect(errors[0]?.message).toMatch(/does not expand wildcards.*`prefixes`/)
  })
})

describe('items known to fail are not sent', () => {
  it('refuses one cache-key header given twice in different case, in any order', () => {
    for (const headers of [
      { 'CF-IPCountry': 'US', 'cf-ipcountry': 'DE' },
      { 'accept-language': 'en', 'Accept-Language': 'en' }
    ]) {
      const { errors, items } = parseFiles(JSON.stringify([{ url: 'https://example.com/a', headers }]), {
        input: 'files'
      })
      expect(items).toEqual([])
      expect(errors.map((e) => e.id)).toEqual(['bad-files-json'])
      expect(errors[0]?.message).toMatch(/twice \(also as ".*"\); header names ignore case/)
    }
  })
})

describe("V8's JSON message", () => {
  it('never quotes the text, short or long (it may hold a password)', () => {
    for (const text of [
      '["https://u:hunter2pass@example.com/abcdefghijklmnopqrstuvwxyz", x]',
      '[1,}hunter2pass',
      '["hunter2pass" x]'
    ]) {
      const { errors } = parseFiles(text, { input: 'files' })
      expect(errors.map((e) => e.id)).toEqual(['bad-files-json'])
      expect(errors[0]?.message).not.toContain('hunter2')
    }
  })
})

describe("Cloudflare's URL normalization", () => {
  it.each([
    ['https://example.com/%7efoo', 'https://example.com/~foo'],
    ['https://example.com/%68ello', 'https://example.com/hello'],
    ['https://example.com/a%2fb', 'https://example.com/a%2Fb'],
    ['https://example.com//a//b', 'https://example.com/a/b'],
    ['https://example.com/a|b^c', 'https://example.com/a%7Cb%5Ec'],
    ['https://example.com/caf%c3%a9', 'https://example.com/caf%C3%A9']
  ])('%s is cached as %s on a normalizing zone', (written, cached) => {
    expect(normalizedForm(written)).toBe(cached)
  })

  it('leaves a URL that is already normalized, and the query, as they are', () => {
    expect(normalizedForm('https://example.com/~foo?q=%7e')).toBeUndefined()
    expect(normalizedForm('https://example.com/caf%C3%A9')).toBeUndefined()
  })

  it('purges both forms, each once, with one notice', () => {
    const result = parse({
      files: 'https://example.com/%7efoo https://example.com/~foo https://example.com/%7eb'
    })
    expect(result.settings?.purge.files.map((f) => f.url)).toEqual([
      'https://example.com/%7efoo',
      'https://example.com/~foo',
      'https://example.com/%7eb',
      'https://example.com/~b'
    ])
    expect(result.warnings.map((w) => w.id)).toEqual(['url-normalized'])
  })
})
