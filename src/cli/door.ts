// The command line's words for the catalogue (src/diagnosis/door.ts): an input is the option or the
// environment variable that gave it, a credential lives in the environment, debug output is --verbose.
import type { Door } from '../diagnosis/door.js'
import { FLAGS } from './flags.js'

/**
 * The door of one run. `sources` says where each input came from (`--api-token`, `CLOUDFLARE_API_TOKEN`),
 * so that a message names what the person typed; an input not given is named the way it is best given:
 * a credential by its environment variable, anything else by its option.
 */
export function commandLineDoor(sources: Record<string, string> = {}): Door {
  const name = (input: string): string => {
    const flag = FLAGS.find((f) => f.input === input)
    if (!flag) return `\`${input}\``
    return sources[input] ?? (flag.group === 'credential' && flag.env ? flag.env : `--${flag.name}`)
  }
  return {
    input: name,
    set: (input, value) => {
      const flag = FLAGS.find((f) => f.input === input)
      if (!flag) return `\`${input}: ${value}\``
      return flag.kind === 'switch' && value === 'true' ? `--${flag.name}` : `--${flag.name} ${value}`
    },
    self: 'cloudflare-purge',
    Self: 'cloudflare-purge',
    secret: 'the environment variable',
    passSecret: (input) => {
      const env = FLAGS.find((f) => f.input === input)?.env ?? input
      return (
        `exported in the environment: \`read -rs ${env} && export ${env}\` reads it without showing it ` +
        `(a CI system's secret variable works the same way). If it is set but arrives empty, check that it ` +
        'was exported, not only set in the shell.'
      )
    },
    machine: 'machine',
    addressAdvice:
      "Remove the filter, or add the address this machine reaches Cloudflare from to the token's filter.",
    filesFromBase:
      'The path is relative to the current folder; --files-from - reads the URLs from standard input.',
    failedItems: 'failed_items of the --json result',
    debug: 'Run it again with --verbose to see where it happened, and report it with that output.'
  }
}
