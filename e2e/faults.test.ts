// End to end: the bundled action against an API that fails in every way a network can. Each fault ends
// in a clear annotation, the right exit code, and outputs that say exactly what was and was not purged.
import { describe, expect, it } from '@jest/globals'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { catalogue } from '../src/diagnosis/catalogue.js'
import { fixture } from '../emulator/fixtures.js'
import type { ActionRun } from './run-action.js'
import { failedItemsOf } from './expectations.js'
import { describePurged, FAULTS, FIXTURE_SECRETS, runScenario, type Scenario } from './scenarios.js'

const { zones, tokens } = fixture

const failedItems = failedItemsOf

const sorted = (items: string[]): string[] => [...items].sort()

function expectNoSecrets(run: ActionRun): void {
  for (const secret of FIXTURE_SECRETS) expect(run.everything).not.toContain(secret)
  expect(run.stderr).toBe('')
  expect(run.everything).not.toMatch(/\n\s+at /) // no stack trace
}

describe('faults', () => {
  it.concurrent.each(FAULTS.map((s) => [s.name, s] as [string, Scenario]))(
    '%s',
    async (_name, scenario) => {
      const { run, purgedItems, elapsedMs } = await runScenario(scenario)

      expect(run.exitCode).toBe(scenario.exitCode)
      for (const id of scenario.expects) {
        const { title, severity } = catalogue[id]
        expect(run.annotations).toContainEqual(expect.objectContaining({ level: severity, title }))
      }
      if (scenario.exitCode === 0) expect(run.errors).toEqual([])
      if (scenario.message) expect(run.errors[0]?.message).toMatch(scenario.message)

      // Exactly what Cloudflare purged, and exactly what the outputs report.
      expect(sorted(purgedItems.map(describePurged))).toEqual(sorted(scenario.purged ?? []))
      expect(run.outputs.purged_count).toBe(String((scenario.purged ?? []).length))
      expect(sorted(failedItems(run))).toEqual(sorted(scenario.failed ?? []))
      expect(run.outputs.failed_count).toBe(String((scenario.failed ?? []).length))
      if ((scenario.failed ?? []).length > 0) {
        // The annotation counts what it left unpurged, or says nothing was purged at all.
        expect(run.summary).toMatch(/failed|Nothing was purged/)
      }

      // The run ends within the time allowed, plus the start of a Node process.
      const timeout = Number(scenario.inputs.timeout ?? 300)
      expect(elapsedMs).toBeLessThan(timeout * 1000 + 5000)
      expectNoSecrets(run)
    },
    45_000
  )
})

describe('timeouts', () => {
  it('retries a hung attempt on a fresh connection when the timeout leaves room', async () => {
    const { run, requests, purgedItems } = await runScenario({
      name: 'first verify hangs',
      inputs: {
        zone: zones.free.id,
        api_token: tokens.user.value,
        files: 'https://example.com/a',
        timeout: '10'
      },
      emulator: { faults: [{ path: '/user/tokens/verify', times: 1, action: { hang: true } }] },
      exitCode: 0,
      expects: []
    })
    expect(run.exitCode).toBe(0)
    // 10 s allowed: the first attempt gave up after 5 s, leaving time for a second.
    expect(run.stdout).toMatch(/Retrying GET \/user\/tokens\/verify .*no answer within 5 s/)
    expect(requests.filter((r) => r.path === '/user/tokens/verify')).toHaveLength(2)
    expect(purgedItems).toEqual(['https://example.com/a'])
    expectNoSecrets(run)
  }, 30_000)
})

describe('DNS', () => {
  it('does not retry a host name that does not resolve, and says to check api_url', async () => {
    const { run, elapsedMs } = await runScenario({
      name: 'DNS',
      inputs: { zone: 'example.com', api_token: tokens.user.value, tags: 't', timeout: '60' },
      apiUrl: 'https://nonexistent.invalid/client/v4',
      exitCode: 1,
      expects: ['network-error']
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
        const { run, purgedItems } = await runScenario({
          name: `redirect ${status}`,
          inputs: { zone: zones.free.id, api_token: tokens.user.value, files: 'https://example.com/a' },
          emulator: {
            faults: [{ action: { status, headers: { location: `${target.url}/client/v4/steal` }, body: '' } }]
          },
          exitCode: 1,
          expects: ['network-error']
        })
        expect(target.hits).toEqual([])
        expect(run.exitCode).toBe(1)
        expect(run.errors[0]?.message).toMatch(
          /redirect to .*\/steal, which is not followed with credentials/
        )
        expect(purgedItems).toEqual([])
        expect(failedItems(run)).toEqual(['https://example.com/a'])
        expectNoSecrets(run)
      } finally {
        target.server.close()
      }
    }
  )
})
