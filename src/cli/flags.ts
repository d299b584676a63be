// The command line's flags. Each input flag sets the action input of the same meaning, as the raw text
// the action would get, so that src/inputs/parser.ts checks and explains both alike. Pure: the
// arguments and the environment in, the raw inputs and the output options out.

export type FlagKind =
  /** May be repeated; the values are joined one per line, as a multi-line input. */
  | 'list'
  /** Given at most once. */
  | 'value'
  /** No value: `--dry-run` sets `true`; `--dry-run=false` passes its value to the parser. */
  | 'switch'

export type FlagGroup = 'what' | 'where' | 'how' | 'credential' | 'output'

export interface FlagSpec {
  /** Without the leading dashes. */
  name: string
  kind: FlagKind
  group: FlagGroup
  /** The action input it sets (see action.yml). */
  input?: string
  /** The value's name in --help. */
  arg?: string
  /** The environment variable read when the flag is absent. */
  env?: string
  /** A credential: given as a flag, it stays in the shell's history and shows in the process list. */
  credential?: boolean
  help: string
}

export const FLAGS: FlagSpec[] = [
  {
    name: 'files',
    kind: 'list',
    group: 'what',
    input: 'files',
    arg: 'URLS',
    help: 'Full URLs (https://…), or a JSON array of URLs and {url, headers}'
  },
  {
    name: 'files-from',
    kind: 'value',
    group: 'what',
    input: 'files_from',
    arg: 'FILE',
    help: 'URLs from FILE, one per line or as JSON; - reads standard input'
  },
  { name: 'tags', kind: 'list', group: 'what', input: 'tags', arg: 'TAGS', help: 'Cache tags to purge' },
  {
    name: 'hosts',
    kind: 'list',
    group: 'what',
    input: 'hosts',
    arg: 'HOSTS',
    help: 'Hostnames to purge, such as www.example.com'
  },
  {
    name: 'prefixes',
    kind: 'list',
    group: 'what',
    input: 'prefixes',
    arg: 'PREFIXES',
    help: 'URL prefixes to purge, as host/path without https://'
  },
  {
    name: 'everything',
    kind: 'switch',
    group: 'what',
    input: 'purge_everything',
    help: 'Purge the whole zone (never implied)'
  },
  {
    name: 'zone',
    kind: 'list',
    group: 'where',
    input: 'zone',
    arg: 'ZONE',
    help: "Zone ID or domain name. Default: each item's zone, from its hostname"
  },
  {
    name: 'environment',
    kind: 'value',
    group: 'where',
    input: 'environment',
    arg: 'NAME',
    help: 'A Version Management environment (Enterprise), by name or ref'
  },
  {
    name: 'mode',
    kind: 'value',
    group: 'how',
    input: 'mode',
    arg: 'MODE',
    help: 'purge (default) deletes the cached copies; invalidate marks them stale'
  },
  {
    name: 'dry-run',
    kind: 'switch',
    group: 'how',
    input: 'dry_run',
    help: 'Check the credential and zones, print the plan, purge nothing'
  },
  {
    name: 'verify',
    kind: 'switch',
    group: 'how',
    input: 'verify',
    help: 'After the purge, request each purged URL and check it is no old copy'
  },
  {
    name: 'warm',
    kind: 'switch',
    group: 'how',
    input: 'warm',
    help: 'With --verify: request again each URL that was not cached, to cache it'
  },
  {
    name: 'verify-urls',
    kind: 'list',
    group: 'how',
    input: 'verify_urls',
    arg: 'URLS',
    help: 'With --verify: URLs to check after a purge by tag, host or prefix'
  },
  {
    name: 'verify-limit',
    kind: 'value',
    group: 'how',
    input: 'verify_limit',
    arg: 'N',
    help: 'With --verify: the most URLs checked (a sample above it). Default: 100'
  },
  {
    name: 'batch-size',
    kind: 'value',
    group: 'how',
    input: 'batch_size',
    arg: 'N',
    help: "URLs per request, instead of the limit of the zone's plan"
  },
  {
    name: 'timeout',
    kind: 'value',
    group: 'how',
    input: 'timeout',
    arg: 'SECONDS',
    help: 'Time the whole run may take, retries included. Default: 300'
  },
  {
    name: 'api-url',
    kind: 'value',
    group: 'how',
    input: 'api_url',
    arg: 'URL',
    help: 'Cloudflare API base URL. Default: https://api.cloudflare.com/client/v4'
  },
  {
    name: 'account-id',
    kind: 'value',
    group: 'how',
    input: 'account_id',
    arg: 'ID',
    env: 'CLOUDFLARE_ACCOUNT_ID',
    help: 'The account of an account-owned token'
  },
  {
    name: 'api-token',
    kind: 'value',
    group: 'credential',
    input: 'api_token',
    arg: 'TOKEN',
    env: 'CLOUDFLARE_API_TOKEN',
    credential: true,
    help: 'Instead of CLOUDFLARE_API_TOKEN'
  },
  {
    name: 'email',
    kind: 'value',
    group: 'credential',
    input: 'email',
    arg: 'EMAIL',
    env: 'CLOUDFLARE_EMAIL',
    help: 'Instead of CLOUDFLARE_EMAIL'
  },
  {
    name: 'global-key',
    kind: 'value',
    group: 'credential',
    input: 'global_key',
    arg: 'KEY',
    env: 'CLOUDFLARE_API_KEY',
    credential: true,
    help: 'Instead of CLOUDFLARE_API_KEY'
  },
  {
    name: 'json',
    kind: 'switch',
    group: 'output',
    help: 'The result as one JSON object on standard output, nothing else there'
  },
  {
    name: 'quiet',
    kind: 'switch',
    group: 'output',
    help: 'Print nothing on success: only warnings and errors'
  },
  { name: 'verbose', kind: 'switch', group: 'output', help: 'Also print each step, and debug lines' },
  { name: 'no-color', kind: 'switch', group: 'output', help: 'No colour (as when NO_COLOR is set)' },
  { name: 'help', kind: 'switch', group: 'output', help: 'Print this help' },
  { name: 'version', kind: 'switch', group: 'output', help: 'Print the version' }
]

/** The action's inputs that only make sense in a workflow: GitHub lists a push's changed files. */
export const ACTION_ONLY_INPUTS = ['changed_paths', 'github_token', 'base', 'head'] as const

/** Names people reach for, and the flag they mean. */
const ALIASES: Record<string, string> = {
  'purge-everything': 'everything',
  all: 'everything',
  zones: 'zone',
  'zone-id': 'zone',
  file: 'files',
  url: 'files',
  urls: 'files',
  tag: 'tags',
  host: 'hosts',
  prefix: 'prefixes',
  token: 'api-token',
  'api-key': 'global-key',
  key: 'global-key'
}

export interface CommandLine {
  /** Raw action inputs by name, from flags and, where a flag is absent, from the environment. */
  raw: Record<string, string>
  /** Where each input in `raw` came from: the flag (`--zone`) or the environment variable. */
  sources: Record<string, string>
  /** Credential flags given, such as `--api-token`. */
  credentialFlags: string[]
  /** A line for each credential in the environment that a flag overrode. */
  notes: string[]
  json: boolean
  quiet: boolean
  verbose: boolean
  noColor: boolean
  help: boolean
  version: boolean
  /** What is wrong with the command line, a sentence each; empty when nothing is. */
  errors: string[]
}

/** Reads the arguments (without `node` and the script) and the environment. */
export function parseCommandLine(args: string[], env: Record<string, string | undefined>): CommandLine {
  const values = new Map<FlagSpec, string[]>()
  const errors: string[] = []
  const positional: string[] = []
  let help = false
  /** The list flag that the words since its last option belong to, if any. */
  let last: FlagSpec | undefined

  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string
    if (arg === '--') {
      positional.push(...args.slice(i + 1))
      break
    }
    if (arg === '-h') {
      help = true
      continue
    }
    if (!arg.startsWith('--')) {
      if (arg.startsWith('-') && arg !== '-') errors.push(`Unknown option ${arg}. Options start with --.`)
      // `--files URL URL …`: the items of a list of what to purge may follow its flag one by one.
      else if (last?.kind === 'list' && last.group === 'what') values.get(last)?.push(arg)
      else positional.push(arg)
      continue
    }
    last = undefined
    const eq = arg.indexOf('=')
    const name = arg.slice(2, eq === -1 ? undefined : eq)
    const spec = FLAGS.find((f) => f.name === name)
    if (!spec) {
      const meant = FLAGS.find((f) => f.name === suggestion(name))
      const actionOnly = isActionOnly(name)
      errors.push(unknownFlag(name, meant, actionOnly))
      // `--zones example.com`: the value belongs to the unknown flag, not a second mistake.
      const takesValue = actionOnly || (meant !== undefined && meant.kind !== 'switch')
      if (takesValue && eq === -1 && args[i + 1] !== undefined && !args[i + 1]?.startsWith('--')) i++
      continue
    }
    let value: string
    if (eq !== -1) {
      value = arg.slice(eq + 1)
      if (spec.kind === 'switch' && !spec.input) {
        errors.push(`--${name} takes no value.`)
        continue
      }
    } else if (spec.kind === 'switch') value = 'true'
    else {
      const next = args[i + 1]
      if (next === undefined || next.startsWith('--')) {
        errors.push(`--${name} needs a value: --${name} ${spec.arg}.`)
        continue
      }
      value = next
      i++
    }
    const seen = values.get(spec) ?? []
    if (seen.length > 0 && spec.kind !== 'list') {
      errors.push(`--${name} is given more than once; give it once.`)
      continue
    }
    values.set(spec, [...seen, value])
    if (spec.kind === 'list') last = spec
  }
  for (const arg of positional) errors.push(unexpectedArgument(arg))

  const raw: Record<string, string> = {}
  const sources: Record<string, string> = {}
  for (const spec of FLAGS) {
    if (!spec.input) continue
    const given = values.get(spec)
    const fromEnv = spec.env ? env[spec.env] : undefined
    if (given) {
      raw[spec.input] = spec.name === 'files' ? joinFiles(given) : given.join('\n')
      sources[spec.input] = `--${spec.name}`
    } else if (spec.env && fromEnv !== undefined && fromEnv !== '') {
      raw[spec.input] = fromEnv
      sources[spec.input] = spec.env
    }
  }
  const overridden = preferGivenCredential(raw, sources)
  const on = (name: string): boolean => values.has(FLAGS.find((f) => f.name === name) as FlagSpec)
  if (on('quiet') && on('verbose')) errors.push('--quiet and --verbose contradict each other; give one.')
  return {
    raw,
    sources,
    credentialFlags: FLAGS.filter((f) => f.credential && values.has(f)).map((f) => `--${f.name}`),
    notes: overridden ? [overridden] : [],
    json: on('json'),
    quiet: on('quiet'),
    verbose: on('verbose'),
    noColor: on('no-color'),
    help: help || on('help'),
    version: on('version'),
    errors
  }
}

/**
 * An explicit credential flag beats the other kind of credential found in the environment, as with curl
 * and wrangler, where what is typed wins: --api-token over CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY,
 * --global-key over CLOUDFLARE_API_TOKEN. Drops the overridden inputs and says so in a line.
 */
function preferGivenCredential(
  raw: Record<string, string>,
  sources: Record<string, string>
): string | undefined {
  const byFlag = (input: string): boolean => sources[input]?.startsWith('--') ?? false
  const fromEnvironment = (input: string): boolean => raw[input] !== undefined && !byFlag(input)
  const flag = byFlag('api_token') ? '--api-token' : byFlag('global_key') ? '--global-key' : undefined
  const other = flag === '--api-token' ? ['email', 'global_key'] : flag ? ['api_token'] : []
  const dropped = other.filter(fromEnvironment)
  if (!flag || dropped.length === 0) return undefined
  const names = dropped.map((input) => sources[input] as string)
  for (const input of dropped) {
    delete raw[input]
    delete sources[input]
  }
  return `${flag} is used; ${names.join(' and ')} from the environment ${names.length === 1 ? 'is' : 'are'} ignored.`
}

/**
 * Each --files value read on its own, so that JSON arrays and URLs can be mixed: together they become one
 * JSON array. A value that is not a JSON array is passed alone, for the parser to explain.
 */
function joinFiles(values: string[]): string {
  const json = (value: string): boolean => /^\s*[[{]/.test(value)
  if (values.length < 2 || !values.some(json)) return values.join('\n')
  const items: unknown[] = []
  for (const value of values) {
    if (!json(value)) {
      const lines = value.split('\n').filter((line) => !line.trimStart().startsWith('#'))
      items.push(...lines.join(' ').split(/\s+/).filter(Boolean))
      continue
    }
    const parsed = parseJson(value)
    if (!Array.isArray(parsed)) return value
    items.push(...(parsed as unknown[]))
  }
  return JSON.stringify(items)
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function unknownFlag(name: string, meant: FlagSpec | undefined, actionOnly: boolean): string {
  if (actionOnly)
    return `--${name} is not an option: purging the files a push changed works only in the GitHub Action (changed_paths).`
  return `Unknown option --${name}.${meant ? ` Did you mean --${meant.name}?` : ''}`
}

/** The action's inputs that list a push's changed files, however written. */
function isActionOnly(name: string): boolean {
  return (ACTION_ONLY_INPUTS as readonly string[]).includes(name.toLowerCase().replace(/-/g, '_'))
}

/** The flag someone who typed `name` probably meant: the same with hyphens, a common alias, or one within two edits. */
function suggestion(name: string): string | undefined {
  const normal = name.toLowerCase().replace(/_/g, '-')
  return (
    FLAGS.find((f) => f.name === normal)?.name ??
    (Object.hasOwn(ALIASES, normal) ? ALIASES[normal] : closest(normal))
  )
}

function unexpectedArgument(arg: string): string {
  if (/^https?:\/\//i.test(arg))
    return `Unexpected argument "${arg}": to purge this URL, give it with --files.`
  return `Unexpected argument "${arg}": every value follows its option, such as --zone example.com.`
}

/** The flag within two edits of `name`, if one is. */
function closest(name: string): string | undefined {
  let best: { name: string; distance: number } | undefined
  for (const f of FLAGS) {
    const distance = editDistance(name, f.name)
    if (distance <= 2 && (!best || distance < best.distance)) best = { name: f.name, distance }
  }
  return best?.name
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      row.push(
        Math.min((previous[j] as number) + 1, (row[j - 1] as number) + 1, (previous[j - 1] as number) + cost)
      )
    }
    previous = row
  }
  return previous[b.length] as number
}
