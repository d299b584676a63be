// scripts/release.sh in a scratch repository: it refuses every unsafe state, and tags only a tested commit.
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ROOT } from '../scripts/workflow-lint.js'

const identity = {
  GIT_AUTHOR_NAME: 'Release Test',
  GIT_AUTHOR_EMAIL: 'release@example.com',
  GIT_COMMITTER_NAME: 'Release Test',
  GIT_COMMITTER_EMAIL: 'release@example.com',
  // The developer's own git settings (signing, hooks, default branch) must not change the outcome.
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1'
}
let repo: string

function git(...args: string[]): string {
  const result = spawnSync('git', args, { cwd: repo, env: { ...process.env, ...identity }, encoding: 'utf8' })
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`)
  return result.stdout.trim()
}

function release(version: string, check = 'true'): { code: number | null; out: string } {
  const result = spawnSync('bash', ['scripts/release.sh', version], {
    cwd: repo,
    env: { ...process.env, ...identity, RELEASE_CHECK_COMMAND: check },
    encoding: 'utf8'
  })
  return { code: result.status, out: result.stdout + result.stderr }
}

function commitVersion(version: string): void {
  writeFileSync(join(repo, 'package.json'), JSON.stringify({ name: 'x', version }))
  writeFileSync(join(repo, 'CHANGELOG.md'), `# Changelog\n\n## [${version}]\n\n- Changes.\n`)
  git('add', '-A')
  git('commit', '-qm', `Release ${version}`)
}

const tags = (): string[] => git('tag', '--list').split('\n').filter(Boolean)
const tagCommit = (tag: string): string => git('rev-list', '-n', '1', tag)

beforeEach(() => {
  repo = mkdtempSync(join(tmpdir(), 'release-test-'))
  mkdirSync(join(repo, 'scripts'))
  mkdirSync(join(repo, 'dist'))
  copyFileSync(join(ROOT, 'scripts', 'release.sh'), join(repo, 'scripts', 'release.sh'))
  writeFileSync(join(repo, 'dist', 'index.js'), 'console.log(1)\n')
  git('init', '-q', '-b', 'main')
  commitVersion('1.2.3')
})

afterEach(() => rmSync(repo, { recursive: true, force: true }))

describe('release.sh', () => {
  test('tags vX.Y.Z and vX on the tested commit and prints the push commands, pushing nothing', () => {
    const { code, out } = release('1.2.3')
    expect(code).toBe(0)
    const head = git('rev-parse', 'HEAD')
    expect(tags().sort()).toEqual(['v1', 'v1.2.3'])
    expect(tagCommit('v1.2.3')).toBe(head)
    expect(tagCommit('v1')).toBe(head)
    expect(out).toContain('git push origin v1.2.3')
    expect(out).toContain('git push --force origin v1')
  })

  test('moves the major tag to the next release', () => {
    expect(release('1.2.3').code).toBe(0)
    const first = git('rev-parse', 'HEAD')
    commitVersion('1.3.0')
    expect(release('1.3.0').code).toBe(0)
    const second = git('rev-parse', 'HEAD')
    expect(tagCommit('v1.2.3')).toBe(first)
    expect(tagCommit('v1.3.0')).toBe(second)
    expect(tagCommit('v1')).toBe(second)
  })

  test.each([
    ['a version that is not X.Y.Z', () => undefined, 'v1.2', 'give the version as X.Y.Z'],
    ['another branch', () => git('checkout', '-qb', 'feature'), '1.2.3', 'releases are made from main'],
    [
      'uncommitted changes',
      () => writeFileSync(join(repo, 'notes.txt'), 'wip'),
      '1.2.3',
      'the working tree has changes'
    ],
    ['a package.json version that differs', () => undefined, '1.2.4', 'package.json says version 1.2.3'],
    [
      'no CHANGELOG section',
      () => {
        writeFileSync(join(repo, 'CHANGELOG.md'), '# Changelog\n')
        git('commit', '-qam', 'drop section')
      },
      '1.2.3',
      "CHANGELOG.md has no '## [1.2.3]' section"
    ],
    ['an existing tag', () => git('tag', 'v1.2.3'), '1.2.3', 'v1.2.3 already exists']
  ])('refuses %s', (_case, arrange, version, message) => {
    arrange()
    const before = tags()
    const { code, out } = release(version)
    expect(code).not.toBe(0)
    expect(out).toContain(message)
    expect(tags()).toEqual(before)
  })

  test('refuses when the build fails, and tags nothing', () => {
    const { code } = release('1.2.3', 'exit 3')
    expect(code).not.toBe(0)
    expect(tags()).toEqual([])
  })

  test('refuses when the build changes dist/, and tags nothing', () => {
    const { code, out } = release('1.2.3', 'echo changed >> dist/index.js')
    expect(code).not.toBe(0)
    expect(out).toContain('dist/ differs from the build of this commit')
    expect(tags()).toEqual([])
  })
})
