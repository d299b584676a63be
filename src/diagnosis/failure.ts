// A failure that has already been diagnosed: main reports its findings and exits 1, no stack trace.
import type { Finding } from '../types.js'

export class DiagnosedFailure extends Error {
  constructor(readonly findings: Finding[]) {
    super(findings.map((f) => `${f.title}: ${f.message}`).join('\n'))
    this.name = 'DiagnosedFailure'
  }
}

/** A purge request that was never sent: the `timeout` ran out before the rate limit let it go. */
export class NotSentError extends Error {
  constructor(readonly endpoint: string) {
    super('not sent: the time allowed by `timeout` ran out before the rate limit let this request go')
    this.name = 'NotSentError'
  }
}
