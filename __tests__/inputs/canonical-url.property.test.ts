// Properties of the canonical URL: a fixed point, and one item for URLs that only differ in how the same
// resource is written (host case, default port, fragment).
import assert from 'node:assert/strict'
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { canonicalUrl, normalizedForm } from '../../src/inputs/canonical-url.js'
import { parseSettings } from '../../src/inputs/parser.js'

const RUNS = 500

const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,8}[a-z0-9])?$/)
const unicodeLabel = fc.constantFrom('bücher', 'münchen', 'пример', '例え', 'café')
const host = fc
  .tuple(
    fc.array(fc.oneof(label, unicodeLabel), { minLength: 1, maxLength: 3 }),
    fc.constantFrom('com', 'example', 'org')
  )
  .map(([labels, tld]) => [...labels, tld].join('.'))
const segment = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9._~!$&'()+,;=:@-]{0,8}$/),
  fc.constantFrom('..', '.', '%7e', '%7E', 'ä', 'a b', '%20', 'index.html')
)
const path = fc.array(segment, { maxLength: 4 }).map((parts) => parts.map((p) => `/${p}`).join(''))
const query = fc.option(fc.stringMatching(/^[A-Za-z0-9=&%+._~-]{0,12}$/), { nil: undefined })
const scheme = fc.constantFrom('http', 'https')
const port = fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined })
const fragment = fc.option(fc.stringMatching(/^[A-Za-z0-9#?/._~-]{0,8}$/), { nil: undefined })

/** A URL as someone might write it: any host case, an explicit port, a fragment. */
const written = fc
  .record({ scheme, host, port, path, query, fragment })
  .map(
    ({ scheme, host, port, path, query, fragment }) =>
      `${scheme}://${host}${port === undefined ? '' : `:${port}`}${path}` +
      `${query === undefined ? '' : `?${query}`}${fragment === undefined ? '' : `#${fragment}`}`
  )

/** Random upper and lower case, as a person or a tool might type the host. */
const recase = (text: string, bits: boolean[]): string =>
  [...text].map((c, i) => (bits[i % Math.max(1, bits.length)] ? c.toUpperCase() : c.toLowerCase())).join('')

describe('canonical URLs', () => {
  it('canonicalising is idempotent', () => {
    let accepted = 0
    fc.assert(
      fc.property(
        fc.oneof(written, fc.webUrl({ withQueryParameters: true, withFragments: true })),
        (value) => {
          const once = canonicalUrl(value)
          if (!once.ok) return
          const twice = canonicalUrl(once.url)
          assert.ok(twice.ok, `the canonical form ${once.url} is refused`)
          assert.equal(twice.url, once.url)
          assert.equal(twice.hadFragment, false)
          accepted++
        }
      ),
      { numRuns: RUNS }
    )
    // Not vacuous: most generated URLs are accepted.
    expect(accepted).toBeGreaterThan(RUNS / 2)
  })

  it('URLs that differ only in host case, default port or fragment become one item', () => {
    let compared = 0
    fc.assert(
      fc.property(
        scheme,
        host,
        path,
        query,
        fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }),
        fc.array(fragment, { minLength: 2, maxLength: 4 }),
        fc.array(fc.boolean(), { minLength: 2, maxLength: 4 }),
        (scheme, host, path, query, caseBits, fragments, explicitPorts) => {
          const defaultPort = scheme === 'https' ? 443 : 80
          const q = query === undefined ? '' : `?${query}`
          // A comma that ends a URL in a plain list separates it from the next (list-syntax.ts).
          if (`${path}${q}`.endsWith(',')) return
          const variants = fragments.map((fragment, i) => {
            const h = recase(host, caseBits.slice(i))
            const p = explicitPorts[i % explicitPorts.length] ? `:${defaultPort}` : ''
            return `${recase(scheme, caseBits.slice(i + 1))}://${h}${p}${path}${q}${fragment === undefined ? '' : `#${fragment}`}`
          })
          const result = parseSettings(
            {
              zone: 'f00d0000000000000000000000000001',
              api_token: 'A'.repeat(40),
              files: variants.join('\n')
            },
            { readFile: () => '' }
          )
          if (result.errors.length > 0) return // a path the checks refuse, such as one with a space
          compared++
          const [item, ...more] = result.settings?.purge.files ?? []
          // One item, and its normalized form when that differs (request.ts: both are purged).
          const second = normalizedForm(item?.url ?? '')
          assert.deepEqual(more, second ? [{ url: second }] : [], `not one item: ${JSON.stringify(variants)}`)
          const url = new URL(item?.url ?? '')
          assert.equal(url.hostname, url.hostname.toLowerCase())
          assert.equal(url.port, '')
          assert.equal(url.hash, '')
          assert.ok(!item?.url.includes('#'))
        }
      ),
      { numRuns: RUNS }
    )
    // Not vacuous: most generated URLs are accepted.
    expect(compared).toBeGreaterThan(RUNS / 2)
  })
})
