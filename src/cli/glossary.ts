// The diagnoses are the action's, word for word, and name its inputs (`api_token`, `files_from`). On the
// command line each finding gets one more line saying which flag or variable each named input is. Pure.
import type { Finding } from '../types.js'
import { FLAGS, type FlagSpec } from './flags.js'

/** "In this command: `api_token` is CLOUDFLARE_API_TOKEN (or --api-token)."; undefined when no input is named. */
export function commandLineNote(finding: Finding): string | undefined {
  const parts = FLAGS.filter((f) => f.input && names(finding, f.input)).map(describe)
  if (/debug logging/.test(finding.message)) parts.push('debug logging is --verbose')
  return parts.length > 0 ? `In this command: ${parts.join('; ')}.` : undefined
}

function names(finding: Finding, input: string): boolean {
  const { title, message } = finding
  if (new RegExp(`\`${input}[\`: ]`).test(message)) return true
  if (new RegExp(`(^|input: |given as )${input}($| ignored| with items)`).test(title)) return true
  if (message.startsWith(`${input} "`)) return true
  // Names with an underscore are never ordinary words, wherever they stand.
  return input.includes('_') && new RegExp(`\\b${input}\\b`).test(message)
}

function describe(flag: FlagSpec): string {
  const name = `\`${flag.input}\``
  if (flag.input === 'files_from')
    return `${name} is --files-from, a path from the current folder (- for standard input)`
  if (flag.credential || flag.input === 'email') return `${name} is ${flag.env} (or --${flag.name})`
  return `${name} is --${flag.name}${flag.env ? ` (or ${flag.env})` : ''}`
}
