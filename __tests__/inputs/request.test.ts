// The rules about the purge request as a whole, each kept in one place.
import { describe, expect, it } from '@jest/globals'
import { isEmptyPurge, withChangedUrls, zoneMissing } from '../../src/inputs/request.js'
import type { PurgeRequest, ZoneRef } from '../../src/types.js'

const none: PurgeRequest = { everything: false, files: [], tags: [], hosts: [], prefixes: [] }
const zone: ZoneRef[] = [{ kind: 'id', id: 'a'.repeat(32) }]

describe('isEmptyPurge', () => {
  it('is empty with no item and not everything', () => {
    expect(isEmptyPurge(none)).toBe(true)
    expect(isEmptyPurge({ ...none, everything: true })).toBe(false)
    expect(isEmptyPurge({ ...none, prefixes: ['example.com/a/'] })).toBe(false)
  })
})

describe('withChangedUrls', () => {
  it('adds each URL once, keeping the files given first', () => {
    const purge = { ...none, files: [{ url: 'https://EXAMPLE.com/a' }] }
    expect(
      withChangedUrls(purge, ['https://example.com/a', 'https://example.com/b', 'https://example.com/b'])
    ).toEqual({
      ...none,
      files: [{ url: 'https://EXAMPLE.com/a' }, { url: 'https://example.com/b' }]
    })
  })
})

describe('zoneMissing', () => {
  it('asks for a zone for tags or everything with no hostname to find it from', () => {
    expect(zoneMissing([], { ...none, tags: ['t'] })?.id).toBe('no-zone')
    expect(zoneMissing([], { ...none, everything: true })?.message).toMatch(/purge_everything/)
  })

  it('is content with a zone, with an item that has a host, or with changed files still to come', () => {
    expect(zoneMissing(zone, { ...none, tags: ['t'] })).toBeUndefined()
    expect(zoneMissing([], { ...none, tags: ['t'], hosts: ['example.com'] })).toBeUndefined()
    expect(zoneMissing([], { ...none, tags: ['t'] }, true)).toBeUndefined()
    expect(zoneMissing([], { ...none, files: [{ url: 'https://example.com/' }] })).toBeUndefined()
  })
})
