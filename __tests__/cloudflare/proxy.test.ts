// How HTTPS_PROXY / HTTP_PROXY / NO_PROXY are read: the same way GitHub's toolkit reads them.
import { describe, expect, it } from '@jest/globals'
import { chooseProxy, describeProxy, noProxyMatch, proxySecrets } from '../../src/cloudflare/proxy.js'

const API = 'https://api.cloudflare.com/client/v4'

describe('chooseProxy', () => {
  it('connects directly when no proxy variable is set', () => {
    expect(chooseProxy(API, {})).toEqual({})
    expect(chooseProxy(API, { HTTPS_PROXY: '  ' })).toEqual({})
  })

  it('uses HTTPS_PROXY for https, lower case first, and HTTP_PROXY as a fallback', () => {
    expect(chooseProxy(API, { HTTPS_PROXY: 'http://proxy:3128' }).proxy?.href).toBe('http://proxy:3128/')
    const both = chooseProxy(API, { https_proxy: 'http://lower:1', HTTPS_PROXY: 'http://upper:2' })
    expect(both).toMatchObject({ from: 'https_proxy' })
    expect(both.proxy?.host).toBe('lower:1')
    const fallback = chooseProxy(API, { HTTP_PROXY: 'http://plain:8080' })
    expect(fallback).toMatchObject({ from: 'HTTP_PROXY' })
    expect(fallback.proxy?.host).toBe('plain:8080')
  })

  it('ignores HTTPS_PROXY for plain http', () => {
    expect(chooseProxy('http://api.example.com/x', { HTTPS_PROXY: 'http://proxy:1' })).toEqual({})
    expect(chooseProxy('http://api.example.com/x', { HTTP_PROXY: 'http://proxy:1' }).proxy?.host).toBe(
      'proxy:1'
    )
  })

  it('accepts a proxy written without a scheme', () => {
    expect(chooseProxy(API, { HTTPS_PROXY: 'proxy.corp:3128' }).proxy?.href).toBe('http://proxy.corp:3128/')
  })

  it('never proxies loopback, whatever is set', () => {
    for (const url of ['http://127.0.0.1:8787/client/v4', 'http://localhost:1/x', 'http://[::1]:1/x']) {
      const choice = chooseProxy(url, { HTTP_PROXY: 'http://proxy:1', HTTPS_PROXY: 'http://proxy:1' })
      expect(choice.proxy).toBeUndefined()
      expect(choice.note).toMatch(/loopback/)
    }
  })

  it('follows NO_PROXY, lower case first', () => {
    const env = { HTTPS_PROXY: 'http://proxy:1' }
    expect(chooseProxy(API, { ...env, NO_PROXY: 'cloudflare.com' }).proxy).toBeUndefined()
    expect(chooseProxy(API, { ...env, NO_PROXY: 'cloudflare.com' }).note).toMatch(
      /NO_PROXY lists cloudflare\.com/
    )
    expect(
      chooseProxy(API, { ...env, no_proxy: 'other.example', NO_PROXY: 'cloudflare.com' }).proxy
    ).toBeDefined()
  })

  it('says why a proxy variable is not used', () => {
    expect(chooseProxy(API, { HTTPS_PROXY: 'http://[bad' })).toMatchObject({
      note: expect.stringMatching(/not a URL/)
    })
    expect(chooseProxy(API, { HTTPS_PROXY: 'socks5://proxy:1080' })).toMatchObject({
      note: expect.stringMatching(/socks5.*not supported/)
    })
  })
})

describe('noProxyMatch', () => {
  it.each([
    ['api.cloudflare.com', 'api.cloudflare.com'],
    ['cloudflare.com', 'api.cloudflare.com'],
    ['.cloudflare.com', 'api.cloudflare.com'],
    ['*.cloudflare.com', 'api.cloudflare.com'],
    ['*', 'api.cloudflare.com'],
    ['internal, API.Cloudflare.com', 'api.cloudflare.com'],
    ['api.cloudflare.com:443', 'api.cloudflare.com']
  ])('%s covers %s', (noProxy, host) => {
    expect(noProxyMatch(host, 443, noProxy)).toBeDefined()
  })

  it.each([
    ['flare.com', 'api.cloudflare.com'],
    ['api.cloudflare.com:8443', 'api.cloudflare.com'],
    ['', 'api.cloudflare.com'],
    ['cloudflare.com.evil', 'api.cloudflare.com']
  ])('%s does not cover %s', (noProxy, host) => {
    expect(noProxyMatch(host, 443, noProxy)).toBeUndefined()
  })

  it('matches IPv6 addresses with or without brackets', () => {
    expect(noProxyMatch('2001:db8::1', 443, '[2001:db8::1]')).toBeDefined()
    expect(noProxyMatch('2001:db8::1', 443, '2001:db8::1')).toBeDefined()
  })
})

describe('proxy credentials', () => {
  it('are never shown, and their password is collected for masking', () => {
    const { proxy } = chooseProxy(API, { HTTPS_PROXY: 'http://purge:p%40ss-w0rd@proxy:3128' })
    expect(describeProxy(proxy as URL)).toBe('http://proxy:3128')
    expect(proxySecrets({ HTTPS_PROXY: 'http://purge:p%40ss-w0rd@proxy:3128' })).toEqual(
      expect.arrayContaining(['p%40ss-w0rd', 'p@ss-w0rd', 'http://purge:p%40ss-w0rd@proxy:3128'])
    )
    expect(proxySecrets({ HTTPS_PROXY: 'http://proxy:3128', HTTP_PROXY: 'nonsense://[' })).toEqual([])
  })
})
