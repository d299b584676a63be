// The text of --help, built from the flag table so that every flag is in it. Pure.
import { FLAGS, type FlagGroup, type FlagSpec } from './flags.js'
import { HOMEPAGE } from './version.js'

const HEADINGS: Record<FlagGroup, string> = {
  what: 'What to purge (repeat a flag, or separate items by newlines or commas; URLs by spaces):',
  where: 'Where:',
  how: 'How:',
  credential:
    'Credential, from the environment: CLOUDFLARE_API_TOKEN, or CLOUDFLARE_EMAIL + CLOUDFLARE_API_KEY.\n' +
    'These options work too, but the shell history keeps what they are given.',
  output: 'Output (text for people goes to standard error):'
}

const WIDTH = 20

function flagLine(f: FlagSpec): string {
  const name = `--${f.name}${f.arg ? ` ${f.arg}` : ''}`
  const env = f.env && f.group !== 'credential' ? ` (or ${f.env})` : ''
  return `  ${name.padEnd(WIDTH)}  ${f.help}${env}`
}

export function helpText(version: string): string {
  const sections = (Object.keys(HEADINGS) as FlagGroup[]).map((group) =>
    [HEADINGS[group], ...FLAGS.filter((f) => f.group === group).map(flagLine)].join('\n')
  )
  return `cloudflare-purge ${version}: purge Cloudflare's cache from a terminal, a script or any CI system.

Usage: cloudflare-purge [--zone ZONE] WHAT… [options]

${sections.join('\n\n')}

Exit codes:
  0  everything was purged (or the dry run found nothing wrong), or the lists given were empty
  1  something was not purged, or Cloudflare refused the credential or a zone
  2  the command line is wrong: nothing was sent (an unknown option, a mistake in a value)

Examples:
  read -rs CLOUDFLARE_API_TOKEN && export CLOUDFLARE_API_TOKEN   # paste it; not echoed
  cloudflare-purge --zone example.com --files https://example.com/ https://example.com/app.css
  cloudflare-purge --zone example.com --tags release-42,header --dry-run
  cloudflare-purge --hosts www.example.com --prefixes www.example.com/blog/
  git diff --name-only v41 v42 -- public/ | sed 's|^public/|https://example.com/|' |
    cloudflare-purge --zone example.com --files-from -
  cloudflare-purge --zone example.com --everything --json | jq -r .purge_ids

The action's changed_paths (with github_token, base and head) has no option: pipe
the URLs of the changed files into --files-from - instead, as above.

Documentation: ${HOMEPAGE}
`
}

/** What a command without arguments prints: how to start, in a few lines. */
export function usageText(): string {
  return `Usage: cloudflare-purge [--zone ZONE] --files URL… (or --tags, --hosts, --prefixes, --everything)
The credential comes from CLOUDFLARE_API_TOKEN (or CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY).
  cloudflare-purge --zone example.com --files https://example.com/app.css
Every option: cloudflare-purge --help. Documentation: ${HOMEPAGE}
`
}
