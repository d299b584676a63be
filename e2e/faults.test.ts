// End to end: faults that need more than a row of the scenario table (e2e/scenarios.ts, where the
// network faults are): a hung attempt retried, a name that does not resolve, redirects that must not be
// followed with the credential.
import { describe, expect, it } from '@jest/globals'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fixture } from '../emulator/fixtures.js'
import { failedItemsOf as failedItems } from './expectations.js'
import type { ActionRun } from './run-action.js'
import { FIXTURE_SECRETS, runScenario } from './scenarios.js'

const { zones, tokens } = fixture

function expectNoSecrets(run: ActionRun): void {
  for (const secret of FIXTURE_SECRETS) expect(run.everything).not.toContain(secret)
  expect(run.stderr).toBe('')
  expect(run.everything).not.toMatch(/\n\s+at /) // no stack trace
}

describe('timeouts', () => {
  it('retries a hung attempt on a fresh connection when the timeout leaves room', async () => {
    const { run, cf } = await runScenario({
      name: 'first verify hangs',
      inputs: {
        zone: zones.free.id,
        api_token: tokens.user.value,
        files: 'https://example.com/a',
        timeout: '10'
      },
      emulator: { faults: [{ path: '/user/tokens/verify', times: 1, action: { hang: true } }] },
      expects: {}
    })
    expect(run.exitCode).toBe(0)
    // 10 s allowed: the first attempt gave up after 5 s, leaving time for a second.
    expect(run.stdout).toMatch(/Retrying GET \/user\/tokens\/verify .*no answer within 5 s/)
    expect(cf.requests.filter((r) => r.path === '/user/tokens/verify')).toHaveLength(2)
    expect(cf.purgedItems()).toEqual(['https://example.com/a'])
    expectNoSecrets(run)
  }, 30_000)
})

describe('DNS', () => {
  it('does not retry a host name that does not resolve, and says to check api_url', async () => {
    const { run, elapsedMs } = await runScenario({
      name: 'DNS',
      inputs: { zone: 'example.com', api_token: tokens.user.value, tags: 't', timeout: '60' },
      apiUrl: 'https://nonexistent.invalid/client/v4',
      expects: { 'network-error': [] }
    })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).not.toMatch(/Retrying/)
    expect(run.errors.map((e) => e.message)).toEqual([
      expect.stringMatching(
        /the API host name could not be resolved \(DNS\) \(GET \/user\/tokens\/verify\)\. Check `api_url`/
      )
    ])
    // 60 s were allowed; a name that does not resolve is not worth waiting for.
    expect(elapsedMs).toBeLessThan(15_000)
    expect(failedItems(run)).toEqual(['t'])
  }, 30_000)
})

describe('redirects', () => {
  /** A server standing for wherever a redirect points: it records what reaches it. */
  async function collector(): Promise<{ url: string; hits: Array<Record<string, unknown>>; server: Server }> {
    const hits: Array<Record<string, unknown>> = []
    const server = createServer((req, res) => {
      hits.push({ url: req.url, headers: req.headers })
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(
        JSON.stringify({ success: true, errors: [], messages: [], result: { id: 'x', status: 'active' } })
      )
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits, server }
  }

  it.each([301, 302, 307, 308])(
    'does not follow a %s, so no credential goes to the Location',
    async (status) => {
      const target = await collector()
      try {
        const { run, cf } = await runScenario({
          name: `redirect ${status}`,
          inputs: { zone: zones.free.id, api_token: tokens.user.value, files: 'https://example.com/a' },
          emulator: {
            faults: [{ action: { status, headers: { location: `${target.url}/client/v4/steal` }, body: '' } }]
          },
          expects: { 'network-error': [] }
        })
        expect(target.hits).toEqual([])
        expect(run.exitCode).toBe(1)
        expect(run.errors[0]?.message).toMatch(
          /redirect to .*\/steal, which is not followed with credentials/
        )
        expect(cf.purgedItems()).toEqual([])
        expect(failedItems(run)).toEqual(['https://example.com/a'])
        expectNoSecrets(run)
      } finally {
        target.server.close()
      }
    }
  )
})
