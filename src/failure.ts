// A failure that has already been diagnosed: main reports its findings and exits 1, no stack trace.
import type { Finding } from './types.js'

export class DiagnosedFailure extends Error {
  constructor(readonly findings: Finding[]) {
    super(findings.map((f) => `${f.title}: ${f.message}`).join('\n'))
    this.name = 'DiagnosedFailure'
  }
}
