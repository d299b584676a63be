// The edge check's inputs: `verify`, `warm`, `verify_urls` (the list syntax of `files`) and
// `verify_limit`, checked together. Pure.
import { diagnose } from '../diagnosis/catalogue.js'
import type { Finding, VerifySettings } from '../types.js'
import { dedupe, fileKey, parseFiles } from './items.js'

/** URLs checked when `verify_limit` is not given. */
export const DEFAULT_VERIFY_LIMIT = 100
export const MAX_VERIFY_LIMIT = 10_000

export interface VerifyInputs {
  /** `verify` and `warm` as read (undefined: empty or unreadable, reported already). */
  verify?: boolean
  /** `verify` was given but could not be read: its own error says so, and nothing depends on it. */
  verifyUnreadable?: boolean
  warm?: boolean
  limit?: number
  /** The raw `verify_urls` text. */
  urls: string
  /** Whether the purge names URLs of its own (`files`, `files_from`, `changed_paths`). */
  namesUrls: boolean
  zoneName?: string
}

/** The edge check's settings, when `verify` is on; every mistake in its inputs as findings. */
export function parseVerify(inputs: VerifyInputs): { settings?: VerifySettings; findings: Finding[] } {
  const findings: Finding[] = []
  const parsed = parseFiles(inputs.urls, { input: 'verify_urls' }, inputs.zoneName)
  findings.push(...parsed.errors)
  if (inputs.verify !== true) {
    if (inputs.verifyUnreadable) return { findings }
    if (inputs.warm === true) findings.push(diagnose('verify-off', { input: 'warm' }))
    if (inputs.urls.trim() !== '') findings.push(diagnose('verify-off', { input: 'verify_urls' }))
    if (inputs.limit !== undefined) findings.push(diagnose('verify-off', { input: 'verify_limit' }))
    return { findings }
  }
  const urls = dedupe(parsed.items, fileKey)
  if (!inputs.namesUrls && urls.length === 0 && parsed.errors.length === 0)
    findings.push(diagnose('verify-no-urls'))
  return {
    settings: { warm: inputs.warm ?? false, limit: inputs.limit ?? DEFAULT_VERIFY_LIMIT, urls },
    findings
  }
}
