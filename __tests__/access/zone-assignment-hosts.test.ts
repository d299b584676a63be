// The zone of an item is its host as the WHATWG URL parser reads it; outside the one zone given, URLs are
// held back (Cloudflare refuses them) and hosts and prefixes are warned about.
import { describe, expect, it } from '@jest/globals'
import { assignToZones, hostOf, itemHosts } from '../../src/access/zone-assignment.js'
import type { PurgeRequest, ResolvedZone } from '../../src/types.js'

const EXAMPLE: ResolvedZone = { id: 'a'.repeat(32), name: 'example.com', plan: 'free' }
const OTHER: ResolvedZone = { id: 'c'.repeat(32), name: 'example.net', plan: 'free' }

function purge(p: Partial<PurgeRequest>): PurgeRequest {
  return { everything: false, files: [], tags: [], hosts: [], prefixes: [], ...p }
}

describe('hostOf', () => {
  it.each([
    ['https://evil.com\\@example.com/x', 'evil.com'],
    ['https://user:pw@example.com/x', 'example.com'],
    ['https://a@b@evil.com/x', 'evil.com'],
    ['HTTPS://WWW.Example.COM:8443/x?y#z', 'www.example.com'],
    ['https://Bücher.Example/', 'xn--bcher-kva.example'],
    ['https://example.com./a', 'example.com'],
    ['www.example.com/blog/', 'www.example.com'],
    ['Bücher.Example/blog/', 'xn--bcher-kva.example'],
    ['www.example.com', 'www.example.com'],
    ['https://exa mple.com/', '']
  ])('%s is on %s', (item, host) => {
    expect(hostOf(item)).toBe(host)
  })

  it('gives the zone lookup the host a browser would connect to', () => {
    expect(itemHosts(purge({ files: [{ url: 'https://evil.com\\@example.com/x' }] }))).toEqual(['evil.com'])
  })
})

describe('several zones', () => {
  it('places a URL by its real host, not by what follows a backslash', () => {
    const { errors, work } = assignToZones(purge({ files: [{ url: 'https://evil.com\\@example.com/x' }] }), [
      EXAMPLE,
      OTHER
    ])
    expect(errors.map((e) => e.id)).toEqual(['host-in-no-zone'])
    expect(errors[0]?.message).toContain('"evil.com" is not in any of the zones given')
    expect(work.every((w) => w.purge.files.length === 0)).toBe(true)
  })
})

describe('one zone: items not on it', () => {
  it('warns about hosts and prefixes, refuses URLs, once per hostname and kind', () => {
    const { warnings, work, refused } = assignToZones(
      purge({
        files: [
          { url: 'https://www.example.com/a' },
          { url: 'https://other.org/a' },
          { url: 'https://other.org/b' }
        ],
        hosts: ['www.example.com', 'other.org', 'cdn.other.org'],
        prefixes: ['example.com/blog/', 'other.org/a/', 'other.org/b/'],
        tags: ['t']
      }),
      [EXAMPLE]
    )
    expect(warnings.map((w) => [w.id, w.severity])).toEqual([
      ['outside-zone', 'warning'],
      ['outside-zone', 'warning'],
      ['outside-zone', 'warning']
    ])
    // URLs there are not sent: Cloudflare refuses them (1082), one error per host.
    expect(refused.map((w) => w.message)).toEqual([
      expect.stringMatching(
        /^2 URLs on other\.org \(such as "https:\/\/other\.org\/a"\) are not on example\.com/
      )
    ])
    expect(work[0]?.purge.files).toEqual([{ url: 'https://www.example.com/a' }])
    expect(warnings.map((w) => w.message)).toEqual([
      expect.stringMatching(/^host "other\.org" is not on example\.com/),
      expect.stringMatching(/^host "cdn\.other\.org" is not on example\.com/),
      expect.stringMatching(/^2 prefixes on other\.org \(such as "other\.org\/a\/"\) are not on example\.com/)
    ])
    // Hosts and prefixes are still sent; the warning says they purge nothing useful there.
    expect(work[0]?.purge.hosts).toEqual(['www.example.com', 'other.org', 'cdn.other.org'])
    expect(work[0]?.purge.prefixes).toHaveLength(3)
  })

  it('says nothing about items on the zone or its subdomains', () => {
    const { warnings } = assignToZones(
      purge({ hosts: ['example.com', 'a.b.example.com'], prefixes: ['www.example.com/x/'] }),
      [EXAMPLE]
    )
    expect(warnings).toEqual([])
  })

  it('cannot tell without the zone name, so says nothing', () => {
    expect(assignToZones(purge({ hosts: ['other.org'] }), [{ id: 'd'.repeat(32) }]).warnings).toEqual([])
  })
})
