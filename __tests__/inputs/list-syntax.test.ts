// One list syntax per input, one comment rule for all, every problem reported once, and what a run that
// stops on an input error still knows it was asked to purge.
import { describe, expect, it } from '@jest/globals'
import { requestedItems } from '../../src/report/result.js'
import { parseFiles, parseHosts, parsePrefixes, parseTags } from '../../src/inputs/items.js'
import { contentLines, isOneCommentLine, splitList } from '../../src/inputs/list-syntax.js'
import { parseChangedPaths } from '../../src/inputs/changed-urls.js'
import { parseSettings, type RawInputs } from '../../src/inputs/parser.js'

const TOKEN = 'FAKEuserTokenAllPerms0000000000000000001'
const ZONE = 'f00d0000000000000000000000000001'
const missing = (): string => {
  throw Object.assign(new Error('nope'), { code: 'ENOENT' })
}
const parse = (raw: RawInputs, readFile: (path: string) => string = missing) =>
  parseSettings({ zone: 'example.com', api_token: TOKEN, ...raw }, { readFile })
/** Every finding as "severity id", in order. */
const findings = (raw: RawInputs, readFile?: (path: string) => string): string[] => {
  const result = parse(raw, readFile)
  return [...result.errors, ...result.warnings].map((f) => `${f.severity} ${f.id}`)
}

describe('the comment rule: a line whose first non-blank character is "#"', () => {
  it('drops comment and blank lines, whatever the line ending', () => {
    expect(contentLines('# a\r\n  # b\n\n\tx\r\ny # not a comment\r')).toEqual(['\tx', 'y # not a comment'])
  })

  it('keeps "#" anywhere else: a tag after a comma is a tag', () => {
    expect(splitList('release, #blog')).toEqual(['release', '#blog'])
    expect(splitList('# heading\n a, b ,\n#c, d')).toEqual(['a', 'b'])
    expect(parseTags('release, #blog').items).toEqual(['release', '#blog'])
  })

  it('splits at a line break escaped inside a JSON string too: no item holds one (found by the property test)', () => {
    expect(splitList('["http://b\\r.de/","https://b.de/a.css"]')).toEqual([
      'http://b',
      '.de/',
      'https://b.de/a.css'
    ])
    expect(splitList('["a\\nb"]')).toEqual(['a', 'b'])
  })

  it('reads a comment line in files as a comment, not as words', () => {
    const parsed = parseFiles('# purge these files\nhttps://example.com/a\n   # done', { input: 'files' })
    expect(parsed).toMatchObject({ items: [{ url: 'https://example.com/a' }], errors: [] })
  })

  it('applies to a files_from file and to changed_paths', () => {
    const read = (): string => '# generated\nhttps://example.com/a\n'
    expect(parse({ files_from: 'urls.txt' }, read).settings?.purge.files).toEqual([
      { url: 'https://example.com/a' }
    ])
    expect(parseChangedPaths('# the site\npublic/ => https://example.com/').mappings).toEqual([
      { path: 'public/', url: 'https://example.com/' }
    ])
  })

  it('applies before JSON is recognised', () => {
    expect(parseFiles('# the list\n["https://example.com/a"]', { input: 'files' }).items).toEqual([
      { url: 'https://example.com/a' }
    ])
  })

  it('refuses a one-line value that is all comment, and allows a block of comment lines', () => {
    expect(isOneCommentLine('#blog, news')).toBe(true)
    expect(isOneCommentLine('  # all commented out\n')).toBe(false)
    expect(findings({ tags: '#blog, news' })).toEqual(['error comment-only-input'])
    // Not read as "no zone given" either, which would find the zones from the items' hostnames.
    expect(findings({ zone: '# example.com', tags: 'x' })).toEqual(['error comment-only-input'])
    expect(findings({ files: '# https://example.com/old\n' })).toEqual(['notice lists-empty'])
  })

  it('refuses "#" after an item on the same line, once per line', () => {
    const files = parseFiles('https://example.com/a # the home page\nhttps://example.com/b', {
      input: 'files'
    })
    expect(files.errors.map((e) => e.id)).toEqual(['inline-comment'])
    expect(files.errors[0]?.message).toContain('"https://example.com/a # the home page"')
    expect(parseHosts('www.example.com # prod').errors.map((e) => e.id)).toEqual(['inline-comment'])
    expect(parsePrefixes('example.com/blog/ #old').errors.map((e) => e.id)).toEqual(['inline-comment'])
    expect(parseTags('release #42').errors.map((e) => e.id)).toEqual(['inline-comment'])
  })
})

describe('separators', () => {
  it('files: whitespace, and a comma before the next space or line break; a comma glued to a URL is one error', () => {
    expect(
      parseFiles('https://example.com/a\thttps://example.com/b\nhttps://example.com/c', { input: 'files' })
        .items
    ).toHaveLength(3)
    for (const text of [
      'https://example.com/a, https://example.com/b',
      'https://example.com/a ,HTTPS://example.com/b',
      'https://example.com/a,\nhttps://example.com/b,\n',
      'https://example.com/a,\r\nhttps://example.com/b'
    ]) {
      const { items, errors } = parseFiles(text, { input: 'files' })
      expect(errors).toEqual([])
      expect(items.map((i) => i.url)).toEqual(['https://example.com/a', 'https://example.com/b'])
    }
    const glued = parseFiles('https://example.com/a,https://example.com/b', { input: 'files' })
    expect(glued.items).toEqual([])
    expect(glued.errors.map((e) => e.id)).toEqual(['urls-joined-by-commas'])
    expect(glued.errors[0]?.message).toContain('give the one URL in a JSON array')
    // In a JSON array the item is unambiguous: one URL whose query holds a URL.
    const json = parseFiles('["https://example.com/?next=a,https://example.com/b"]', { input: 'files' })
    expect(json.errors).toEqual([])
    expect(json.items.map((i) => i.url)).toEqual(['https://example.com/?next=a,https://example.com/b'])
  })

  it('hosts and prefixes: commas or newlines; spaces between valid items suggest commas', () => {
    expect(parseHosts('a.example.com, b.example.com\nc.example.com').items).toHaveLength(3)
    const hosts = parseHosts('a.example.com b.example.com')
    expect(hosts.errors.map((e) => e.id)).toEqual(['items-joined-by-spaces'])
    expect(hosts.errors[0]?.message).toContain('Write "a.example.com, b.example.com", or one per line')
    const prefixes = parsePrefixes('example.com/a/  example.com/b/')
    expect(prefixes.errors.map((e) => e.id)).toEqual(['items-joined-by-spaces'])
    expect(prefixes.errors[0]?.message).toContain('Write "example.com/a/, example.com/b/"')
    // Words that are not hosts keep the plainer message.
    expect(parseHosts('not a host').errors[0]?.message).toContain('is not a valid hostname')
  })

  it('zone: commas or newlines, with the same comment rule', () => {
    expect(parse({ zone: `# production\n${ZONE}, example.com`, tags: 'x' }).settings?.zones).toEqual([
      { kind: 'id', id: ZONE },
      { kind: 'name', name: 'example.com', input: 'example.com' }
    ])
  })
})

describe('each problem reported once', () => {
  it.each<[string, RawInputs, string[]]>([
    ['a path instead of a URL', { files: '/testing/test' }, ['error relative-url']],
    ['a missing files_from file', { files_from: 'missing.txt' }, ['error files-from-unreadable']],
    ['broken JSON', { files: '["https://example.com/a",' }, ['error bad-files-json']],
    ['an empty JSON list', { files: '[]' }, ['notice lists-empty']],
    ['purge_everything: yes', { purge_everything: 'yes' }, ['error bad-option']],
    [
      'a bad host beside an empty files_from file',
      { hosts: 'a b c', files_from: 'e.txt' },
      ['error bad-host']
    ],
    [
      'a bad changed_paths line',
      { changed_paths: 'public/ -> x', github_token: 'x' },
      ['error bad-changed-paths']
    ],
    ['a URL as the zone, with tags', { zone: 'https://example.com/', tags: 'x' }, ['error bad-zone']],
    ['nothing at all', {}, ['error nothing-to-purge']]
  ])('%s', (_name, raw, expected) => {
    // Every file exists and is empty, but missing.txt.
    expect(findings(raw, (path) => (path === 'missing.txt' ? missing() : ''))).toEqual(expected)
  })

  it('notices the fragments removed once for files and files_from together', () => {
    const result = parse(
      { files: 'https://example.com/a#x https://example.com/b#y', files_from: 'urls.txt' },
      () => 'https://example.com/c#z'
    )
    expect(result.warnings.map((w) => w.id)).toEqual(['url-fragment'])
    expect(result.warnings[0]?.message).toMatch(/^3 URLs have a fragment/)
    expect(result.settings?.purge.files.map((f) => f.url)).toEqual([
      'https://example.com/a',
      'https://example.com/b',
      'https://example.com/c'
    ])
  })
})

describe('api_url with credentials', () => {
  it.each([
    'http://admin:Sup3r-Secret-pw@api.example.com/client/v4',
    'https://admin:Sup3r-Secret-pw@api.example.com/client/v4',
    'http://admin:Sup3r-Secret-pw@127.0.0.1:8080/client/v4',
    'http://admin:Sup3r-Secret-pw@api.example.com:port/client/v4',
    'admin:Sup3r-Secret-pw@api.example.com/client/v4',
    'https://api.example.com/client/v4?admin=Sup3r-Secret-pw'
  ])('%s is refused without showing the password', (apiUrl) => {
    const { errors, settings } = parse({ tags: 'x', api_url: apiUrl })
    expect(settings).toBeUndefined()
    expect(errors.map((e) => e.id)).toEqual(['bad-option'])
    expect(errors[0]?.message).not.toContain('Sup3r-Secret-pw')
    expect(errors[0]?.message).not.toContain('admin')
  })
})

describe('what an input error still knows was asked', () => {
  it('keeps the valid zones and items, never an invalid one', () => {
    const { settings, requested } = parse({
      zone: `${ZONE}\nnot a zone!`,
      files: 'https://EXAMPLE.com/a /testing/test https://u:Hunter2-pass@example.com/b',
      tags: 'release, two words'
    })
    expect(settings).toBeUndefined()
    expect(requested.zones).toEqual([{ kind: 'id', id: ZONE }])
    expect(requested.purge.files).toEqual([{ url: 'https://example.com/a' }])
    expect(requested.purge.tags).toEqual(['release'])
    expect(requested.dryRun).toBe(false)
    const failed = requestedItems(requested.zones, requested.purge, 'Invalid input: files')
    expect(failed).toEqual([
      { zone: ZONE, type: 'files', item: 'https://example.com/a', reason: 'Invalid input: files' },
      { zone: ZONE, type: 'tags', item: 'release', reason: 'Invalid input: files' }
    ])
    expect(JSON.stringify(failed)).not.toContain('Hunter2')
  })

  it('counts a dry_run that cannot be read as a dry run', () => {
    expect(parse({ files: 'https://example.com/a', dry_run: 'yes' }).requested.dryRun).toBe(true)
    expect(parse({ files: 'https://example.com/a', dry_run: 'false', tags: 'a b' }).requested.dryRun).toBe(
      false
    )
  })
})
