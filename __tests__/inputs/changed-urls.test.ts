import { describe, expect, it } from '@jest/globals'
import { encodePath, parseChangedPaths, urlsForChanges, urlsForPath } from '../../src/inputs/changed-urls.js'
import type { PathMapping } from '../../src/types.js'

describe('parseChangedPaths', () => {
  it('reads one mapping per line, normalising folders and URLs to end with a slash', () => {
    const { mappings, errors } = parseChangedPaths(
      [
        'public/ => https://example.com/',
        '  ./docs/site => https://docs.example.com/manual  ',
        '# a comment',
        '',
        '. => https://root.example.org',
        'public/ => https://example.com/'
      ].join('\n')
    )
    expect(errors).toEqual([])
    expect(mappings).toEqual([
      { path: 'public/', url: 'https://example.com/' },
      { path: 'docs/site/', url: 'https://docs.example.com/manual/' },
      { path: '', url: 'https://root.example.org/' }
    ])
  })

  it('converts an IDN host to its ASCII form', () => {
    const { mappings } = parseChangedPaths('out/ => https://bücher.example/')
    expect(mappings).toEqual([{ path: 'out/', url: 'https://xn--bcher-kva.example/' }])
  })

  it.each([
    ['public/ https://example.com/', /no "=>"/],
    ['a => https://x.example/ => https://y.example/', /more than one "=>"/],
    ['../site/ => https://example.com/', /"\.\."/],
    ['public/*.html => https://example.com/', /wildcard/],
    ['public\\site => https://example.com/', /backslashes/],
    ['public/ => example.com', /not a full URL/],
    ['public/ => ftp://example.com/', /only http:\/\/ and https:\/\//],
    ['public/ => https://example.com/?v=1', /no credentials, query/],
    ['public/ => https://10.0.0.1/', /not a domain name/],
    ['public/ =>', /no URL/]
  ])('rejects %s', (line, reason) => {
    const { mappings, errors } = parseChangedPaths(line)
    expect(mappings).toEqual([])
    expect(errors).toHaveLength(1)
    expect(errors[0]!.id).toBe('bad-changed-paths')
    expect(errors[0]!.message).toMatch(reason)
    expect(errors[0]!.message).toContain(line.trim())
  })

  it('reports every bad line at once', () => {
    const { errors } = parseChangedPaths('a b\npublic/ => https://example.com/\nc d')
    expect(errors.map((e) => e.message)).toEqual([
      expect.stringContaining('"a b"'),
      expect.stringContaining('"c d"')
    ])
  })
})

describe('urlsForChanges', () => {
  const mappings: PathMapping[] = [
    { path: 'public/', url: 'https://example.com/' },
    { path: 'public/blog/', url: 'https://blog.example.com/' },
    { path: 'mirror/', url: 'https://a.example.net/' },
    { path: 'mirror/', url: 'https://b.example.net/' }
  ]

  it('maps changed, added and removed files under a folder and skips the rest', () => {
    const result = urlsForChanges(
      [
        { path: 'public/app.css', status: 'modified' },
        { path: 'public/img/new.png', status: 'added' },
        { path: 'public/old.js', status: 'removed' },
        { path: 'src/main.ts', status: 'modified' },
        { path: 'README.md', status: 'modified' }
      ],
      mappings
    )
    expect(result.urls).toEqual([
      'https://example.com/app.css',
      'https://example.com/img/new.png',
      'https://example.com/old.js'
    ])
    expect(result.unmapped).toBe(2)
  })

  it('purges the folder URL of a changed index.html, at the root and below', () => {
    const { urls } = urlsForChanges(
      [
        { path: 'public/index.html', status: 'modified' },
        { path: 'public/docs/index.html', status: 'removed' },
        { path: 'public/docs/reindex.html', status: 'modified' }
      ],
      mappings
    )
    expect(urls).toEqual([
      'https://example.com/index.html',
      'https://example.com/',
      'https://example.com/docs/index.html',
      'https://example.com/docs/',
      'https://example.com/docs/reindex.html'
    ])
  })

  it('purges both the old and the new URL of a renamed file', () => {
    const { urls, unmapped } = urlsForChanges(
      [
        { path: 'public/new-name.html', status: 'renamed', previousPath: 'public/old-name.html' },
        { path: 'public/moved-in.css', status: 'renamed', previousPath: 'assets/moved-in.css' },
        { path: 'public/copy.css', status: 'copied', previousPath: 'public/original.css' }
      ],
      mappings
    )
    expect(urls).toEqual([
      'https://example.com/new-name.html',
      'https://example.com/old-name.html',
      'https://example.com/moved-in.css',
      'https://example.com/copy.css'
    ])
    expect(unmapped).toBe(0)
  })

  it('uses the deepest folder that holds a file, and every URL of a folder mapped twice', () => {
    expect(urlsForPath('public/blog/post.html', mappings)).toEqual(['https://blog.example.com/post.html'])
    expect(urlsForPath('mirror/a.txt', mappings)).toEqual([
      'https://a.example.net/a.txt',
      'https://b.example.net/a.txt'
    ])
    expect(urlsForPath('publicity/a.txt', mappings)).toEqual([])
    expect(urlsForPath('public', mappings)).toEqual([])
  })

  it('maps the whole repository when the folder is its root', () => {
    const { urls } = urlsForChanges(
      [{ path: 'index.html', status: 'added' }],
      [{ path: '', url: 'https://example.com/site/' }]
    )
    expect(urls).toEqual(['https://example.com/site/index.html', 'https://example.com/site/'])
  })

  it('skips files listed as unchanged and counts each unmapped file once', () => {
    const result = urlsForChanges(
      [
        { path: 'public/same.css', status: 'unchanged' },
        { path: 'docs/a.md', status: 'renamed', previousPath: 'docs/b.md' }
      ],
      mappings
    )
    expect(result).toEqual({ urls: [], unmapped: 1, errors: [] })
  })

  it('lists each URL once', () => {
    const { urls } = urlsForChanges(
      [
        { path: 'public/a.css', status: 'modified' },
        { path: 'public/a.css', status: 'removed' }
      ],
      mappings
    )
    expect(urls).toEqual(['https://example.com/a.css'])
  })
})

describe('encodePath', () => {
  it('encodes what a browser encodes in a path and keeps what paths allow', () => {
    expect(encodePath('my file#1?.html')).toBe('my%20file%231%3F.html')
    expect(encodePath('café/naïve.txt')).toBe('caf%C3%A9/na%C3%AFve.txt')
    expect(encodePath("a+b,c;d=e:f@g$h&i!j'k(l)m*n~o")).toBe("a+b,c;d=e:f@g$h&i!j'k(l)m*n~o")
    expect(encodePath('100%.txt')).toBe('100%25.txt')
  })
})

describe('the pretty-urls option', () => {
  it('is read after the URL, in any case, and kept when the same mapping is given twice', () => {
    const { mappings, errors } = parseChangedPaths(
      [
        'public/ => https://example.com/ pretty-urls',
        'docs/ => https://docs.example.com/   Pretty-URLs',
        'site/ => https://site.example/',
        'site/ => https://site.example/ pretty-urls'
      ].join('\n')
    )
    expect(errors).toEqual([])
    expect(mappings).toEqual([
      { path: 'public/', url: 'https://example.com/', prettyUrls: true },
      { path: 'docs/', url: 'https://docs.example.com/', prettyUrls: true },
      { path: 'site/', url: 'https://site.example/', prettyUrls: true }
    ])
  })

  it('rejects any other word after the URL, naming it and the option there is', () => {
    const { mappings, errors } = parseChangedPaths('public/ => https://example.com/ pretty')
    expect(mappings).toEqual([])
    expect(errors.map((e) => e.id)).toEqual(['bad-changed-paths'])
    expect(errors[0]!.message).toMatch(/"pretty" after the URL, which is not an option/)
    expect(errors[0]!.message).toContain('pretty-urls')
  })

  const pretty: PathMapping[] = [{ path: 'public/', url: 'https://example.com/', prettyUrls: true }]
  const plain: PathMapping[] = [{ path: 'public/', url: 'https://example.com/' }]

  it('purges a page at its URL without .html or .htm too', () => {
    expect(urlsForPath('public/about.html', pretty)).toEqual([
      'https://example.com/about.html',
      'https://example.com/about'
    ])
    expect(urlsForPath('public/blog/post 1.htm', pretty)).toEqual([
      'https://example.com/blog/post%201.htm',
      'https://example.com/blog/post%201'
    ])
  })

  it('purges the folder URL of index.htm as of index.html', () => {
    expect(urlsForPath('public/docs/index.htm', pretty)).toEqual([
      'https://example.com/docs/index.htm',
      'https://example.com/docs/'
    ])
    expect(urlsForPath('public/index.html', pretty)).toEqual([
      'https://example.com/index.html',
      'https://example.com/'
    ])
  })

  it('leaves other files, and mappings without the option, as they were', () => {
    expect(urlsForPath('public/app.css', pretty)).toEqual(['https://example.com/app.css'])
    expect(urlsForPath('public/.html', pretty)).toEqual(['https://example.com/.html'])
    expect(urlsForPath('public/about.html', plain)).toEqual(['https://example.com/about.html'])
    expect(urlsForPath('public/docs/index.htm', plain)).toEqual(['https://example.com/docs/index.htm'])
  })

  it('purges the extensionless URL of a renamed page under both names', () => {
    const { urls } = urlsForChanges(
      [{ path: 'public/team.html', status: 'renamed', previousPath: 'public/about.html' }],
      pretty
    )
    expect(urls).toEqual([
      'https://example.com/team.html',
      'https://example.com/team',
      'https://example.com/about.html',
      'https://example.com/about'
    ])
  })
})
