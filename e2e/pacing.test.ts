// End to end: URL pacing under each reading of Cloudflare's "moving average" (a bucket with a second of
// burst, a sliding one-second window, an average over ten seconds), and one budget per account. Runs
// that share an account at the same moment: pacing-shared.test.ts.
import { describe, expect, it } from '@jest/globals'
import { fixture, fixtureOptions } from '../emulator/fixtures.js'
import { URL_COUNTINGS, type RecordedRequest, type RunningEmulator } from '../emulator/index.js'
import { withEmulator } from './emulator-setup.js'
import { expectSucceeded } from './expectations.js'
import { runAction } from './run-action.js'

const { zones, tokens, accountId } = fixture
const FREE_URLS_PER_SECOND = 800

const urls = (n: number, host = 'example.com', prefix = 'static'): string[] =>
  Array.from({ length: n }, (_, i) => `https://${host}/${prefix}/${i}.js`)

const fileCount = (r: RecordedRequest): number => ((r.body as { files?: unknown[] }).files ?? []).length

/**
 * The most URLs sent within one second of any purge request, accepted or not. The emulator counts each
 * request when the run sent it (e2e/send-clock.cjs), not when a busy machine let the emulator read it.
 */
function busiestSecond(em: RunningEmulator): number {
  const purges = em.requests.filter((r) => r.path.endsWith('/purge_cache'))
  return Math.max(
    0,
    ...purges.map((first) =>
      purges
        .filter((r) => r.countedAt >= first.countedAt && r.countedAt < first.countedAt + 1000)
        .reduce((n, r) => n + fileCount(r), 0)
    )
  )
}

describe.each(Object.keys(URL_COUNTINGS) as Array<keyof typeof URL_COUNTINGS>)(
  'URLs counted as %s',
  (counting) => {
    it('3,000 URLs on a Free zone: 30 requests, no 429, never more than 800 URLs in a second', async () => {
      await withEmulator({ urlCounting: URL_COUNTINGS[counting] }, async (em) => {
        const list = urls(3000)
        const result = await runAction(
          { api_url: em.url, zone: zones.free.id, api_token: tokens.user.value, files_from: 'urls.txt' },
          { workspaceFiles: { 'urls.txt': list.join('\n') } }
        )
        expectSucceeded(result)
        expect(em.count429()).toBe(0)
        expect(em.purgeRequests()).toHaveLength(30)
        expect(new Set(em.purgedItems(zones.free.id))).toEqual(new Set(list))
        // From the first request on: no burst of a second's worth followed by a second's rate.
        expect(busiestSecond(em)).toBeLessThanOrEqual(FREE_URLS_PER_SECOND)
      })
    }, 30_000)
  }
)

describe('one budget per account', () => {
  it('paces two Free zones of one account together: 1,600 URLs, no 429 under a sliding second', async () => {
    const second = { id: 'f00d0000000000000000000000000006', name: 'second.example', plan: 'free', accountId }
    await withEmulator(
      {
        zones: [...Object.values(zones), second] as ReturnType<typeof fixtureOptions>['zones'],
        urlCounting: URL_COUNTINGS.sliding1s
      },
      async (em) => {
        const list = [...urls(800), ...urls(800, second.name)]
        const result = await runAction({
          api_url: em.url,
          zone: `${zones.free.id}\n${second.id}`,
          api_token: tokens.user.value,
          files: list.join('\n')
        })
        expectSucceeded(result)
        expect(em.count429()).toBe(0)
        expect(em.purgeRequests()).toHaveLength(16)
        expect(em.purgedItems()).toHaveLength(1600)
        expect(busiestSecond(em)).toBeLessThanOrEqual(FREE_URLS_PER_SECOND)
      }
    )
  }, 30_000)
})
