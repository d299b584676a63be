// Preloaded into every action and command-line run of the end-to-end tests (--require), beside
// offline-dns.cjs: stamps each HTTP request with the moment the run sent it (ms since the epoch, on this
// machine's clock), through undici's `undici:request:create` diagnostics channel (undici's docs: a
// subscriber may add headers there). An emulator started with `countAtSendTime` counts rate limits at that
// moment rather than at its arrival, so that a machine busy elsewhere, which delays when the emulator's
// process reads a request, cannot push two requests into one second: the pacing is judged as sent.
'use strict'
const diagnostics = require('node:diagnostics_channel')

diagnostics.channel('undici:request:create').subscribe(({ request }) => {
  request.addHeader('x-emulator-sent-at', (performance.timeOrigin + performance.now()).toFixed(3))
})
