// The ways a test file starts the local emulator (emulator/): one for the whole file, one for a
// single test, and the URL of one that no longer answers.
import { afterAll, beforeAll, beforeEach } from '@jest/globals'
import { fixtureOptions } from '../emulator/fixtures.js'
import {
  startEmulator,
  type EmulatorOptions,
  type FaultRule,
  type RunningEmulator
} from '../emulator/index.js'

/**
 * The fixture world changed by `world`, counting rate limits when each request was sent (the runs carry
 * their send times: run-action.ts), so that a machine busy with other tests cannot turn a paced run's
 * requests into a 429.
 */
export const e2eWorld = (world: Partial<EmulatorOptions> = {}): EmulatorOptions =>
  fixtureOptions({ countAtSendTime: true, ...world })

/**
 * One emulator, the fixture world changed by `world`, for the test file that calls this at its top
 * level (or for the describe block that calls it): started before the first test,
 * reset before each (recorded requests forgotten, rate limits refilled; faults stay unless cleared),
 * closed after the last. The object returned stands for it and may be used inside tests and hooks.
 */
export function useEmulator(world: Partial<EmulatorOptions> = {}): RunningEmulator {
  let running: RunningEmulator | undefined
  const current = (): RunningEmulator => {
    if (!running) throw new Error('The emulator starts in beforeAll: use it inside a test or a hook.')
    return running
  }
  beforeAll(async () => {
    running = await startEmulator(e2eWorld(world))
  })
  afterAll(async () => {
    await running?.close()
  })
  beforeEach(() => current().reset())
  return {
    get url() {
      return current().url
    },
    get requests() {
      return current().requests
    },
    purgeRequests: () => current().purgeRequests(),
    purgedItems: (zoneId) => current().purgedItems(zoneId),
    invalidateRequests: () => current().invalidateRequests(),
    invalidatedItems: (zoneId) => current().invalidatedItems(zoneId),
    count429: () => current().count429(),
    spendGlobal: (token, requests) => current().spendGlobal(token, requests),
    fewestLeft: () => current().fewestLeft(),
    addFault: (rule) => current().addFault(rule),
    clearFaults: () => current().clearFaults(),
    reset: () => current().reset(),
    close: () => current().close(),
    onPurge: (listener) => current().onPurge(listener)
  }
}

/** Starts an emulator with the fixture world changed by `world`, gives it to `work`, and closes it. */
export async function withEmulator<T>(
  world: Partial<EmulatorOptions>,
  work: (emulator: RunningEmulator) => Promise<T>
): Promise<T> {
  const emulator = await startEmulator(e2eWorld(world))
  try {
    return await work(emulator)
  } finally {
    await emulator.close()
  }
}

/** The URL of an emulator that was started and closed: nothing answers there. */
export async function deadUrl(): Promise<string> {
  const dead = await startEmulator(fixtureOptions())
  await dead.close()
  return dead.url
}

/** A fault's answer: Cloudflare's JSON envelope with these errors, as its API sends a refusal. */
export const envelopeError = (status: number, errors: unknown[]): FaultRule['action'] => ({
  status,
  body: { success: false, errors, messages: [], result: null }
})
