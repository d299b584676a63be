// The emulator's `countAtSendTime`: rate limits count a request when its client sent it (the
// x-emulator-sent-at header that e2e/send-clock.cjs adds), so that a busy machine's delays in reading
// requests cannot make a paced run look too fast. Without the option, or the header, arrival counts.
import { describe, expect, it } from '@jest/globals'
import { fixture, fixtureOptions } from '../emulator/fixtures.js'
import { startEmulator, URL_COUNTINGS, type EmulatorOptions } from '../emulator/index.js'

const { zones, tokens } = fixture
const urls = (n: number, from: number): string[] =>
  Array.from({ length: n }, (_, i) => `https://example.com/${from + i}.js`)

/** Two purges on the Free zone: 800 URLs, then 100 more stamped `gapMs` later (unstamped: undefined). */
async function twoPurges(options: Partial<EmulatorOptions>, gapMs: number | undefined): Promise<number[]> {
  const emulator = await startEmulator(
    fixtureOptions({ urlCounting: URL_COUNTINGS.sliding1s, filesPerRequest: { free: 800 }, ...options })
  )
  try {
    const first = performance.timeOrigin + performance.now() - 5000
    const statuses: number[] = []
    for (const [files, sentAt] of [
      [urls(800, 0), gapMs === undefined ? undefined : first],
      [urls(100, 800), gapMs === undefined ? undefined : first + gapMs]
    ] as const) {
      const response = await fetch(`${emulator.url}/zones/${zones.free.id}/purge_cache`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${tokens.user.value}`,
          'content-type': 'application/json',
          ...(sentAt === undefined ? {} : { 'x-emulator-sent-at': sentAt.toFixed(3) })
        },
        body: JSON.stringify({ files })
      })
      statuses.push(response.status)
    }
    const counted = emulator.requests.map((r) => r.countedAt - r.startedAt)
    if (options.countAtSendTime && gapMs !== undefined) expect(counted[0]).toBeLessThan(-4000)
    return statuses
  } finally {
    await emulator.close()
  }
}

describe('counting at the send time', () => {
  it('counts two purges sent a second apart a second apart, however close they arrive', async () => {
    expect(await twoPurges({ countAtSendTime: true }, 1001)).toEqual([200, 200])
  })

  it('still refuses what was sent within one second', async () => {
    expect(await twoPurges({ countAtSendTime: true }, 500)).toEqual([200, 429])
  })

  it('counts the arrival without the option, or without the header', async () => {
    expect(await twoPurges({}, 1001)).toEqual([200, 429])
    expect(await twoPurges({ countAtSendTime: true }, undefined)).toEqual([200, 429])
  })
})
