import { describe, expect, it } from '@jest/globals'
import { cachePath, CloudflareApi, type PurgeBody } from '../../src/cloudflare/api.js'
import type { CloudflareHttpClient } from '../../src/cloudflare/http-client.js'
import { executeBatches } from '../../src/purge/runner.js'
import { describeEnvironment, targetedApi, targetsFor, wordsFor } from '../../src/purge/target.js'

const ZONE = 'f00d0000000000000000000000000004'
const STAGING = { name: 'Staging', ref: 'e0e00000000000000000000000000002' }

describe('cachePath', () => {
  it('sends purges and invalidations to the zone or to one environment', () => {
    expect(cachePath(ZONE, { mode: 'purge' })).toBe(`/zones/${ZONE}/purge_cache`)
    expect(cachePath(ZONE, { mode: 'invalidate' })).toBe(`/zones/${ZONE}/invalidate_cache`)
    expect(cachePath(ZONE, { mode: 'purge', environment: STAGING })).toBe(
      `/zones/${ZONE}/environments/${STAGING.ref}/purge_cache`
    )
    expect(cachePath(ZONE, { mode: 'invalidate', environment: STAGING })).toBe(
      `/zones/${ZONE}/environments/${STAGING.ref}/invalidate_cache`
    )
  })

  it('refuses a ref or zone ID that could change the path', () => {
    for (const ref of ['../purge_cache', 'a/b', 'a?b', '', 'x'.repeat(33)]) {
      expect(() => cachePath(ZONE, { mode: 'purge', environment: { name: 'x', ref } })).toThrow(/internal/)
    }
    expect(() => cachePath('../zones', { mode: 'purge' })).toThrow(/internal/)
  })
})

/** A CloudflareApi over a fake HTTP client that records the calls and answers from `reply`. */
function apiAnswering(reply: (method: string, path: string) => unknown) {
  const calls: Array<{ method: string; path: string; body?: unknown }> = []
  const http = {
    async call(method: string, path: string, init: { body?: unknown } = {}) {
      calls.push({ method, path, body: init.body })
      return { success: true, errors: [], messages: [], result: reply(method, path) }
    }
  } as unknown as CloudflareHttpClient
  return { api: new CloudflareApi(http), calls }
}

describe('CloudflareApi', () => {
  it('reads the environments from result.environments, leaving out entries it cannot use', async () => {
    const { api, calls } = apiAnswering(() => ({
      environments: [
        { name: 'Production', ref: 'e0e00000000000000000000000000001', version: 0, position: {} },
        { name: 'Staging', ref: STAGING.ref, expression: '(cf.zone.name eq "x")' },
        { name: 'No ref' },
        { name: 'Bad ref', ref: '../../user' },
        null
      ]
    }))
    expect(await api.listEnvironments(ZONE)).toEqual([
      { name: 'Production', ref: 'e0e00000000000000000000000000001' },
      STAGING
    ])
    expect(calls).toEqual([{ method: 'GET', path: `/zones/${ZONE}/environments`, body: undefined }])
  })

  it('takes a result without a list as no environments, and a bare list as the list', async () => {
    expect(await apiAnswering(() => null).api.listEnvironments(ZONE)).toEqual([])
    expect(await apiAnswering(() => ({ environments: null })).api.listEnvironments(ZONE)).toEqual([])
    expect(await apiAnswering(() => [STAGING]).api.listEnvironments(ZONE)).toEqual([STAGING])
  })

  it('posts the body to the target and returns the request ID', async () => {
    const { api, calls } = apiAnswering(() => ({ id: 'abc' }))
    const body: PurgeBody = { tags: ['a'] }
    expect(await api.clearCache(ZONE, body, { mode: 'invalidate', environment: STAGING })).toBe('abc')
    expect(calls).toEqual([
      { method: 'POST', path: `/zones/${ZONE}/environments/${STAGING.ref}/invalidate_cache`, body }
    ])
  })

  it('names a success without an ID as unreadable, by what it lacks', async () => {
    const { api } = apiAnswering(() => ({}))
    await expect(api.clearCache(ZONE, { tags: ['a'] }, { mode: 'invalidate' })).rejects.toMatchObject({
      kind: 'invalid-response',
      endpoint: `POST /zones/${ZONE}/invalidate_cache`,
      message: expect.stringContaining('did not contain an invalidation ID')
    })
  })
})

describe('targetedApi', () => {
  it('lets the runner send each zone its own target, with the same batches', async () => {
    const sent: string[] = []
    const api = {
      async clearCache(zoneId: string, body: PurgeBody, target: Parameters<typeof cachePath>[1]) {
        sent.push(`${cachePath(zoneId, target)} ${JSON.stringify(body)}`)
        return 'id'
      }
    }
    const other = 'f00d0000000000000000000000000001'
    const targetOf = targetsFor('invalidate', new Map([[ZONE, STAGING]]))
    const outcomes = await executeBatches(
      targetedApi(api, targetOf),
      [
        { zoneId: ZONE, type: 'tags', items: ['a'] },
        { zoneId: other, type: 'everything', items: [] }
      ],
      { concurrency: 1, pacerFor: () => ({ reserve: () => 0 }), deadline: Date.now() + 10_000 }
    )
    expect(outcomes.map((o) => o.purgeId)).toEqual(['id', 'id'])
    expect(sent).toEqual([
      `/zones/${ZONE}/environments/${STAGING.ref}/invalidate_cache {"tags":["a"]}`,
      `/zones/${other}/invalidate_cache {"purge_everything":true}`
    ])
  })
})

describe('wordsFor', () => {
  it('says purged for a purge and invalidated for an invalidation', () => {
    expect(wordsFor()).toMatchObject({ Verb: 'Purge', past: 'purged', title: 'Cloudflare cache purge' })
    expect(wordsFor('invalidate')).toMatchObject({
      verb: 'invalidate',
      Verb: 'Invalidate',
      past: 'invalidated',
      Past: 'Invalidated',
      request: 'invalidation request',
      title: 'Cloudflare cache invalidation'
    })
    expect(describeEnvironment(STAGING)).toBe(`Staging (ref ${STAGING.ref})`)
  })
})
