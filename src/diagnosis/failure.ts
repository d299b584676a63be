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

/**
 * A purge request held back by the credential's API-wide budget (1,200 requests per 5 minutes per user
 * or token): sending it would have spent the part kept for the account's other tools, and the window
 * frees up only after the time allowed by `timeout`.
 */
export class OverBudgetError extends Error {
  constructor(
    readonly endpoint: string,
    readonly budget: { quota: number; windowSeconds: number; kept: number; freesInSeconds: number }
  ) {
    super(
      `not sent: Cloudflare's API request limit (${budget.quota} per ${budget.windowSeconds} s) frees up in ` +
        `${budget.freesInSeconds} s, after the time allowed by \`timeout\``
    )
    this.name = 'OverBudgetError'
  }
}
