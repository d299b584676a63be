// The inputs of this feature: an empty zone, several zones, changed_paths, github_token, base and head.
import { describe, expect, it } from '@jest/globals'
import { parseSettings, type RawInputs } from '../../src/inputs/parser.js'

const TOKEN = 'FAKEuserTokenAllPerms0000000000000000001'
const parse = (raw: RawInputs) =>
  parseSettings(
    { api_token: TOKEN, ...raw },
    {
      readFile: () => {
        throw new Error('no files here')
      }
    }
  )
const ids = (r: ReturnType<typeof parse>): string[] => r.errors.map((e) => e.id)

describe('zone', () => {
  it('may be empty when URLs, hosts or prefixes name their hosts', () => {
    for (const raw of [
      { files: 'https://example.com/a' },
      { hosts: 'www.example.com' },
      { prefixes: 'example.com/blog/' },
      { files: 'https://example.com/a', tags: 't' }
    ]) {
      const result = parse(raw)
      expect(result.errors).toEqual([])
      expect(result.settings?.zones).toEqual([])
    }
  })

  it('is required for tags alone and for purge_everything', () => {
    const tags = parse({ tags: 'release-1' })
    expect(ids(tags)).toEqual(['no-zone'])
    expect(tags.errors[0]!.message).toMatch(/cache tags belong to no hostname/)
    const everything = parse({ purge_everything: 'true' })
    expect(ids(everything)).toEqual(['no-zone'])
    expect(everything.errors[0]!.message).toMatch(/`purge_everything` should empty/)
  })

  it('accepts several zones, by ID and name, separated by commas or newlines, each once', () => {
    const result = parse({
      zone: 'example.com, F00D0000000000000000000000000002\nexample.com\n# comment',
      files: 'https://example.com/a'
    })
    expect(result.errors).toEqual([])
    expect(result.settings?.zones).toEqual([
      { kind: 'name', name: 'example.com', input: 'example.com' },
      { kind: 'id', id: 'f00d0000000000000000000000000002' }
    ])
  })
})

describe('changed_paths', () => {
  const changed = {
    changed_paths: 'public/ => https://example.com/',
    github_token: 'ghs_fakeGitHubToken0000000000000000000000'
  }

  it('is enough to purge, even with an empty zone, and carries the token and commits', () => {
    const result = parse({ ...changed, base: 'v1.2.0', head: 'main' })
    expect(result.errors).toEqual([])
    expect(result.settings?.zones).toEqual([])
    expect(result.settings?.changes).toEqual({
      mappings: [{ path: 'public/', url: 'https://example.com/' }],
      githubToken: changed.github_token,
      base: 'v1.2.0',
      head: 'main'
    })
  })

  it('needs a GitHub token', () => {
    const result = parse({ ...changed, github_token: '  ' })
    expect(ids(result)).toEqual(['no-github-token'])
    expect(result.errors[0]!.message).toMatch(/github\.token/)
  })

  it('cannot be combined with purge_everything', () => {
    expect(ids(parse({ ...changed, zone: 'example.com', purge_everything: 'true' }))).toEqual([
      'everything-with-items'
    ])
  })

  it('needs at least one mapping', () => {
    const result = parse({ ...changed, changed_paths: '# public/ => https://example.com/' })
    expect(ids(result)).toEqual(['bad-changed-paths'])
  })

  it('refuses head without base, and refs with spaces or ".."', () => {
    expect(parse({ ...changed, head: 'main' }).errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/`head` is "main", but it must be given together with `base`/)
    ])
    expect(ids(parse({ ...changed, base: 'v1 v2' }))).toEqual(['bad-option'])
    expect(ids(parse({ ...changed, base: 'main..dev' }))).toEqual(['bad-option'])
  })

  it('warns that base and head are ignored without changed_paths', () => {
    const result = parse({ zone: 'example.com', files: 'https://example.com/a', base: 'v1' })
    expect(result.errors).toEqual([])
    expect(result.warnings.map((w) => w.id)).toEqual(['refs-ignored'])
    expect(result.settings?.changes).toBeUndefined()
  })
})
