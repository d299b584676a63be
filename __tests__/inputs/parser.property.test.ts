// Property tests: whatever strings arrive in the inputs, parsing ends in settings or in titled errors,
// and what reaches the settings is safe to put into URLs, headers and request bodies.
import { describe, expect, it } from '@jest/globals'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { validateHeaderName, validateHeaderValue } from 'node:http'
import { CloudflareApi } from '../../src/cloudflare/api.js'
import type { CloudflareHttpClient } from '../../src/cloudflare/http-client.js'
import { authHeaders } from '../../src/cloudflare/http-client.js'
import { catalogue } from '../../src/diagnosis/catalogue.js'
import { isLoopbackHost, toAsciiHostname } from '../../src/cloudflare/hostnames.js'
import { INPUT_NAMES, parseSettings, parseZone, type RawInputs } from '../../src/inputs/parser.js'
import { parseFiles, parseHosts, parsePrefixes, parseTags, splitList } from '../../src/inputs/items.js'
import type { FileItem, Finding, Settings } from '../../src/types.js'

const RUNS = 3000
const HEX32 = /^[0-9a-f]{32}$/
/** Visible ASCII: what a credential sent in a header may contain (no space, no control, no CR/LF/NUL). */
const HEADER_SAFE = /^[\x21-\x7e]+$/
/** C0 controls and DEL. */
const hasControl = (s: string): boolean => [...s].some((c) => c.charCodeAt(0) < 0x20 || c === '\x7f')

// ── Generators ──────────────────────────────────────────────────────────────

/** Fragments that steer random strings into the parsers' interesting branches. */
const FRAGMENTS = [
  'https://',
  'http://',
  'HTTPS://',
  'ftp://',
  'javascript:',
  '//',
  'example.com',
  'www.example.com',
  'xn--bcher-kva.de',
  'bücher.de',
  'localhost',
  '127.0.0.1',
  '[::1]',
  '/',
  '/a/b',
  '?q=1',
  '#frag',
  ':8443',
  'user:pass@',
  '@',
  '*',
  '.',
  '..',
  '-',
  '_',
  '\n',
  '\r\n',
  '\r',
  ',',
  ' ',
  '\t',
  '\0',
  '\v',
  '\f',
  '\u0085',
  '\u2028',
  '\u00a0',
  '\ufeff',
  '\u200b',
  '\u212a', // Kelvin sign: lower-cases to "k"
  '\u0130', // İ: lower-cases to two code units
  '[',
  ']',
  '{',
  '}',
  '"',
  "'",
  '`',
  ':',
  '"url"',
  '"headers"',
  '{"url":"https://example.com/a","headers":{"CF-IPCountry":"US"}}',
  '{"url":"https://example.com/a","headers":{"X":"a\\r\\nb"}}',
  'Bearer ',
  'bearer',
  'cfut_',
  'cfat_',
  'cfk_',
  'v1.0-',
  '#',
  '%0d%0a',
  '%00',
  '\\',
  'true',
  'false',
  'TRUE',
  '0',
  '1',
  '30',
  '-1',
  '1e3',
  '0x10',
  '%',
  '\ud800', // lone surrogate
  '\udfff',
  '😀',
  '0123456789abcdef',
  'ABCDEF'
]

const anyChar = fc.oneof(
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)),
  fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
  fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 })
)
const hostile = fc.string({ unit: fc.oneof(anyChar, fc.constantFrom(...FRAGMENTS)), maxLength: 30 })

const hex32 = fc.stringMatching(/^[0-9a-fA-F]{32}$/)
const hostname = fc.constantFrom(
  'example.com',
  'www.example.com',
  'Example.COM',
  'bücher.de',
  'a.b.example.org'
)
const token = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9_-]{40}$/),
  fc.stringMatching(/^cfut_[A-Za-z0-9]{40}[0-9a-f]{8}$/),
  fc.stringMatching(/^cfat_[A-Za-z0-9]{40}[0-9a-f]{8}$/)
)
const globalKey = fc.oneof(
  fc.stringMatching(/^[0-9a-f]{37}$/),
  fc.stringMatching(/^cfk_[A-Za-z0-9]{40}[0-9a-f]{8}$/)
)
const email = fc.constantFrom('admin@example.com', 'a.b+c@mail.example.org', 'x@y.io')
const fileUrl = fc
  .tuple(fc.constantFrom('https://', 'http://'), hostname, fc.constantFrom('/', '/a.css', '/b?x=1', '/é/ü'))
  .map((p) => p.join(''))

/** Plausible values per input, so that a good share of the cases reach the settings. */
const plausible: Record<(typeof INPUT_NAMES)[number], fc.Arbitrary<string>> = {
  zone: fc.oneof(
    hex32,
    hostname,
    fc.array(fc.oneof(hex32, hostname), { minLength: 1, maxLength: 3 }).map((z) => z.join('\n'))
  ),
  api_token: fc.oneof(
    token,
    token.map((t) => ` "${t}"\n`),
    token.map((t) => `Bearer ${t}`)
  ),
  email,
  global_key: globalKey,
  account_id: hex32,
  purge_everything: fc.constantFrom('true', 'false', '', '', ''),
  files: fc.oneof(
    fc.array(fileUrl, { maxLength: 4 }).map((u) => u.join('\n')),
    fc.array(fileUrl, { maxLength: 3 }).map((u) => JSON.stringify(u)),
    fileUrl.map((url) => JSON.stringify([{ url, headers: { 'CF-Device-Type': 'mobile' } }]))
  ),
  files_from: fc.constantFrom('urls.txt', 'list.json'),
  tags: fc.array(fc.stringMatching(/^[\x21-\x2b\x2d-\x7e]{1,20}$/), { maxLength: 4 }).map((t) => t.join(',')),
  hosts: fc.array(hostname, { maxLength: 3 }).map((h) => h.join('\n')),
  prefixes: fc
    .array(
      hostname.map((h) => `${h}/blog/`),
      { maxLength: 3 }
    )
    .map((p) => p.join('\n')),
  dry_run: fc.constantFrom('true', 'false', ''),
  batch_size: fc.integer({ min: 1, max: 1000 }).map(String),
  timeout: fc.integer({ min: 1, max: 21600 }).map(String),
  api_url: fc.constantFrom(
    'https://api.cloudflare.com/client/v4',
    'http://127.0.0.1:8787/client/v4',
    'https://proxy.example.com/cf/'
  ),
  changed_paths: fc.constantFrom(
    '',
    '',
    '',
    'public/ => https://example.com/',
    'public/ => https://example.com/ pretty-urls',
    'docs/ => https://docs.example.com/d/'
  ),
  github_token: fc.constantFrom('', 'ghs_FAKEgithubToken00000000000000000000001'),
  base: fc.constantFrom('', '', 'v1.0.0'),
  head: fc.constantFrom('', '', 'main'),
  mode: fc.constantFrom('', '', 'purge', 'invalidate', 'Invalidate'),
  environment: fc.constantFrom('', '', 'Staging', 'production', '5d41402abc4b2a76b9719d911017c000'),
  verify: fc.constantFrom('', '', 'true', 'false'),
  warm: fc.constantFrom('', 'true', 'false'),
  verify_urls: fc.oneof(
    { weight: 1, arbitrary: fc.constant('') },
    { weight: 1, arbitrary: fc.array(fileUrl, { maxLength: 3 }).map((u) => u.join('\n')) }
  ),
  verify_limit: fc.oneof(
    { weight: 1, arbitrary: fc.constant('') },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 10000 }).map(String) }
  )
}

/** A plausible value with hostile text spliced in somewhere. */
function spliced(base: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc
    .tuple(base, hostile, fc.nat())
    .map(([b, h, at]) => b.slice(0, at % (b.length + 1)) + h + b.slice(at % (b.length + 1)))
}

/** Any subset of the inputs, plausible, with up to three of them spliced with hostile text or replaced by it. */
const rawInputs: fc.Arbitrary<RawInputs> = fc
  .tuple(
    fc.record(plausible, { requiredKeys: [] }),
    fc.array(fc.tuple(fc.constantFrom(...INPUT_NAMES), fc.boolean(), hostile, fc.nat()), { maxLength: 3 }),
    fc.constantFrom('token', 'token', 'global-key', 'global-key', 'any'),
    fc.record({ token, email, key: globalKey })
  )
  .map(([raw, corruptions, credential, fallback]) => {
    const out: RawInputs = { ...raw }
    // Keep the two kinds of credential mostly apart, or almost every case fails on "two credentials".
    if (credential === 'token') {
      delete out.global_key
      out.api_token ??= fallback.token
    }
    if (credential === 'global-key') {
      delete out.api_token
      out.email ??= fallback.email
      out.global_key ??= fallback.key
    }
    // The edge check's other inputs need `verify: true`: without it, plausible values of theirs are dropped.
    if (out.verify !== 'true')
      for (const name of ['warm', 'verify_urls', 'verify_limit'] as const) delete out[name]
    for (const [name, splice, text, at] of corruptions) {
      const base = out[name] ?? ''
      const cut = at % (base.length + 1)
      out[name] = splice ? base.slice(0, cut) + text + base.slice(cut) : text
    }
    return out
  })

/** What files_from reads: plausible lists, hostile text, or a failure of any kind. */
const fileReader = fc.oneof(
  { weight: 3, arbitrary: plausible.files.map((text) => ({ text })) },
  { weight: 1, arbitrary: hostile.map((text) => ({ text })) },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom<unknown>(
        Object.assign(new Error('nope'), { code: 'ENOENT' }),
        Object.assign(new Error('dir'), { code: 'EISDIR' }),
        new Error('other'),
        'a thrown string',
        undefined,
        null,
        42
      )
      .map((thrown) => ({ thrown }))
  }
)

function readerFor(source: { text?: string; thrown?: unknown }): (path: string) => string {
  return () => {
    if ('thrown' in source) throw source.thrown
    return source.text ?? ''
  }
}

// ── Checks (node:assert: cheap enough to run on every generated case) ─────────

const CATALOGUE_IDS = new Set(Object.keys(catalogue))

function assertTitled(findings: Finding[]): void {
  for (const f of findings) {
    assert.ok(CATALOGUE_IDS.has(f.id), `unknown diagnosis ${f.id}`)
    assert.notEqual(f.title.trim(), '', `finding ${f.id} without a title`)
    assert.notEqual(f.message.trim(), '', `finding ${f.id} without a message`)
    assert.ok(['error', 'warning', 'notice'].includes(f.severity))
  }
}

function assertSafeFile(item: FileItem): void {
  const url = new URL(item.url)
  assert.ok(url.protocol === 'http:' || url.protocol === 'https:', `not http(s): ${item.url}`)
  assert.notEqual(url.hostname, '')
  assert.doesNotMatch(item.url, /\s/)
  assert.ok(!hasControl(item.url), `control character in ${JSON.stringify(item.url)}`)
  assert.ok(!item.url.includes('*'))
  for (const [name, value] of Object.entries(item.headers ?? {})) {
    validateHeaderName(name)
    validateHeaderValue(name, value) // throws on CR, LF, NUL and other controls
  }
}

function assertSafePrefix(prefix: string): void {
  assert.doesNotMatch(prefix, /^[a-z][a-z0-9+.-]*:\/\//i)
  assert.doesNotMatch(prefix, /[?#\s*]/)
  assert.ok(!hasControl(prefix), `control character in ${JSON.stringify(prefix)}`)
  const host = prefix.split('/')[0] ?? ''
  assert.equal(toAsciiHostname(host), host)
  assert.ok((prefix.match(/\//g) ?? []).length <= 31)
}

function assertSafeSettings(settings: Settings): void {
  // Without a zone, tags and purge_everything need items with a hostname to find the zones from.
  const { everything, files, tags, hosts, prefixes } = settings.purge
  if (settings.zones.length === 0 && (everything || tags.length > 0)) {
    assert.ok(files.length + hosts.length + prefixes.length > 0 || settings.changes)
  }
  for (const zone of settings.zones) {
    if (zone.kind === 'id') assert.match(zone.id, HEX32)
    else assert.equal(toAsciiHostname(zone.name), zone.name)
  }
  if (settings.accountId !== undefined) assert.match(settings.accountId, HEX32)
  if (settings.mode !== undefined) assert.equal(settings.mode, 'invalidate')
  // One line, trimmed, no control character: it is matched against names and never goes into a path.
  if (settings.environment !== undefined) assert.match(settings.environment, /^\S(?:[^\p{Cc}]*\S)?$/u)

  const credential = settings.credential
  const secrets = credential.kind === 'token' ? [credential.token] : [credential.email, credential.key]
  for (const value of secrets) assert.match(value, HEADER_SAFE) // so never CR, LF or NUL
  if (credential.kind === 'global-key') assert.ok(credential.email.length <= 254)
  for (const [name, value] of Object.entries(authHeaders(credential))) {
    validateHeaderName(name)
    validateHeaderValue(name, value)
    assert.doesNotMatch(value, /[\r\n\0]/)
  }

  const api = new URL(settings.apiUrl)
  assert.ok(
    api.protocol === 'https:' || (api.protocol === 'http:' && isLoopbackHost(api.hostname)),
    `api_url accepted: ${settings.apiUrl}`
  )
  assert.equal(api.username + api.password + api.search + api.hash, '')

  assert.ok(Number.isInteger(settings.timeoutMs) && settings.timeoutMs >= 1000)
  assert.ok(settings.timeoutMs <= 21600 * 1000)
  if (settings.batchSize !== undefined) {
    assert.ok(Number.isInteger(settings.batchSize) && settings.batchSize >= 1 && settings.batchSize <= 1000)
  }

  const purge = settings.purge
  if (purge.everything)
    assert.equal(purge.files.length + purge.tags.length + purge.hosts.length + purge.prefixes.length, 0)
  purge.files.forEach(assertSafeFile)
  for (const tag of purge.tags) assert.match(tag, /^[\x21-\x7e]{1,1024}$/)
  for (const host of purge.hosts) assert.equal(toAsciiHostname(host), host)
  purge.prefixes.forEach(assertSafePrefix)
  settings.verify?.urls.forEach(assertSafeFile)
}

// ── Properties ──────────────────────────────────────────────────────────────

describe('parseSettings on arbitrary inputs', () => {
  it('returns settings or titled errors, never throws, and what it accepts is safe', () => {
    let accepted = 0
    fc.assert(
      fc.property(rawInputs, fileReader, (raw, source) => {
        const result = parseSettings(raw, { readFile: readerFor(source) })
        assertTitled([...result.errors, ...result.warnings])
        assert.ok(result.errors.every((f) => f.severity === 'error'))
        assert.ok(result.warnings.every((f) => f.severity !== 'error'))
        if (result.settings) {
          accepted++
          assert.deepEqual(result.errors, [])
          assertSafeSettings(result.settings)
        } else {
          assert.ok(result.errors.length > 0, 'no settings and no error')
        }
      }),
      { numRuns: RUNS }
    )
    // The settings checks above must not be vacuous: a fair share of the cases get that far.
    expect(accepted).toBeGreaterThan(RUNS / 10)
  })

  it('never lets a zone ID into the settings unless it is 32 hex characters', () => {
    const idLike = fc.oneof(
      hex32,
      spliced(hex32),
      fc.stringMatching(/^[0-9a-fA-F]{20,40}$/),
      hex32.map((h) => `${h}/purge_cache`),
      hex32.map((h) => `../${h}`),
      hex32.map((h) => `${h}%2F..`),
      hostile
    )
    fc.assert(
      fc.property(idLike, (zone) => {
        const result = parseSettings({ zone, api_token: 'A'.repeat(40), tags: 't' }, { readFile: () => '' })
        for (const ref of result.settings?.zones ?? []) {
          if (ref.kind === 'id') assert.match(ref.id, HEX32)
          else assert.match(ref.name, /^[a-z0-9.-]+$/)
        }
      }),
      { numRuns: RUNS }
    )
  })

  it('keeps CR, LF, NUL and other control characters out of every credential', () => {
    const withControl = fc
      .tuple(
        fc.oneof(token, globalKey, email),
        fc.constantFrom('\r', '\n', '\0', '\r\n', '\t', '\x7f', '\x01', '\u2028'),
        fc.nat()
      )
      .map(([v, c, at]) => v.slice(0, at % (v.length + 1)) + c + v.slice(at % (v.length + 1)))
    fc.assert(
      fc.property(
        fc.oneof(withControl, hostile, token),
        fc.oneof(withControl, hostile, email),
        fc.oneof(withControl, hostile, globalKey),
        (tokenValue, emailValue, keyValue) => {
          for (const raw of [
            { api_token: tokenValue },
            { email: emailValue, global_key: keyValue }
          ] as RawInputs[]) {
            const result = parseSettings(
              { zone: 'example.com', hosts: 'example.com', ...raw },
              { readFile: () => '' }
            )
            if (!result.settings) continue
            for (const value of Object.values(authHeaders(result.settings.credential))) {
              assert.doesNotMatch(value, /[\r\n\0]/)
              validateHeaderValue('x-test', value)
            }
          }
        }
      ),
      { numRuns: RUNS }
    )
  })

  it('copes with huge values in every input', () => {
    const huge = fc
      .tuple(
        fc.oneof(hostile, fc.constantFrom(...FRAGMENTS), fileUrl),
        fc.integer({ min: 2_000, max: 20_000 })
      )
      .map(([unit, times]) => (unit === '' ? 'x' : unit).repeat(Math.ceil(times / Math.max(1, unit.length))))
    fc.assert(
      fc.property(fc.constantFrom(...INPUT_NAMES), huge, rawInputs, (name, value, raw) => {
        const result = parseSettings({ ...raw, [name]: value }, { readFile: () => value })
        assertTitled([...result.errors, ...result.warnings])
        if (result.settings) assertSafeSettings(result.settings)
        else assert.ok(result.errors.length > 0, 'no settings and no error')
      }),
      { numRuns: 150 }
    )
  })

  it('finishes quickly on inputs built to make regular expressions backtrack', () => {
    const n = 200_000
    const nasty = [
      `a@${'a.'.repeat(n)} `,
      `${'a@'.repeat(n)}`,
      `<title${'<title'.repeat(n / 6)}`,
      `${'bearer '.repeat(n / 7)}x y`,
      `"${'a'.repeat(n)}`,
      `${'a'.repeat(n)}:`,
      `${':1'.repeat(n / 2)}x`,
      `${'-'.repeat(n)}.com`,
      `https://${'a.'.repeat(n / 2)}/`,
      `[${'{"url":'.repeat(n / 7)}`
    ]
    for (const value of nasty) {
      const started = performance.now()
      for (const name of INPUT_NAMES) parseSettings({ [name]: value, zone: value }, { readFile: () => value })
      // Generous: a quadratic pattern takes minutes on these sizes, a linear one milliseconds.
      expect(performance.now() - started).toBeLessThan(5000)
    }
  })
})

describe('item parsers on arbitrary text', () => {
  const text = fc.oneof(
    hostile,
    spliced(plausible.files),
    spliced(plausible.tags),
    spliced(plausible.hosts),
    spliced(plausible.prefixes),
    fc.array(fc.oneof(hostile, fileUrl, hostname), { maxLength: 6 }).map((parts) => parts.join('\n'))
  )
  const zoneName = fc.option(
    hostname.map((h) => toAsciiHostname(h) as string),
    { nil: undefined }
  )

  it('files: absolute http(s) URLs or titled errors', () => {
    fc.assert(
      fc.property(text, zoneName, (value, zone) => {
        const { items, errors } = parseFiles(value, { input: 'files' }, zone)
        assertTitled(errors)
        items.forEach(assertSafeFile)
      }),
      { numRuns: RUNS }
    )
  })

  it('files as JSON: objects with any fields and header values', () => {
    const entry = fc.oneof(
      fileUrl,
      hostile,
      fc.record({
        url: fc.oneof(fileUrl, hostile),
        headers: fc.dictionary(hostile, fc.oneof(hostile, fc.constant('US')))
      }),
      fc.record({ url: fileUrl, headers: fc.anything() }),
      fc.anything()
    )
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 5 }), (entries) => {
        let json: string
        try {
          json = JSON.stringify(entries)
        } catch {
          return // BigInt and the like cannot be written as JSON; nothing to parse
        }
        const { items, errors } = parseFiles(json, { input: 'files' })
        assertTitled(errors)
        items.forEach(assertSafeFile)
      }),
      { numRuns: RUNS }
    )
  })

  it('tags: printable ASCII, at most 1,024 characters', () => {
    fc.assert(
      fc.property(text, (value) => {
        const { items, errors } = parseTags(value)
        assertTitled(errors)
        for (const tag of items) assert.match(tag, /^[\x21-\x7e]{1,1024}$/)
      }),
      { numRuns: RUNS }
    )
  })

  it('hosts: bare ASCII hostnames', () => {
    fc.assert(
      fc.property(text, (value) => {
        const { items, errors } = parseHosts(value)
        assertTitled(errors)
        for (const host of items) assert.equal(toAsciiHostname(host), host)
      }),
      { numRuns: RUNS }
    )
  })

  it('prefixes: host/path without scheme, query, fragment or wildcard', () => {
    fc.assert(
      fc.property(text, zoneName, (value, zone) => {
        const { items, errors } = parsePrefixes(value, zone)
        assertTitled(errors)
        items.forEach(assertSafePrefix)
      }),
      { numRuns: RUNS }
    )
  })

  it('zone: a 32-hex ID, an ASCII domain name, or a reason', () => {
    fc.assert(
      fc.property(fc.oneof(hostile, spliced(hex32), spliced(hostname)), (value) => {
        const zone = parseZone(value)
        if (typeof zone === 'string') assert.notEqual(zone.trim(), '')
        else if (zone.kind === 'id') assert.match(zone.id, HEX32)
        else assert.equal(toAsciiHostname(zone.name), zone.name)
      }),
      { numRuns: RUNS }
    )
  })

  // The comment rule changed (issue 10): a line whose first non-blank character is "#" is a comment, and
  // nothing else is, so an entry may start with "#" when it follows a comma ("release, #blog").
  it('list splitting drops blanks and comment lines, trims every entry, and keeps "#" after a comma', () => {
    fc.assert(
      fc.property(text, (value) => {
        for (const entry of splitList(value)) {
          assert.equal(entry, entry.trim())
          assert.notEqual(entry, '')
          assert.doesNotMatch(entry, /[\r\n]/)
        }
        const oneLine = value.replace(/[\r\n,]/g, ' ').trim()
        assert.deepEqual(splitList(` # ${oneLine}`), [])
        assert.deepEqual(splitList(`\n\t#${oneLine}\n`), [])
        if (oneLine !== '') assert.deepEqual(splitList(`x, #${oneLine}`), ['x', `#${oneLine}`])
      }),
      { numRuns: RUNS }
    )
  })
})

describe('IDs in URL paths', () => {
  /** A stand-in transport that records the paths it is asked for. */
  function recordingApi(): { api: CloudflareApi; paths: string[] } {
    const paths: string[] = []
    const http = {
      call: async (_method: string, path: string) => {
        paths.push(path)
        return { result: { id: 'f'.repeat(32), status: 'active' }, messages: [], status: 200 }
      }
    } as unknown as CloudflareHttpClient
    return { api: new CloudflareApi(http), paths }
  }

  it('refuses anything but 32 lowercase hex before a request is built', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(hostile, spliced(hex32), hex32), async (id) => {
        const { api, paths } = recordingApi()
        const calls = [
          () => api.getZone(id),
          () => api.purge(id, { purge_everything: true }),
          () => api.getAccount(id),
          () => api.verifyAccountToken(id)
        ]
        for (const call of calls) {
          const outcome = await call().then(
            () => 'sent',
            () => 'refused'
          )
          assert.equal(outcome, HEX32.test(id) ? 'sent' : 'refused')
        }
        if (HEX32.test(id)) {
          assert.deepEqual(paths, [
            `/zones/${id}`,
            `/zones/${id}/purge_cache`,
            `/accounts/${id}`,
            `/accounts/${id}/tokens/verify`
          ])
        } else {
          assert.deepEqual(paths, [])
        }
      }),
      { numRuns: RUNS }
    )
  })
})
