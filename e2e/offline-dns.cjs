// Preloaded into every action run of the end-to-end tests (NODE_OPTIONS=--require): names under the
// reserved `.invalid` top-level domain (RFC 2606), which can never resolve, fail at once as ENOTFOUND
// without a query leaving the machine. Every other lookup goes through unchanged.
'use strict'
const dns = require('node:dns')

const isInvalid = (hostname) => typeof hostname === 'string' && /(^|\.)invalid\.?$/i.test(hostname)
const notFound = (hostname) =>
  Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
    code: 'ENOTFOUND',
    errno: -3008,
    syscall: 'getaddrinfo',
    hostname
  })

const lookup = dns.lookup
dns.lookup = function offlineLookup(hostname, options, callback) {
  const done = typeof options === 'function' ? options : callback
  if (isInvalid(hostname)) return process.nextTick(() => done(notFound(hostname)))
  return lookup.apply(this, arguments)
}
const promisesLookup = dns.promises.lookup
dns.promises.lookup = function offlinePromisesLookup(hostname, options) {
  if (isInvalid(hostname)) return Promise.reject(notFound(hostname))
  return promisesLookup.call(this, hostname, options)
}
