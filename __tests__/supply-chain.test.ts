// What ships in dist/ is pinned by the lockfile and credited in dist/licenses.txt (ncc --license).
// Every package is a devDependency: dist/ bundles what the source imports, so that installing the packed
// command line (npm install -g) has nothing to fetch. The bundled packages are those the source imports
// and everything they depend on.
import { describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const read = (path: string): string => readFileSync(resolve(ROOT, path), 'utf8')

interface LockEntry {
  version?: string
  integrity?: string
  license?: string
  link?: boolean
  dependencies?: Record<string, string>
  optionalDependencies?: Record<string, string>
}

const pkg = JSON.parse(read('package.json')) as {
  dependencies?: Record<string, string>
  devDependencies: Record<string, string>
}
const lock = JSON.parse(read('package-lock.json')) as {
  lockfileVersion: number
  packages: Record<string, LockEntry>
}
const entries = Object.entries(lock.packages).filter(([path]) => path !== '')
const nameOf = (path: string): string => path.replace(/^.*node_modules\//, '')

/** The packages the source imports (not `node:` modules, not its own files). */
function importedPackages(): string[] {
  const files = (readdirSync(resolve(ROOT, 'src'), { recursive: true }) as string[]).filter((f) =>
    f.endsWith('.ts')
  )
  const patterns = [
    /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+'([^']+)'/g,
    /(?:^|\n)\s*import\s+'([^']+)'/g,
    /\bimport\(\s*'([^']+)'\s*\)/g
  ]
  const names = files.flatMap((file) =>
    patterns
      .flatMap((pattern) => [...read(`src/${file}`).matchAll(pattern)].map((m) => m[1] as string))
      .filter((spec) => !spec.startsWith('.') && !spec.startsWith('node:'))
      .map((spec) =>
        spec
          .split('/')
          .slice(0, spec.startsWith('@') ? 2 : 1)
          .join('/')
      )
  )
  return [...new Set(names)].sort()
}

/** Where npm put `name` for the package at `from`: its own node_modules first, then each folder above. */
function resolveIn(from: string, name: string): string | undefined {
  for (let base = from; ; base = base.replace(/\/?node_modules\/(?:@[^/]+\/)?[^/]+$/, '')) {
    const path = `${base ? `${base}/` : ''}node_modules/${name}`
    if (lock.packages[path]) return path
    if (!base) return undefined
  }
}

/** The lock entries of the imported packages and of everything they depend on. */
function bundledEntries(): Array<[string, LockEntry]> {
  const seen = new Set<string>()
  const queue = importedPackages().flatMap((name) => resolveIn('', name) ?? [])
  while (queue.length > 0) {
    const path = queue.pop() as string
    if (seen.has(path)) continue
    seen.add(path)
    const entry = lock.packages[path] as LockEntry
    for (const name of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies }))
      queue.push(...[resolveIn(path, name)].filter((p): p is string => p !== undefined))
  }
  return entries.filter(([path]) => seen.has(path))
}
const production = bundledEntries()

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
    for (const name of [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies)])
      expect(lock.packages[`node_modules/${name}`]).toBeDefined()
  })

  it('has no dependencies to install: the bundle holds what the source imports', () => {
    expect(pkg.dependencies ?? {}).toEqual({})
    expect(importedPackages()).toEqual(['@actions/core', '@actions/github', 'undici'])
    for (const name of importedPackages()) expect(pkg.devDependencies).toHaveProperty(name)
  })

  it('keeps the bundled packages few and permissively licensed', () => {
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
