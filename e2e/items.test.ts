// End to end: the action purges exactly what was written (issue 10). One canonical form for every URL,
// one list syntax and one comment rule, the standard URL parser for zones, every problem reported once,
// and no password from a URL anywhere. Each case asserts what the emulator received.
import { describe, expect, it } from '@jest/globals'
import { fixture } from '../emulator/fixtures.js'
import { catalogue, type DiagnosisId } from '../src/diagnosis/catalogue.js'
import { useEmulator } from './emulator-setup.js'
import { expectNoSecrets, expectSucceeded, failedEntries } from './expectations.js'
import { usePushSteps } from './github-stand-in.js'
import { runAction, type ActionRun } from './run-action.js'
import { readSummary } from './summary-dom.js'

const { zones, tokens, accountId } = fixture
/** A zone whose name is an IDN: stored, and looked up, in its ASCII form. */
const BUCHER = {
  id: 'f00d00000000000000000000000000a1',
  name: 'xn--bcher-kva.example',
  plan: 'free' as const,
  accountId
}
const GITHUB_TOKEN = 'ghs_FAKEgithubToken00000000000000000000010'
const BEFORE = '3333333333333333333333333333333333333333'
const AFTER = '4444444444444444444444444444444444444444'
const REPOSITORY = 'octo-org/items'

const emulator = useEmulator({ zones: [...Object.values(zones), BUCHER] })
const push = usePushSteps(REPOSITORY)

function run(inputs: Record<string, string>, workspaceFiles?: Record<string, string>): Promise<ActionRun> {
  return runAction(
    { api_url: emulator.url, api_token: tokens.user.value, ...inputs },
    workspaceFiles ? { workspaceFiles } : {}
  )
}

/** Runs as a push-triggered step whose push changed these files under the repository. */
function runOnPush(inputs: Record<string, string>, changed: string[]): Promise<ActionRun> {
  push.github.compare(
    BEFORE,
    AFTER,
    changed.map((filename) => ({ filename, status: 'modified' }))
  )
  return runAction(
    { api_url: emulator.url, api_token: tokens.user.value, github_token: GITHUB_TOKEN, ...inputs },
    { env: push.env({ before: BEFORE, after: AFTER }, AFTER) }
  )
}

/** The failed_items output, one entry per item (the output groups them under their reason). */
const failedItems = failedEntries

/** The run stopped on exactly this one error, sent nothing to Cloudflare, and said nothing else. */
function expectOnlyError(result: ActionRun, id: DiagnosisId, message?: RegExp): void {
  const { title } = catalogue[id]
  expect(result.annotations.map((a) => [a.level, a.title])).toEqual([['error', title]])
  if (message) expect(result.errors[0]!.message).toMatch(message)
  expect(result.exitCode).toBe(1)
  expect(emulator.requests).toEqual([])
  expect(result.outputs.purged_count).toBe('0')
  expectNoSecrets(result, [GITHUB_TOKEN])
}

describe('1. one list syntax per input', () => {
  it('refuses URLs glued by a comma in files, with the fix, before any request', async () => {
    const result = await run({ zone: 'example.com', files: 'https://example.com/a,https://example.com/b' })
    expectOnlyError(result, 'urls-joined-by-commas', /put a space or a line break after each comma/)
  })

  it('reads "URL, URL" as two URLs: a comma before a space or a line break separates, as in the other lists', async () => {
    const result = await run({ zone: 'example.com', files: 'https://example.com/a, https://example.com/b' })
    expectSucceeded(result)
    expect(emulator.purgedItems(zones.free.id)).toEqual(['https://example.com/a', 'https://example.com/b'])
  })

  it('suggests commas or newlines for hosts and prefixes separated by spaces', async () => {
    const hosts = await run({ zone: 'example.com', hosts: 'www.example.com cdn.example.com' })
    expectOnlyError(hosts, 'items-joined-by-spaces', /Write "www\.example\.com, cdn\.example\.com"/)
    const prefixes = await run({ zone: 'example.com', prefixes: 'example.com/a/ example.com/b/' })
    expectOnlyError(prefixes, 'items-joined-by-spaces', /Write "example\.com\/a\/, example\.com\/b\/"/)
  })

  it('purges URLs separated by spaces and hosts separated by commas', async () => {
    const result = await run({
      zone: 'example.com',
      files: 'https://example.com/a https://example.com/b',
      hosts: 'www.example.com, cdn.example.com'
    })
    expectSucceeded(result)
    const received = emulator.purgeRequests().map((r) => r.body)
    expect(received).toEqual(
      expect.arrayContaining([
        { files: ['https://example.com/a', 'https://example.com/b'] },
        { hosts: ['www.example.com', 'cdn.example.com'] }
      ])
    )
    expect(received).toHaveLength(2)
  })
})

describe('2. one comment rule: a line whose first non-blank character is "#"', () => {
  it('skips comment lines in files and in a files_from file, and nothing else', async () => {
    const result = await run(
      {
        zone: 'example.com',
        files: '# purge these files\nhttps://example.com/a\n   # and this one\nhttps://example.com/b\n',
        files_from: 'urls.txt'
      },
      { 'urls.txt': '# written by the build\r\nhttps://example.com/c\r\n\r\n  # end\r\n' }
    )
    expectSucceeded(result)
    expect(emulator.purgeRequests().map((r) => r.body)).toEqual([
      { files: ['https://example.com/a', 'https://example.com/b', 'https://example.com/c'] }
    ])
  })

  it('purges a tag that starts with "#" when it is not the start of a line', async () => {
    const result = await run({ zone: 'example.com', tags: 'release, #blog' })
    expectSucceeded(result)
    expect(emulator.purgeRequests().map((r) => r.body)).toEqual([{ tags: ['release', '#blog'] }])
  })

  it('refuses a one-line value that is all comment, rather than purge nothing of it', async () => {
    const result = await run({ zone: 'example.com', tags: '#blog, news' })
    expectOnlyError(result, 'comment-only-input', /`tags` is "#blog, news"/)
  })

  it('refuses a comment after a URL, which is not one', async () => {
    const result = await run({ zone: 'example.com', files: 'https://example.com/a # home\n' })
    expectOnlyError(result, 'inline-comment', /Put the comment on a line of its own/)
  })
})

describe('3. one canonical URL, before dedupe, zone assignment and sending', () => {
  it('sends host case, default port and fragment variants once, in canonical form, with one notice', async () => {
    const result = await run({
      zone: 'example.com',
      files:
        'https://Example.com/a#frag https://example.com/a https://example.com:443/c https://EXAMPLE.COM/c'
    })
    expectSucceeded(result)
    expect(emulator.purgeRequests().map((r) => r.body)).toEqual([
      { files: ['https://example.com/a', 'https://example.com/c'] }
    ])
    expect(result.outputs.purged_count).toBe('2')
    expect(result.notices.map((n) => n.title)).toEqual([catalogue['url-fragment'].title])
    expect(result.warnings).toEqual([])
  })

  it('keeps the same URL with different headers as different items, and dedupes equal headers', async () => {
    const files = JSON.stringify([
      { url: 'https://example.com/a', headers: { 'CF-Device-Type': 'mobile' } },
      { url: 'https://EXAMPLE.com:443/a', headers: { 'cf-device-type': 'mobile' } },
      'https://example.com/a'
    ])
    const result = await run({ zone: 'example.com', files })
    expectSucceeded(result)
    // Plain URLs and URLs with headers go in separate requests, as Cloudflare's API schema has them.
    expect(emulator.purgeRequests().map((r) => r.body)).toEqual([
      { files: ['https://example.com/a'] },
      { files: [{ url: 'https://example.com/a', headers: { 'CF-Device-Type': 'mobile' } }] }
    ])
  })

  it('refuses a URL with a password, never sends it and never shows it', async () => {
    const result = await run({
      zone: 'example.com',
      files: 'https://editor:Hunter2-pass@example.com/b'
    })
    expectOnlyError(result, 'url-credentials', /write "https:\/\/example\.com\/b"/)
    expect(result.everything).not.toContain('Hunter2-pass')
    expect(result.everything).not.toContain('editor:')
    expect(failedItems(result)).toEqual([])
  })

  it('sends an IDN host in punycode, as its zone was found', async () => {
    const result = await run({ zone: 'bücher.example', files: 'https://Bücher.Example/a' })
    expectSucceeded(result)
    expect(emulator.requests.filter((r) => r.path === '/zones').map((r) => r.query.name)).toEqual([
      BUCHER.name
    ])
    expect(emulator.purgedItems(BUCHER.id)).toEqual(['https://xn--bcher-kva.example/a'])
  })

  it('purges a URL given in files and found again from changed_paths once', async () => {
    const result = await runOnPush(
      {
        zone: 'example.com',
        changed_paths: 'public/ => https://example.com/',
        files: 'https://EXAMPLE.com:443/app.css#top'
      },
      ['public/app.css']
    )
    expectSucceeded(result, [GITHUB_TOKEN])
    expect(emulator.purgeRequests().map((r) => r.body)).toEqual([{ files: ['https://example.com/app.css'] }])
  })

  it('purges a changed file with a "*" in its name like the others: it is part of the name', async () => {
    const result = await runOnPush(
      {
        zone: 'example.com',
        changed_paths: 'public/ => https://example.com/',
        files: 'https://example.com/x'
      },
      ['public/ok.css', 'public/all*.css', 'public/*.css']
    )
    expectSucceeded(result)
    // Not the warning "Changed file cannot be purged": nothing about these names fails the checks.
    expect(result.warnings.map((w) => w.title)).not.toContain('Changed file cannot be purged')
    expect([...emulator.purgedItems(zones.free.id)].sort()).toEqual(
      [
        'https://example.com/x',
        'https://example.com/ok.css',
        'https://example.com/all*.css',
        'https://example.com/*.css'
      ].sort()
    )
    expectNoSecrets(result, [GITHUB_TOKEN])
  })
})

describe("4. a URL's zone is its host as the standard URL parser reads it", () => {
  const tricky = 'https://evil.com\\@example.com/x'

  it('looks up evil.com, not example.com, when the zone is found from the URL', async () => {
    const result = await run({ files: tricky })
    expect(result.exitCode).toBe(1)
    expect(result.errors.map((e) => e.title)).toEqual([catalogue['host-in-no-visible-zone'].title])
    expect(result.errors[0]!.message).toMatch(/"evil\.com"/)
    const lookups = emulator.requests.filter((r) => r.path === '/zones').map((r) => r.query.name)
    expect(lookups).toEqual(['evil.com'])
    expect(emulator.purgeRequests()).toEqual([])
  })

  it('places it in no zone of several, naming evil.com', async () => {
    const result = await run({ zone: `example.com, ${zones.pro.name}`, files: tricky })
    expect(result.errors.map((e) => e.title)).toEqual([catalogue['host-in-no-zone'].title])
    expect(result.errors[0]!.message).toMatch(/"evil\.com" is not in any of the zones given/)
    expect(emulator.purgeRequests()).toEqual([])
  })

  it('with one zone, reads it as a browser would, and does not send it: it is not on the zone', async () => {
    const result = await run({ zone: 'example.com', files: tricky })
    expect(result.exitCode).toBe(1)
    expect(result.errors.map((w) => w.message)).toEqual([
      expect.stringMatching(/^"https:\/\/evil\.com\/@example\.com\/x" is not on example\.com/)
    ])
    expect(emulator.purgeRequests()).toEqual([])
    expect(failedItems(result).map((f) => f.item)).toEqual(['https://evil.com/@example.com/x'])
  })
})

describe('5. hosts and prefixes outside the zone', () => {
  it('are sent and counted with a warning; a URL there is not sent, as Cloudflare refuses it (1082)', async () => {
    const result = await run({
      zone: 'example.com',
      files: 'https://other.org/a',
      hosts: 'other.org',
      prefixes: 'other.org/blog/'
    })
    // Findings of one kind are one annotation that counts them and quotes each (at most three).
    const title = catalogue['outside-zone'].title
    expect(result.warnings.map((w) => w.title)).toEqual([title])
    const lines = result.warnings[0]!.message.split('\n')
    expect(lines[0]).toBe('2 times; each:')
    expect(lines.slice(1).map((l) => l.split(' is not on')[0])).toEqual([
      '- host "other.org"',
      '- prefix "other.org/blog/"'
    ])
    expect(result.errors.map((e) => [e.title, e.message.split(' is not on')[0]])).toEqual([
      [catalogue['outside-zone-refused'].title, '"https://other.org/a"']
    ])
    expect([...emulator.purgedItems(zones.free.id)].sort()).toEqual(['other.org', 'other.org/blog/'].sort())
    expect(result.outputs.purged_count).toBe('2')
    expect(failedItems(result).map((f) => f.item)).toEqual(['https://other.org/a'])
  })

  it('inside the zone, say nothing', async () => {
    const result = await run({ zone: 'example.com', hosts: 'www.example.com', prefixes: 'example.com/blog/' })
    expectSucceeded(result)
    expect(result.warnings).toEqual([])
  })
})

describe('6. each problem reported once, by the message that explains it', () => {
  it.each<[string, Record<string, string>, DiagnosisId]>([
    ['a path instead of a URL', { zone: 'example.com', files: '/testing/test' }, 'relative-url'],
    [
      'a missing files_from file',
      { zone: 'example.com', files_from: 'missing.txt' },
      'files-from-unreadable'
    ],
    ['broken JSON', { zone: 'example.com', files: '["https://example.com/a",' }, 'bad-files-json'],
    ['purge_everything: yes', { zone: 'example.com', purge_everything: 'yes' }, 'bad-option'],
    ['a URL as the only zone, with tags', { zone: 'https://example.com/', tags: 'x' }, 'bad-zone']
  ])('%s', async (_name, inputs, id) => {
    expectOnlyError(await run(inputs), id)
  })
})

describe('7. failed_items when the run stops before purging', () => {
  it('lists the valid items after an input error, and not the invalid one', async () => {
    const result = await run({
      zone: 'example.com',
      files: 'https://example.com/a /testing/test',
      tags: 'release'
    })
    expect(result.exitCode).toBe(1)
    expect(emulator.requests).toEqual([])
    const failed = failedItems(result)
    expect(failed.map((f) => [f.zone, f.type, f.item])).toEqual([
      ['example.com', 'files', 'https://example.com/a'],
      ['example.com', 'tags', 'release']
    ])
    expect(failed.every((f) => f.reason.startsWith(`${catalogue['relative-url'].title}: `))).toBe(true)
    expect(result.outputs.failed_count).toBe('2')
    const summary = readSummary(result.summary)
    expect(summary.paragraphs).toContain('The 2 requested items are in the failed_items output.')
    expect(summary.lists).toEqual([['https://example.com/a', 'release']])
  })

  it('lists nothing for a dry run, even one whose dry_run cannot be read', async () => {
    const result = await run({ zone: 'example.com', files: 'https://example.com/a /x', dry_run: 'yes' })
    expect(result.exitCode).toBe(1)
    expect(failedItems(result)).toEqual([])
  })

  it('lists the URLs of the changed files when the credential is refused', async () => {
    const result = await runOnPush(
      {
        zone: 'example.com',
        api_token: tokens.disabled.value,
        changed_paths: 'public/ => https://example.com/',
        tags: 'site'
      },
      ['public/index.html', 'public/app.css']
    )
    expect(result.errors.map((e) => e.title)).toEqual([catalogue['token-inactive'].title])
    expect(emulator.purgeRequests()).toEqual([])
    expect(failedItems(result).map((f) => f.item)).toEqual([
      'https://example.com/index.html',
      'https://example.com/',
      'https://example.com/app.css',
      'site'
    ])
    expectNoSecrets(result, [GITHUB_TOKEN])
  })
})

describe('8. an api_url with credentials is never printed whole', () => {
  it.each([
    ['elsewhere', 'http://admin:Sup3r-Secret-pw@api.example.com/client/v4'],
    ['on loopback', 'http://admin:Sup3r-Secret-pw@127.0.0.1:9/client/v4'],
    ['and not even a URL', 'http://admin:Sup3r-Secret-pw@api.example.com:port/client/v4']
  ])('%s', async (_name, apiUrl) => {
    const result = await runAction({
      api_url: apiUrl,
      api_token: tokens.user.value,
      zone: 'example.com',
      files: 'https://example.com/a'
    })
    expect(result.errors.map((e) => e.title)).toEqual([catalogue['bad-option'].title])
    expect(result.errors[0]!.message).toContain('`api_url` is "http://***@')
    expect(result.everything).not.toContain('Sup3r-Secret-pw')
    expect(result.everything).not.toContain('admin:')
    expect(result.exitCode).toBe(1)
    expect(emulator.requests).toEqual([])
    expectNoSecrets(result)
  })
})
