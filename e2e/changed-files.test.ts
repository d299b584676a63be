// End to end: purge what a push changed. A small stand-in for GitHub's compare API runs on 127.0.0.1
// beside the Cloudflare emulator; the action finds it through GITHUB_API_URL, as on a runner.
import { describe, expect, it } from '@jest/globals'
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fixture } from '../emulator/fixtures.js'
import { useEmulator } from './emulator-setup.js'
import { expectNoSecrets as expectNoSecretsIn } from './expectations.js'
import { usePushSteps } from './github-stand-in.js'
import { DIST, runAction, type ActionRun } from './run-action.js'

const { zones, tokens } = fixture
const GITHUB_TOKEN = 'ghs_FAKEgithubToken00000000000000000000001'
const BEFORE = '1111111111111111111111111111111111111111'
const AFTER = '2222222222222222222222222222222222222222'
const REPOSITORY = 'octo-org/site'

const emulator = useEmulator()
const push = usePushSteps(REPOSITORY)
const { github } = push

/** Runs the action as a push-triggered step would, with this push payload. */
function runOnPush(
  inputs: Record<string, string>,
  payload: Record<string, unknown> = { before: BEFORE, after: AFTER },
  env: Record<string, string> = {}
): Promise<ActionRun> {
  return runAction(
    {
      api_url: emulator.url,
      api_token: tokens.user.value,
      github_token: GITHUB_TOKEN,
      ...inputs
    },
    { env: { ...push.env(payload, AFTER), ...env } }
  )
}

const expectNoSecrets = (result: ActionRun): void => expectNoSecretsIn(result, [GITHUB_TOKEN])

const SITE = 'public/ => https://example.com/\nblog/ => https://pro.example.net/blog/'

describe('purging what a push changed', () => {
  it('purges the changed, added, deleted and renamed files of the push, each in its zone', async () => {
    github.compare(BEFORE, AFTER, [
      { filename: 'public/index.html', status: 'modified' },
      { filename: 'public/docs/index.html', status: 'added' },
      { filename: 'public/app.css', status: 'modified' },
      { filename: 'public/old.js', status: 'removed' },
      { filename: 'public/new name.html', status: 'renamed', previous_filename: 'public/old name.html' },
      { filename: 'blog/post.html', status: 'modified' },
      { filename: 'src/build.ts', status: 'modified' },
      { filename: '.github/workflows/deploy.yml', status: 'modified' }
    ])
    const result = await runOnPush({ changed_paths: SITE })
    expect(result.errors).toEqual([])
    expect(result.exitCode).toBe(0)
    expectNoSecrets(result)

    expect(github.requests).toEqual([
      { path: `/repos/${REPOSITORY}/compare/${BEFORE}...${AFTER}`, authorization: `token ${GITHUB_TOKEN}` }
    ])
    expect(emulator.purgedItems(zones.free.id).sort()).toEqual(
      [
        'https://example.com/',
        'https://example.com/index.html',
        'https://example.com/docs/',
        'https://example.com/docs/index.html',
        'https://example.com/app.css',
        'https://example.com/old.js',
        'https://example.com/new%20name.html',
        'https://example.com/old%20name.html'
      ].sort()
    )
    expect(emulator.purgedItems(zones.pro.id)).toEqual(['https://pro.example.net/blog/post.html'])
    expect(result.outputs.purged_count).toBe('9')
    expect(result.stdout).toContain(
      '1111111...2222222: 8 changed files, 6 under changed_paths, 9 URLs to purge'
    )
    expect(result.stdout).toContain('::group::Changed files')
  })

  it('adds the changed files to the items listed, purged once', async () => {
    github.compare(BEFORE, AFTER, [{ filename: 'public/app.css', status: 'modified' }])
    const result = await runOnPush({
      zone: 'example.com',
      changed_paths: 'public/ => https://example.com/',
      files: 'https://example.com/app.css https://example.com/feed.xml',
      tags: 'site'
    })
    expect(result.errors).toEqual([])
    expect(emulator.purgedItems(zones.free.id).sort()).toEqual([
      'https://example.com/app.css',
      'https://example.com/feed.xml',
      'site'
    ])
  })

  it('with pretty-urls, also purges pages without .html and the folder of index.htm', async () => {
    github.compare(BEFORE, AFTER, [
      { filename: 'public/about.html', status: 'modified' },
      { filename: 'public/docs/index.htm', status: 'modified' },
      { filename: 'public/blog/post.htm', status: 'removed' },
      { filename: 'public/app.css', status: 'modified' },
      { filename: 'legacy/about.html', status: 'modified' }
    ])
    const result = await runOnPush({
      changed_paths: 'public/ => https://example.com/ pretty-urls\nlegacy/ => https://pro.example.net/'
    })
    expect(result.errors).toEqual([])
    expect(emulator.purgedItems(zones.free.id).sort()).toEqual(
      [
        'https://example.com/about.html',
        'https://example.com/about',
        'https://example.com/docs/index.htm',
        'https://example.com/docs/',
        'https://example.com/blog/post.htm',
        'https://example.com/blog/post',
        'https://example.com/app.css'
      ].sort()
    )
    // Without the option, a page is purged at its file URL only.
    expect(emulator.purgedItems(zones.pro.id)).toEqual(['https://pro.example.net/about.html'])
    expect(result.stdout).toContain('public/ → https://example.com/ (pretty URLs)')
    expectNoSecrets(result)
  })

  it('invalidates the changed files instead with mode: invalidate', async () => {
    github.compare(BEFORE, AFTER, [{ filename: 'public/app.css', status: 'modified' }])
    const result = await runOnPush({ changed_paths: 'public/ => https://example.com/', mode: 'invalidate' })
    expect(result.errors).toEqual([])
    expect(emulator.invalidatedItems(zones.free.id)).toEqual(['https://example.com/app.css'])
    expect(emulator.purgeRequests()).toEqual([])
    expect(result.stdout).toContain('1 changed file, 1 under changed_paths, 1 URL to invalidate')
  })

  it('purges nothing, and succeeds, when nothing under changed_paths changed', async () => {
    github.compare(BEFORE, AFTER, [
      { filename: 'README.md', status: 'modified' },
      { filename: 'src/a.ts', status: 'added' }
    ])
    const result = await runOnPush({ changed_paths: SITE })
    expect(result.exitCode).toBe(0)
    expect(result.errors).toEqual([])
    expect(result.notices.map((n) => n.title)).toEqual(['Nothing changed under changed_paths'])
    expect(result.notices[0]!.message).toMatch(/1111111\.\.\.2222222 \(2 files changed elsewhere/)
    expect(emulator.requests).toEqual([])
    expect(result.outputs.purged_count).toBe('0')
    expect(result.outputs.zones).toBe('[]')
    expectNoSecrets(result)
  })

  it('lists both sides of a force-push, so what the old commits changed is purged too', async () => {
    github.compare(BEFORE, AFTER, {
      status: 200,
      body: { status: 'diverged', files: [{ filename: 'public/new.css', status: 'added' }] }
    })
    github.compare(AFTER, BEFORE, {
      status: 200,
      body: { status: 'diverged', files: [{ filename: 'public/dropped.css', status: 'added' }] }
    })
    const result = await runOnPush(
      { changed_paths: 'public/ => https://example.com/' },
      {
        before: BEFORE,
        after: AFTER,
        forced: true
      }
    )
    expect(result.errors).toEqual([])
    expect(github.requests.map((r) => r.path)).toEqual([
      `/repos/${REPOSITORY}/compare/${BEFORE}...${AFTER}`,
      `/repos/${REPOSITORY}/compare/${AFTER}...${BEFORE}`
    ])
    expect(emulator.purgedItems(zones.free.id).sort()).toEqual([
      'https://example.com/dropped.css',
      'https://example.com/new.css'
    ])
  })

  it('compares base and head when given, on any event', async () => {
    github.compare('v1.0.0', 'main', [{ filename: 'public/a.js', status: 'modified' }])
    const result = await runOnPush(
      { changed_paths: 'public/ => https://example.com/', base: 'v1.0.0', head: 'main' },
      {},
      { GITHUB_EVENT_NAME: 'workflow_dispatch' }
    )
    expect(result.errors).toEqual([])
    expect(github.requests.map((r) => r.path)).toEqual([`/repos/${REPOSITORY}/compare/v1.0.0...main`])
    expect(emulator.purgedItems(zones.free.id)).toEqual(['https://example.com/a.js'])
  })

  it('retries a compare that failed with a server error', async () => {
    github.compare(BEFORE, AFTER, { status: 502, body: { message: 'Server Error' } }, [
      { filename: 'public/a.js', status: 'modified' }
    ])
    const result = await runOnPush({ changed_paths: 'public/ => https://example.com/' })
    expect(result.errors).toEqual([])
    expect(github.requests).toHaveLength(2)
    expect(result.stdout).toContain("Retrying GitHub's compare")
    expect(emulator.purgedItems(zones.free.id)).toEqual(['https://example.com/a.js'])
  })

  it('waits until GitHub resets its rate limit (x-ratelimit-reset), then lists the files', async () => {
    const reset = Math.ceil(Date.now() / 1000) + 2
    github.compare(
      BEFORE,
      AFTER,
      {
        status: 403,
        body: { message: 'API rate limit exceeded for installation.' },
        headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) }
      },
      [{ filename: 'public/a.js', status: 'modified' }]
    )
    const result = await runOnPush({ changed_paths: 'public/ => https://example.com/' })
    expect(result.errors).toEqual([])
    expect(github.requests).toHaveLength(2)
    // Not before the reset second GitHub named.
    expect(github.arrivals[1]).toBeGreaterThanOrEqual(reset * 1000)
    expect(emulator.purgedItems(zones.free.id)).toEqual(['https://example.com/a.js'])
    expectNoSecrets(result)
  })

  it('gives up on an attempt GitHub does not answer, and tries again on time', async () => {
    github.compare(BEFORE, AFTER, { status: 200, body: {}, hang: true }, [
      { filename: 'public/a.js', status: 'modified' }
    ])
    // 12 s for the run: one attempt waits 6 s at most, leaving room for a second.
    const result = await runOnPush({ changed_paths: 'public/ => https://example.com/', timeout: '12' })
    expect(result.errors).toEqual([])
    expect(github.requests).toHaveLength(2)
    // 6 s, or a little less when a busy machine took longer to start the run.
    expect(result.stdout).toMatch(/Retrying GitHub's compare: no answer within [56](\.\d)? s \(attempt 1 of/)
    expect(emulator.purgedItems(zones.free.id)).toEqual(['https://example.com/a.js'])
  }, 30_000)
})

describe('when the change cannot be listed, nothing is purged', () => {
  const inputs = { zone: 'example.com', changed_paths: 'public/ => https://example.com/' }

  function expectNothingPurged(result: ActionRun, title: string, message: RegExp): void {
    expect(result.exitCode).toBe(1)
    expect(result.errors.map((e) => e.title)).toEqual([title])
    expect(result.errors[0]!.message).toMatch(message)
    expect(result.errors[0]!.message).toMatch(/never falls back to purging everything|Nothing was purged/)
    expect(emulator.requests).toEqual([])
    expect(result.outputs.purged_count).toBe('0')
    expectNoSecrets(result)
  }

  it('says which permission to grant when GitHub answers 404', async () => {
    const result = await runOnPush(inputs)
    expectNothingPurged(result, 'Changed files could not be listed', /HTTP 404.*permissions: contents: read/)
  })

  it('says the token is wrong when GitHub answers 401', async () => {
    github.compare(BEFORE, AFTER, { status: 401, body: { message: 'Bad credentials' } })
    const result = await runOnPush(inputs)
    expectNothingPurged(result, 'Changed files could not be listed', /HTTP 401.*`github_token` is not valid/)
  })

  it('says how long GitHub asks to wait when that is longer than the timeout leaves', async () => {
    github.compare(BEFORE, AFTER, {
      status: 429,
      body: { message: 'You have exceeded a secondary rate limit.' },
      headers: { 'retry-after': '3600' }
    })
    const started = Date.now()
    const result = await runOnPush({ ...inputs, timeout: '120' })
    expectNothingPurged(
      result,
      'Changed files could not be listed',
      /GitHub asks to wait 60 min; the timeout leaves 1\d\d s/
    )
    expect(github.requests).toHaveLength(1)
    expect(Date.now() - started).toBeLessThan(10_000)
  })

  it('refuses a comparison of 300 files or more, which GitHub may have cut short', async () => {
    const files = Array.from({ length: 300 }, (_, i) => ({
      filename: `public/f${i}.html`,
      status: 'modified'
    }))
    github.compare(BEFORE, AFTER, files)
    const result = await runOnPush(inputs)
    expectNothingPurged(result, 'Too many changed files to list', /300 or more.*`prefixes`/)
  })

  it('refuses a push that created the branch, without asking GitHub', async () => {
    const result = await runOnPush(inputs, { before: '0'.repeat(40), after: AFTER, created: true })
    expectNothingPurged(result, 'Changed files unknown', /created the branch.*set `base`/)
    expect(github.requests).toEqual([])
  })

  it('refuses a run that is not a push when base is empty', async () => {
    const result = await runOnPush(inputs, {}, { GITHUB_EVENT_NAME: 'workflow_dispatch' })
    expectNothingPurged(result, 'Changed files unknown', /triggered by "workflow_dispatch"/)
    expect(github.requests).toEqual([])
  })

  it('refuses a push whose payload is missing', async () => {
    const result = await runOnPush(inputs, {}, { GITHUB_EVENT_PATH: push.pathOf('missing.json') })
    expectNothingPurged(result, 'Changed files unknown', /payload cannot be read/)
  })
})

describe('the GitHub client is loaded only in this mode', () => {
  // The route table of Octokit's REST methods: in the bundle only if @actions/github is.
  const marker = 'GET /repos/{owner}/{repo}/compare/{basehead}'

  it('is bundled in a chunk of its own, outside dist/index.js', () => {
    expect(readFileSync(DIST, 'utf8').includes(marker)).toBe(false)
    const chunks = readdirSync(dirname(DIST)).filter((f) => /^\d+\.index\.js$/.test(f))
    const withOctokit = chunks.filter((f) => readFileSync(join(dirname(DIST), f), 'utf8').includes(marker))
    expect(withOctokit).toHaveLength(1)
  })

  it('is not read by a run without changed_paths', async () => {
    // A copy of the bundle without its chunks: a purge must not need them.
    const copy = mkdtempSync(join(tmpdir(), 'purge-dist-'))
    try {
      for (const file of ['index.js', 'package.json'])
        copyFileSync(join(dirname(DIST), file), join(copy, file))
      const result = await runAction(
        {
          api_url: emulator.url,
          api_token: tokens.user.value,
          zone: 'example.com',
          files: 'https://example.com/a'
        },
        { entry: join(copy, 'index.js') }
      )
      expect(result.errors).toEqual([])
      expect(emulator.purgedItems(zones.free.id)).toEqual(['https://example.com/a'])
      // And the copy does fail in this mode, so the test above would notice a chunk that is needed.
      const changed = await runAction(
        {
          api_url: emulator.url,
          api_token: tokens.user.value,
          zone: 'example.com',
          github_token: GITHUB_TOKEN,
          changed_paths: 'public/ => https://example.com/',
          base: BEFORE,
          head: AFTER
        },
        { entry: join(copy, 'index.js'), env: { GITHUB_API_URL: github.url, GITHUB_REPOSITORY: REPOSITORY } }
      )
      expect(changed.exitCode).toBe(1)
      expect(github.requests).toEqual([])
    } finally {
      rmSync(copy, { recursive: true, force: true })
    }
  })
})
