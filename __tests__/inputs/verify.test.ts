import { describe, expect, it } from '@jest/globals'
import { commandLineDoor } from '../../src/cli/door.js'
import { diagnose, render } from '../../src/diagnosis/catalogue.js'
import { ACTION_DOOR } from '../../src/diagnosis/door.js'
import { parseSettings, type RawInputs } from '../../src/inputs/parser.js'

const base: RawInputs = {
  zone: 'example.com',
  api_token: 'FAKEuserTokenAllPerms0000000000000000001',
  files: 'https://example.com/a'
}
const parse = (raw: RawInputs) => parseSettings({ ...base, ...raw }, { readFile: () => '' })

describe('the edge check inputs', () => {
  it('leave verify out of the settings unless it is true', () => {
    expect(parse({}).settings?.verify).toBeUndefined()
    expect(parse({ verify: 'false' }).settings?.verify).toBeUndefined()
  })

  it('default to no warming and 100 URLs', () => {
    expect(parse({ verify: 'true' }).settings?.verify).toEqual({ warm: false, limit: 100, urls: [] })
  })

  it('read warm, verify_limit and verify_urls (in the list syntax of files)', () => {
    const verify = parse({
      verify: 'true',
      warm: 'true',
      verify_limit: '2000',
      verify_urls:
        '[{"url": "https://Example.com/x#top", "headers": {"CF-Device-Type": "mobile"}}, "https://example.com/x"]'
    }).settings?.verify
    expect(verify).toEqual({
      warm: true,
      limit: 2000,
      urls: [
        { url: 'https://example.com/x', headers: { 'CF-Device-Type': 'mobile' } },
        { url: 'https://example.com/x' }
      ]
    })
  })

  it.each(['warm', 'verify_urls', 'verify_limit'] as const)('refuse %s without verify', (input) => {
    const value = input === 'verify_urls' ? 'https://example.com/' : input === 'warm' ? 'true' : '5'
    const result = parse({ [input]: value })
    expect(result.settings).toBeUndefined()
    expect(result.errors.map((e) => e.id)).toEqual(['verify-off'])
    expect(result.errors[0]?.message).toContain(`\`${input}\``)
  })

  it('refuse a bad verify, warm or verify_limit, and a bad URL in verify_urls', () => {
    const result = parse({ verify: 'yes', warm: 'maybe', verify_limit: '0', verify_urls: 'example.com/a' })
    expect(result.errors.map((e) => e.id)).toEqual([
      'bad-option',
      'bad-option',
      'bad-option',
      expect.any(String)
    ])
    expect(parse({ verify: 'true', verify_limit: '10001' }).errors.map((e) => e.id)).toEqual(['bad-option'])
  })

  it('warn when verify has no URL to check', () => {
    const result = parse({ files: '', tags: 'release', verify: 'true' })
    expect(result.settings?.verify).toBeDefined()
    expect(result.warnings.map((w) => w.id)).toEqual(['verify-no-urls'])
    expect(
      parse({ files: '', tags: 'release', verify: 'true', verify_urls: 'https://example.com/' }).warnings
    ).toEqual([])
  })
})

describe('the edge check inputs through each front door', () => {
  it('name the inputs as a workflow and as a command line give them', () => {
    const cli = commandLineDoor()
    const off = diagnose('verify-off', { input: 'warm' })
    expect(render(off, ACTION_DOOR)).toBe(
      '`warm` works on the URLs checked at the edge after the purge, and nothing is checked unless ' +
        '`verify: true` is given. Add `verify: true`, or remove `warm`.'
    )
    expect(render(off, cli)).toBe(
      '--warm works on the URLs checked at the edge after the purge, and nothing is checked unless ' +
        '--verify is given. Add --verify, or remove --warm.'
    )
    expect(render(diagnose('verify-no-urls'), cli)).toContain(
      'List a few URLs the purge covers in --verify-urls'
    )
    expect(render(diagnose('edge-unchecked', { count: 1, examples: ['u (x)'] }), cli)).toContain(
      'Check that the machine can reach these URLs'
    )
  })
})
