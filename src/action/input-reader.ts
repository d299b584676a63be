// Reads the action's inputs from the runner, masking every secret the moment it is read.
import * as core from '@actions/core'
import { proxySecrets } from '../cloudflare/proxy.js'
import { userinfoSecrets } from '../inputs/canonical-url.js'
import { INPUT_NAMES, type InputName, type RawInputs } from '../inputs/parser.js'

const SECRET_INPUTS: InputName[] = ['api_token', 'global_key', 'email', 'github_token']

export interface ReadInputs {
  raw: RawInputs
  /** Every form of every secret, for scrubbing text that the runner's masking would not see. */
  secrets: string[]
}

export function readInputs(): ReadInputs {
  const raw: RawInputs = {}
  const secrets: string[] = []
  for (const name of INPUT_NAMES) {
    const value = core.getInput(name, { trimWhitespace: false })
    if (SECRET_INPUTS.includes(name) && value.trim() !== '') {
      for (const form of secretForms(value)) {
        core.setSecret(form)
        secrets.push(form)
      }
    }
    raw[name] = value
  }
  // A password in HTTPS_PROXY / HTTP_PROXY or in api_url is as secret as the inputs, though the runner
  // never masks it (api_url with one is refused, but its value may still reach a log line).
  for (const form of [...proxySecrets(process.env), ...userinfoSecrets(raw.api_url ?? '')]) {
    core.setSecret(form)
    secrets.push(form)
  }
  return { raw, secrets }
}

/** The value as given, trimmed, unquoted, and each word of it: any of them may end up in a log line. */
export function secretForms(value: string): string[] {
  const forms = new Set<string>([value, value.trim()])
  for (const word of value.split(/\s+/)) {
    const bare = word.replace(/^["'`]+|["'`]+$/g, '')
    if (bare.length >= 6 && bare.toLowerCase() !== 'bearer') forms.add(bare)
  }
  forms.delete('')
  return [...forms].sort((a, b) => b.length - a.length)
}
