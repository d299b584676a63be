// End to end: the command line as a user installs it. `npm pack` makes the tarball, which holds only what a
// user needs; `npm install -g` puts it in a temporary prefix, offline and from an empty cache (dist/ is
// bundled: there is nothing to fetch); the installed `cloudflare-purge` purges against the emulator.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFile, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { fixture } from '../emulator/fixtures.js'
import { useEmulator } from './emulator-setup.js'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const run = promisify(execFile)
const dir = mkdtempSync(join(tmpdir(), 'purge-install-'))
/** npm and node from the Node.js running the tests; no registry that answers, no cache with anything in it. */
const env = {
  PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`,
  HOME: dir,
  npm_config_cache: join(dir, 'cache'),
  npm_config_registry: 'http://127.0.0.1:9/',
  npm_config_update_notifier: 'false'
}
const emulator = useEmulator()

interface PackedFile {
  path: string
}
let files: string[] = []
let tarball = ''

beforeAll(async () => {
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', dir], { cwd: ROOT, env })
  const [packed] = JSON.parse(stdout) as Array<{ filename: string; files: PackedFile[] }>
  files = (packed?.files ?? []).map((f) => f.path)
  tarball = join(dir, packed?.filename ?? '')
}, 60_000)
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('npm pack', () => {
  it('holds only dist/, action.yml, the README, the LICENSE, the docs and package.json', () => {
    expect(files).toEqual(expect.arrayContaining(['dist/cli/index.js', 'dist/index.js', 'action.yml']))
    expect(files).toEqual(expect.arrayContaining(['README.md', 'LICENSE', 'docs/cli.md', 'package.json']))
    const other = files.filter(
      (f) => !/^(dist|docs)\//.test(f) && !['action.yml', 'README.md', 'LICENSE', 'package.json'].includes(f)
    )
    expect(other).toEqual([])
  })
})

describe('npm install -g of the tarball', () => {
  it('installs offline, with nothing to fetch, a cloudflare-purge that purges', async () => {
    const prefix = join(dir, 'prefix')
    await run(
      'npm',
      ['install', '--global', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', tarball],
      { cwd: dir, env }
    )
    const bin =
      process.platform === 'win32'
        ? join(prefix, 'cloudflare-purge.cmd')
        : join(prefix, 'bin', 'cloudflare-purge')
    expect(existsSync(bin)).toBe(true)

    const child = spawn(
      bin,
      ['--api-url', emulator.url, '--zone', 'example.com', '--files', 'https://example.com/installed'],
      {
        cwd: dir,
        env: { ...env, CLOUDFLARE_API_TOKEN: fixture.tokens.user.value },
        stdio: ['ignore', 'pipe', 'pipe']
      }
    )
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const code = await new Promise<number | null>((done) => child.on('close', done))
    expect({ code, stderr }).toEqual({
      code: 0,
      stderr: expect.stringMatching(/^Purged 1 URL on example\.com: 1 purge request in \d+\.\d s\.\n$/)
    })
    expect(emulator.purgedItems(fixture.zones.free.id)).toEqual(['https://example.com/installed'])
  }, 60_000)
})
