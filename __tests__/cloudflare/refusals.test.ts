// What a refused purge request is about, from Cloudflare's codes and words.
import { describe, expect, it } from '@jest/globals'
import { CloudflareError, type ApiMessage } from '../../src/cloudflare/errors.js'
import { classifyRefusal, isTooManyItems, limitFromWords, namedItems } from '../../src/cloudflare/refusals.js'

const refused = (status: number, errors: ApiMessage[]): CloudflareError =>
  new CloudflareError({
    kind: 'api',
    endpoint: 'POST /zones/f00d0000000000000000000000000001/purge_cache',
    status,
    errors,
    message: errors[0]?.message ?? ''
  })

describe('classifyRefusal', () => {
  it.each([
    ['1000 Invalid API Token', 401, 1000, 'Invalid API Token'],
    ['9109 Invalid access token', 403, 9109, 'Invalid access token'],
    ['9109 from an IP filter', 403, 9109, 'Cannot use the access token from location: 203.0.113.7'],
    ['9103 unknown key', 403, 9103, 'Unknown X-Auth-Key or X-Auth-Email'],
    ['6003 bad header', 400, 6003, 'Invalid request headers']
  ])('%s is about the credential', (_name, status, code, message) => {
    expect(classifyRefusal(refused(status, [{ code, message }]))).toEqual({ about: 'credential' })
  })

  it.each([
    ['10000 Authentication error', 403, 10000, 'Authentication error'],
    [
      '7003 no such zone',
      400,
      7003,
      'Could not route to /zones/x, perhaps your object identifier is invalid?'
    ]
  ])('%s is about the zone', (_name, status, code, message) => {
    expect(classifyRefusal(refused(status, [{ code, message }]))).toEqual({ about: 'zone' })
  })

  it('takes 1136 (no invalidation by URL in this environment) as about that kind of request', () => {
    const error = refused(400, [
      { code: 1136, message: 'Invalidating by URL is not supported for this environment' }
    ])
    expect(classifyRefusal(error, ['https://example.com/a'])).toEqual({ about: 'type' })
  })

  it.each([
    [1094, 'Exceeded maximum amount of 30 files that can be purged on a single request', 30],
    [1101, 'Too many tags in purge request: only 100 are allowed per request', 100],
    [1111, 'x', undefined],
    [9999, 'You cannot provide more than 100 items', 100],
    [9999, 'No more than 100 items may be given in a single request', 100],
    [1106, 'Too many prefixes in purge request: only 100 are allowed per request', 100]
  ])('%i "%s" is about the size, limit %s', (code, message, limit) => {
    const error = refused(400, [{ code, message }])
    expect(isTooManyItems(error)).toBe(true)
    expect(classifyRefusal(error)).toEqual(limit === undefined ? { about: 'size' } : { about: 'size', limit })
  })

  it('does not take code 1106 alone as a size refusal: the emulator invented it', () => {
    expect(isTooManyItems(refused(400, [{ code: 1106, message: 'x' }]))).toBe(false)
  })

  it.each([
    ['Unable to purge /testing/test, which is an invalid URL.'],
    ['Unable to purge feeds.example.com. You can only purge files for this zone.'],
    ['Invalid tag two words: tags are printable ASCII without spaces'],
    ['URL length exceeds the maximum allowed'],
    ['Prefix is too long']
  ])('"%s" is about an item, never about the size', (message) => {
    const error = refused(400, [{ code: 1016, message }])
    expect(isTooManyItems(error)).toBe(false)
    expect(classifyRefusal(error)).toEqual({ about: 'item' })
  })

  it('takes a message quoting one of the items as about that item', () => {
    const error = refused(400, [{ code: 4242, message: 'Nope: https://example.com/x?y' }])
    expect(classifyRefusal(error, ['https://example.com/a', 'https://example.com/x?y'])).toEqual({
      about: 'item'
    })
    expect(classifyRefusal(error, ['https://example.com/a'])).toBeUndefined()
  })

  it('leaves anything else alone: 5xx, 429, unknown 400s, network failures', () => {
    expect(classifyRefusal(refused(500, [{ code: 500, message: 'Internal' }]))).toBeUndefined()
    expect(classifyRefusal(refused(429, [{ code: 971, message: 'Please wait' }]))).toBeUndefined()
    expect(classifyRefusal(refused(400, [{ code: 1234, message: 'Something new' }]))).toBeUndefined()
    expect(
      classifyRefusal(new CloudflareError({ kind: 'network', endpoint: 'x', message: 'reset' }))
    ).toBeUndefined()
    expect(classifyRefusal(new Error('too many files'))).toBeUndefined()
  })
})

describe('limitFromWords', () => {
  it.each([
    ['only 30 are allowed per request', 30],
    ['no more than 100 items', 100],
    ['Exceeded maximum amount of 500 files', 500],
    ['Too many files', undefined]
  ])('"%s" → %s', (message, limit) => {
    expect(limitFromWords([message])).toBe(limit)
  })
})

describe('namedItems', () => {
  const sent = [
    'https://example.com/a',
    'https://example.com/a.css',
    '/testing/test',
    'https://example.com/b'
  ]

  it.each([
    ["Unable to purge 'https://example.com/a'.", ['https://example.com/a']],
    ['Unable to purge https://example.com/a.', ['https://example.com/a']],
    ['Unable to purge https://example.com/a.css, which is an invalid URL.', ['https://example.com/a.css']],
    ['Unable to purge /testing/test, which is an invalid URL.', ['/testing/test']],
    ['Unable to purge "https://example.com/b"', ['https://example.com/b']],
    ['Unable to purge https://example.com/abc', []],
    ['URL length exceeds the maximum allowed', []]
  ])('%s names %j', (message, expected) => {
    expect([...namedItems(refused(400, [{ code: 1082, message }]), sent).keys()]).toEqual(expected)
  })

  it('reads every error of the answer and its error_chain, each item with the words about it', () => {
    const error = refused(400, [
      {
        code: 1016,
        message: 'One or more cache purge errors',
        error_chain: [
          { code: 1082, message: "Unable to purge 'https://example.com/a'." },
          { code: 1015, message: "Unable to purge 'https://example.com/b'." }
        ]
      }
    ])
    const named = namedItems(error, sent)
    expect([...named.keys()]).toEqual(['https://example.com/a', 'https://example.com/b'])
    expect(named.get('https://example.com/b')).toEqual([
      { code: 1015, message: "Unable to purge 'https://example.com/b'." }
    ])
  })

  it('names nothing in an answer that is not a 400', () => {
    const error = refused(403, [{ code: 10000, message: 'https://example.com/a' }])
    expect(namedItems(error, sent).size).toBe(0)
  })
})
