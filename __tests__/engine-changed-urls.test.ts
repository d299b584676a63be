// The engine and the URLs of changed files: merged on their canonical form, and a URL that fails the
// checks a URL in `files` passes is left out with a warning while the others go on.
import { describe, expect, it } from '@jest/globals'
import { purgeCache, type RunReporter } from '../src/engine.js'
import { diagnose } from '../src/diagnosis/catalogue.js'
import { parseSettings } from '../src/inputs/parser.js'
import type { Finding, Settings } from '../src/types.js'

/** Refuses any request: none may be sent in these tests. */
const NO_API = 'https://127.0.0.1:9/client/v4'

class Recorder implements RunReporter {
  found: Finding[] = []
  info(): void {}
  warning(): void {}
  notice(): void {}
  debug(): void {}
  findings(findings: Finding[]): void {
    this.found.push(...findings)
  }
  group<T>(_name: string, work: () => Promise<T>): Promise<T> {
    return work()
  }
}

function settings(files: string): Settings {
  const parsed = parseSettings(
    {
      zone: 'example.com',
      api_token: 'FAKEuserTokenAllPerms0000000000000000001',
      api_url: NO_API,
      files,
      changed_paths: 'public/ => https://example.com/',
      github_token: 'ghs_FAKE'
    },
    { readFile: () => '' }
  )
  expect(parsed.errors).toEqual([])
  return parsed.settings as Settings
}

describe('changed files in the engine', () => {
  it('leaves a refused changed-file URL out with its warning, and plans the others', async () => {
    const refused = diagnose('bad-changed-url', { detail: '"https://example.com/a*.css" cannot be purged.' })
    const reporter = new Recorder()
    const result = await purgeCache(
      { ...settings('https://EXAMPLE.com/x#top'), dryRun: true, timeoutMs: 500 },
      {
        userAgent: 'test',
        changes: {
          range: '1111111...2222222',
          files: 2,
          unmapped: 0,
          urls: ['https://example.com/x', 'https://example.com/ok.css'],
          errors: [refused]
        }
      },
      reporter
    )
    expect(reporter.found.map((f) => f.id)[0]).toBe('bad-changed-url')
    expect(reporter.found[0]?.severity).toBe('warning')
    // Not stopped by it: the run went on to Cloudflare (unreachable here).
    expect(result.stoppedBy?.map((f) => f.id)).not.toContain('bad-changed-url')
  })
})
