// Every relative link in the Markdown files of the repository (README, docs/, CONTRIBUTING, SECURITY, …)
// points to a file that exists and, for a link into a Markdown file, to a heading that exists.
import { describe, expect, test } from '@jest/globals'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { anchors, linkTargets } from '../scripts/markdown.js'
import { ROOT } from '../scripts/workflow-lint.js'

const SKIP = new Set(['node_modules', '.git', 'dist', 'coverage'])

function markdownFiles(dir: string = ROOT): string[] {
  const found: string[] = []
  for (const name of readdirSync(dir)) {
    if (SKIP.has(name)) continue
    const path = join(dir, name)
    if (statSync(path).isDirectory()) found.push(...markdownFiles(path))
    else if (name.endsWith('.md')) found.push(relative(ROOT, path))
  }
  return found.sort()
}

const files = markdownFiles()
const anchorsOf = new Map<string, Set<string>>()
const anchorsIn = (file: string): Set<string> => {
  let found = anchorsOf.get(file)
  if (!found) {
    found = anchors(readFileSync(join(ROOT, file), 'utf8'))
    anchorsOf.set(file, found)
  }
  return found
}

/** What is wrong with a link from `file` to `target`, or undefined when it resolves. */
function brokenLink(file: string, target: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return undefined // https:, mailto:: not checked offline
  const [path = '', anchor] = target.split('#')
  const linked = path === '' ? file : relative(ROOT, resolve(ROOT, dirname(file), decodeURI(path)))
  if (linked.startsWith('..')) return `${target}: outside the repository`
  if (!existsSync(join(ROOT, linked))) return `${target}: no file ${linked}`
  if (anchor !== undefined && linked.endsWith('.md') && !anchorsIn(linked).has(anchor))
    return `${target}: no heading with the anchor #${anchor} in ${linked}`
  return undefined
}

describe('relative links in Markdown files', () => {
  test('the files include the README, CONTRIBUTING, SECURITY and the docs pages', () => {
    expect(files).toEqual(
      expect.arrayContaining(['README.md', 'CONTRIBUTING.md', 'SECURITY.md', 'docs/troubleshooting.md'])
    )
  })

  test.each(files)('%s links only to files and headings that exist', (file) => {
    const broken = linkTargets(readFileSync(join(ROOT, file), 'utf8'))
      .map((target) => brokenLink(file, target))
      .filter((problem) => problem !== undefined)
    expect(broken).toEqual([])
  })

  test('a broken link, a missing heading and a link outside the repository are found', () => {
    expect(brokenLink('README.md', 'docs/no-such-page.md')).toMatch(/no file/)
    expect(brokenLink('README.md', '#no-such-heading')).toMatch(/no heading/)
    expect(brokenLink('docs/troubleshooting.md', '../README.md#inputs')).toBeUndefined()
    expect(brokenLink('docs/troubleshooting.md', '../../elsewhere.md')).toMatch(/outside/)
    expect(brokenLink('README.md', 'https://example.com/#anything')).toBeUndefined()
  })
})

describe('reading Markdown', () => {
  test('anchors follow GitHub: lower case, punctuation dropped, spaces to hyphens, repeats numbered', () => {
    const text = [
      '# Cloudflare Cache Purge action',
      '## Create the token and find the Zone ID',
      '## Invalid input: files (`relative-url`)',
      '## Token starts with "Bearer " (`bearer-prefix`)',
      '## Notes',
      '## Notes',
      '```sh',
      '# not a heading',
      '```'
    ].join('\n')
    expect([...anchors(text)]).toEqual([
      'cloudflare-cache-purge-action',
      'create-the-token-and-find-the-zone-id',
      'invalid-input-files-relative-url',
      'token-starts-with-bearer--bearer-prefix',
      'notes',
      'notes-1'
    ])
  })

  test('links are read from prose and definitions, not from code', () => {
    const text = [
      'See [the docs](docs/a.md#part) and ![a picture](img/b.png "title").',
      'Not this: `[x](code.md)`.',
      '```md',
      '[y](in-a-block.md)',
      '```',
      '[ref]: https://example.com/'
    ].join('\n')
    expect(linkTargets(text)).toEqual(['docs/a.md#part', 'img/b.png', 'https://example.com/'])
  })
})
