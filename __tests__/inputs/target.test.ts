import { describe, expect, it } from '@jest/globals'
import { parseSettings, type RawInputs } from '../../src/inputs/parser.js'
import { parseEnvironment, parseMode } from '../../src/inputs/target.js'

const BASE: RawInputs = {
  zone: 'f00d0000000000000000000000000004',
  api_token: 'FAKEuserTokenAllPerms0000000000000000001',
  tags: 'release-1'
}
const parse = (raw: RawInputs) => parseSettings({ ...BASE, ...raw }, { readFile: () => '' })

describe('mode', () => {
  it('is purge when empty, and purge or invalidate in any case', () => {
    expect(parseMode('')).toEqual({ mode: 'purge', errors: [] })
    expect(parseMode(' Purge ')).toEqual({ mode: 'purge', errors: [] })
    expect(parseMode('INVALIDATE')).toEqual({ mode: 'invalidate', errors: [] })
  })

  it('refuses anything else, saying what the two modes do', () => {
    const { mode, errors } = parseMode('soft-purge')
    expect(mode).toBeUndefined()
    expect(errors.map((e) => [e.id, e.title])).toEqual([['bad-option', 'Invalid input']])
    expect(errors[0]!.message).toMatch(/`mode` is "soft-purge"/)
    expect(errors[0]!.message).toMatch(/`purge`.*`invalidate`/)
  })

  it('reaches the settings only when it is invalidate, so a default run is unchanged', () => {
    expect(parse({}).settings?.mode).toBeUndefined()
    expect(parse({ mode: 'purge' }).settings?.mode).toBeUndefined()
    expect(parse({ mode: 'invalidate' }).settings?.mode).toBe('invalidate')
    expect(parse({ mode: 'delete' }).settings).toBeUndefined()
  })
})

describe('environment', () => {
  it('is kept as given, trimmed, for matching per zone later', () => {
    expect(parseEnvironment('')).toEqual({ errors: [] })
    expect(parseEnvironment('  Staging \n')).toEqual({ environment: 'Staging', errors: [] })
    expect(parseEnvironment('Geo Canary')).toEqual({ environment: 'Geo Canary', errors: [] })
    expect(parse({ environment: 'e0e00000000000000000000000000002' }).settings?.environment).toBe(
      'e0e00000000000000000000000000002'
    )
    expect(parse({}).settings?.environment).toBeUndefined()
  })

  it('refuses two lines or control characters, and a value too long to be a name', () => {
    for (const value of ['Staging\nProduction', 'Sta\u0000ging', 'x'.repeat(201)]) {
      const { environment, errors } = parseEnvironment(value)
      expect(environment).toBeUndefined()
      expect(errors.map((e) => e.id)).toEqual(['bad-option'])
      expect(errors[0]!.message).toMatch(/`environment`/)
      expect(errors[0]!.message).not.toContain('\n')
      expect(errors[0]!.message).not.toContain('\u0000')
    }
  })

  it('is reported with every other input error at once', () => {
    const { settings, errors } = parse({ mode: 'x', environment: 'a\nb', timeout: '0' })
    expect(settings).toBeUndefined()
    expect(errors.map((e) => e.message)).toEqual([
      expect.stringContaining('`timeout`'),
      expect.stringContaining('`mode`'),
      expect.stringContaining('`environment`')
    ])
  })
})
