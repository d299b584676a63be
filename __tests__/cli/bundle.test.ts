// The committed command line (dist/cli/): what `bin` runs, built by `npm run package` with the action,
// free of the Actions toolkit, with one copy of undici in it as in the action's bundle.
import { describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8')
const pkg = JSON.parse(read('package.json')) as {
  bin: Record<string, string>
  scripts: Record<string, string>
}
/** The JavaScript of a bundle: its entry and the chunks it loads, but not those of a bundle in a subfolder. */
const bundle = (dir: string): string =>
  readdirSync(join(ROOT, dir))
    .filter((f) => f.endsWith('.js'))
    .map((f) => read(join(dir, f)))
    .join('\n')

describe('the command line bundle', () => {
  it('is what the cloudflare-purge command runs: an executable script for Node', () => {
    expect(pkg.bin).toEqual({ 'cloudflare-purge': 'dist/cli/index.js' })
    expect(read('dist/cli/index.js').startsWith('#!/usr/bin/env node\n')).toBe(true)
    expect(statSync(join(ROOT, 'dist/cli/index.js')).mode & 0o111).not.toBe(0)
    // ES modules, as dist/package.json and the bundle's own package.json say.
    expect(JSON.parse(read('dist/cli/package.json'))).toEqual({ type: 'module' })
  })

  it('is built by npm run package, so that the dist check of CI covers it', () => {
    expect(pkg.scripts.package).toContain('npm run package:cli')
    expect(pkg.scripts['package:cli']).toContain('ncc build src/cli/index.ts -o dist/cli')
  })

  it('holds no part of the Actions toolkit: only undici is credited', () => {
    const credited = read('dist/cli/licenses.txt')
      .split('\n')
      .filter(
        (line, i, lines) =>
          (i === 0 || lines[i - 1] === '') && /^(@[\w.-]+\/)?[\w.-]+@\d+\.\d+\.\d+/.test(line)
      )
    expect(credited.map((line) => line.replace(/@\d.*$/, ''))).toEqual(['undici'])
    const code = bundle('dist/cli')
    for (const name of ['@actions/core', '@actions/github', '@octokit/', '::add-mask::', 'GITHUB_OUTPUT'])
      expect(code).not.toContain(name)
  })

  it.each(['dist', 'dist/cli'])('%s holds one copy of undici', (dir) => {
    const code = bundle(dir)
    const copies = (marker: string): number => code.split(marker).length - 1
    expect(copies('class ProxyAgent extends DispatcherBase')).toBe(1)
    expect(copies("'undici:request:create'")).toBe(1)
  })
})
