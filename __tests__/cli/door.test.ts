// The catalogue's words through each front door: the action's unchanged, the command line's naming its
// options and variables, with no footnote and nothing of a workflow.
import { describe, expect, it } from '@jest/globals'
import { commandLineDoor } from '../../src/cli/door.js'
import { diagnose, render } from '../../src/diagnosis/catalogue.js'
import { ACTION_DOOR } from '../../src/diagnosis/door.js'
import type { Finding } from '../../src/types.js'

const cli = commandLineDoor({ api_token: 'CLOUDFLARE_API_TOKEN' })
const inCli = (f: Finding): string => render(f, cli)
/** What only a workflow has, or the action's way of naming an input. */
const ACTION_WORDS = /`[a-z_]+`|\bthe secret\b|workflow|runner|failed_items output|debug logging|The action/

describe('the action door', () => {
  it("renders the catalogue's words as the finding carries them", () => {
    for (const f of [
      diagnose('no-credential'),
      diagnose('bearer-prefix', { input: 'api_token' }),
      diagnose('files-from-unreadable', { path: 'urls.txt', reason: 'no such file' }),
      diagnose('unexpected-error', { detail: 'boom' })
    ])
      expect(render(f, ACTION_DOOR)).toBe(f.message)
    expect(diagnose('no-credential').message).toContain('`api_token: ${{ secrets.CLOUDFLARE_API_TOKEN }}`')
  })
})

describe('the command line door', () => {
  it("says the forum thread's four mistakes as precisely, in the command line's names", () => {
    expect(inCli(diagnose('bearer-prefix', { input: 'api_token' }))).toBe(
      'CLOUDFLARE_API_TOKEN starts with "Bearer ". cloudflare-purge adds that word itself, so it was removed ' +
        'and the run goes on. Store only the token in the environment variable to silence this warning.'
    )
    const key = inCli(diagnose('global-key-as-token'))
    expect(key).toMatch(/^CLOUDFLARE_API_TOKEN looks like a Global API Key, not an API token/)
    expect(key).toContain('"Invalid format for Authorization header"')
    expect(key).toContain('pass it as CLOUDFLARE_API_KEY together with CLOUDFLARE_EMAIL.')
    const account = diagnose('zone-is-account-id', { zone: '0123' })
    expect(inCli(account)).toBe(account.message)
    expect(
      inCli(diagnose('relative-url', { value: '/a.css', suggestion: 'https://example.com/a.css' }))
    ).toBe(
      '"/a.css" is not a full URL. Cloudflare purges files by their full URL including the scheme, because ' +
        'the scheme is part of the cache key: write "https://example.com/a.css".'
    )
  })

  it('names the credential where it came from, and an input not given by the way to give it', () => {
    const f = diagnose('bearer-prefix', { input: 'api_token' })
    expect(render(f, commandLineDoor({ api_token: '--api-token' }))).toMatch(/^--api-token starts with/)
    expect(inCli(diagnose('no-credential'))).toMatch(
      /^No Cloudflare credential was given\. Set CLOUDFLARE_API_TOKEN to an API token with .*, exported in the environment: `read -rs CLOUDFLARE_API_TOKEN && export CLOUDFLARE_API_TOKEN`/
    )
    expect(inCli(diagnose('nothing-to-purge'))).toContain(
      'Nothing to purge: --files, --files-from, --tags, --hosts and --prefixes are all empty. List what to ' +
        'purge, or set --everything to purge the whole zone'
    )
    expect(inCli(diagnose('bad-option', { input: 'timeout', value: 'soon', expected: 'a number' }))).toBe(
      '--timeout is "soon", but it must be a number.'
    )
    expect(inCli(diagnose('invalidate-unavailable', { zone: 'z', detail: 'd' }))).toContain(
      'Set --mode purge (or remove --mode)'
    )
    expect(inCli(diagnose('bad-account-id', { value: 'x' }))).toContain('leave --account-id empty')
  })

  it("speaks of the shell, the current folder and --verbose, never of a workflow's things", () => {
    const findings = [
      diagnose('no-credential'),
      diagnose('secret-padding', { input: 'api_token' }),
      diagnose('id-as-secret', { input: 'global_key' }),
      diagnose('files-from-unreadable', { path: 'urls.txt', reason: 'no such file' }),
      diagnose('bad-files-json', { input: 'files_from', file: 'u.json', reason: 'it is not an array' }),
      diagnose('inline-comment', { input: 'tags', text: 'a #b' }),
      diagnose('token-invalid', {}),
      diagnose('token-expiry-passed', { date: '2020-01-01' }),
      diagnose('token-ip-restricted', { detail: 'd' }),
      diagnose('batch-size-above-limit', { batchSize: 500, limit: 30, plan: 'free', zone: 'z' }),
      diagnose('too-many-items', { type: 'files', size: 100, limit: 30, lost: 2 }),
      diagnose('unexpected-error', { detail: 'boom' })
    ]
    for (const f of findings) expect(inCli(f)).not.toMatch(ACTION_WORDS)
    expect(inCli(findings[3] as Finding)).toContain('relative to the current folder')
    expect(inCli(findings[4] as Finding)).toMatch(/^the file u\.json \(--files-from\) starts with "\["/)
    expect(inCli(findings[11] as Finding)).toContain('Run it again with --verbose')
    expect(inCli(findings[9] as Finding)).toMatch(/^--batch-size 500 is above .* cloudflare-purge follows/)
  })

  it('says how many items a failure left, and where they are listed', () => {
    const f: Finding = {
      ...diagnose('purge-failed', { detail: 'HTTP 400' }),
      tally: { items: 2, zone: 'example.com', past: 'purged', eachOnItsOwn: false }
    }
    expect(inCli(f)).toBe(
      '2 items on example.com not purged (listed in failed_items of the --json result). Cloudflare refused the purge: HTTP 400.'
    )
  })

  it('leaves a finding from outside the catalogue as it is', () => {
    const f: Finding = { id: 'command-line', severity: 'error', title: 't', message: 'Unknown option --x.' }
    expect(inCli(f)).toBe('Unknown option --x.')
  })
})
