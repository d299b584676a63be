// Property tests: whatever text leaves the process, no secret the user gave survives in it, and the
// value actually sent to Cloudflare is always one of the forms that are masked.
import { describe, it } from '@jest/globals'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { parseSettings } from '../../src/inputs/parser.js'
import { secretForms } from '../../src/action/input-reader.js'
import { Redactor } from '../../src/report/redactor.js'

const RUNS = 3000

const token = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9_-]{40}$/),
  fc.stringMatching(/^cfut_[A-Za-z0-9]{40}[0-9a-f]{8}$/)
)
const key = fc.stringMatching(/^[0-9a-f]{37}$/)
const email = fc.constantFrom('admin@example.com', 'ops+cf@mail.example.org')
/** Secrets as the Redactor gets them: realistic ones and arbitrary strings of four characters or more. */
const secret = fc.oneof(
  token,
  key,
  email,
  fc.string({ minLength: 4, maxLength: 12 }),
  fc.stringMatching(/^[ab*]{4,8}$/)
)

/** Text in which secrets, pieces of secrets and noise are mixed, as an error message quoting them might. */
function textAround(secrets: string[]): fc.Arbitrary<string> {
  const piece = fc.oneof(
    fc.constantFrom(...secrets),
    fc.constantFrom(...secrets).chain((s) => fc.nat(s.length).map((n) => s.slice(0, n))),
    fc.constantFrom(...secrets).chain((s) => fc.nat(s.length).map((n) => s.slice(n))),
    fc.string({ maxLength: 8 }),
    fc.constantFrom('***', '*', ' ', '\n', 'Bearer ', '"')
  )
  return fc.array(piece, { maxLength: 12 }).map((parts) => parts.join(''))
}

describe('Redactor', () => {
  it('leaves no secret in any text, even when secrets overlap or a mask joins its neighbours', () => {
    fc.assert(
      fc.property(
        fc
          .array(secret, { minLength: 1, maxLength: 4 })
          .chain((secrets) => fc.tuple(fc.constant(secrets), textAround(secrets))),
        ([secrets, text]) => {
          const out = new Redactor(secrets).redact(text)
          for (const s of secrets)
            assert.ok(!out.includes(s), `${JSON.stringify(s)} left in ${JSON.stringify(out)}`)
        }
      ),
      { numRuns: RUNS }
    )
  })

  it('masks the whole stretch where two secrets overlap', () => {
    const out = new Redactor(['abcdef', 'defghi']).redact('x abcdefghi y')
    assert.equal(out, 'x *** y')
  })

  it('changes nothing in text without secrets', () => {
    fc.assert(
      fc.property(
        fc.array(fc.stringMatching(/^[A-Z0-9]{4,20}$/), { maxLength: 4 }),
        fc.stringMatching(/^[a-z .,:*\n-]*$/),
        (secrets, text) => {
          assert.equal(new Redactor(secrets).redact(text), text)
        }
      ),
      { numRuns: RUNS }
    )
  })
})

describe('secretForms', () => {
  const padding = fc.constantFrom('', ' ', '\n', '\t', '  \r\n')
  const quote = fc.constantFrom('', '"', "'", '`')

  it('always includes the credential that is sent, however it was pasted', () => {
    fc.assert(
      fc.property(
        token,
        key,
        email,
        padding,
        quote,
        fc.constantFrom('', 'Bearer ', 'bearer  '),
        (tokenValue, keyValue, emailValue, pad, q, bearer) => {
          const rawToken = `${pad}${q}${bearer}${tokenValue}${q}${pad}`
          const byToken = parseSettings(
            { zone: 'example.com', hosts: 'example.com', api_token: rawToken },
            { readFile: () => '' }
          ).settings?.credential
          if (byToken?.kind === 'token') assert.ok(secretForms(rawToken).includes(byToken.token))

          const rawKey = `${pad}${q}${keyValue}${q}${pad}`
          const rawEmail = `${pad}${q}${emailValue}${q}${pad}`
          const byKey = parseSettings(
            { zone: 'example.com', hosts: 'example.com', global_key: rawKey, email: rawEmail },
            { readFile: () => '' }
          ).settings?.credential
          if (byKey?.kind === 'global-key') {
            assert.ok(secretForms(rawKey).includes(byKey.key))
            assert.ok(
              secretForms(rawEmail).includes(byKey.email),
              `${byKey.email} not in forms of ${rawEmail}`
            )
          }
        }
      ),
      { numRuns: RUNS }
    )
  })
})
