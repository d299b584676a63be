// What ships in dist/ is pinned by the lockfile and credited in dist/licenses.txt (ncc --license).
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const read = (path: string): string => readFileSync(resolve(ROOT, path), 'utf8')

interface LockEntry {
  version?: string
  integrity?: string
  license?: string
  dev?: boolean
  devOptional?: boolean
  link?: boolean
}

const pkg = JSON.parse(read('package.json')) as {
  dependencies: Record<string, string>
  devDependencies: Record<string, string>
}
const lock = JSON.parse(read('package-lock.json')) as {
  lockfileVersion: number
  packages: Record<string, LockEntry>
}
const entries = Object.entries(lock.packages).filter(([path]) => path !== '')
const nameOf = (path: string): string => path.replace(/^.*node_modules\//, '')
const production = entries.filter(([, e]) => !e.dev && !e.devOptional && !e.link)

/** The packages dist/licenses.txt credits: a `name@version` line after a blank line, then a license line. */
function creditedPackages(): Map<string, string> {
  const lines = read('dist/licenses.txt').split('\n')
  const credited = new Map<string, string>()
  lines.forEach((line, i) => {
    const next = lines[i + 1] ?? ''
    const match = /^((?:@[a-z0-9._-]+\/)?[a-z0-9._-]+)@\d+\.\d+\.\d+\S*$/.exec(line)
    if ((i === 0 || lines[i - 1] === '') && match && /^[A-Za-z0-9.+ ()-]+$/.test(next))
      credited.set(match[1] as string, next)
  })
  return credited
}

/** Packages that ship only type declarations: nothing of them can be in the bundle. */
function typesOnly(name: string): boolean {
  const manifest = JSON.parse(read(`node_modules/${name}/package.json`)) as Record<string, unknown>
  return !manifest.main && !manifest.exports && !manifest.module
}

describe('supply chain', () => {
  it('pins every package by version and integrity hash in a lockfile', () => {
    expect(lock.lockfileVersion).toBeGreaterThanOrEqual(2)
    for (const [path, entry] of entries) {
      if (entry.link) continue
      expect({ path, version: entry.version }).toEqual({
        path,
        version: expect.stringMatching(/^\d+\.\d+\.\d+/)
      })
      expect({ path, integrity: entry.integrity }).toEqual({
        path,
        integrity: expect.stringMatching(/^sha512-/)
      })
    }
    for (const name of [...Object.keys(pkg.dependencies), ...Object.keys(pkg.devDependencies)])
      expect(lock.packages[`node_modules/${name}`]).toBeDefined()
  })

  it('keeps production dependencies few and permissively licensed', () => {
    const licenses = production.map(([path, e]) => [nameOf(path), e.license])
    expect(new Set(licenses.map(([name]) => name)).size).toBeLessThanOrEqual(30)
    for (const [name, license] of licenses)
      expect({ name, license }).toEqual({
        name,
        license: expect.stringMatching(/^(MIT|ISC|Apache-2\.0|BSD-[23]-Clause|0BSD)$/)
      })
  })

  it('credits in dist/licenses.txt exactly the packages that the bundle contains', () => {
    const credited = creditedPackages()
    const expected = new Map(
      production
        .filter(([path]) => !typesOnly(nameOf(path)))
        .map(([path, e]) => [nameOf(path), e.license as string])
    )
    expect(Object.fromEntries(credited)).toEqual(Object.fromEntries(expected))
  })
})
