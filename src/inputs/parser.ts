// Turns the raw input strings into one validated Settings object, collecting every problem at once.
// Pure: no Actions toolkit, no network; files_from is read through the function passed in.
import { parseChangedPaths } from './changed-urls.js'
import { checkGlobalKeyShape, checkTokenShape, cleanSecret, isEmail } from './credential-checks.js'
import { diagnose } from '../diagnosis/catalogue.js'
import { isLoopbackHost, toAsciiHostname } from '../cloudflare/hostnames.js'
import { hideUserinfo } from './canonical-url.js'
import { zoneMissing } from './request.js'
import { parseEnvironment, parseMode } from './target.js'
import { MAX_VERIFY_LIMIT, parseVerify } from './verify.js'
import {
  dedupe,
  fileKey,
  isOneCommentLine,
  parseFiles,
  parseHosts,
  parsePrefixes,
  parseTags,
  splitList
} from './items.js'
import type {
  CacheMode,
  ChangeSettings,
  Credential,
  FileItem,
  Finding,
  PurgeRequest,
  Settings,
  ZoneRef
} from '../types.js'

export const INPUT_NAMES = [
  'zone',
  'api_token',
  'email',
  'global_key',
  'account_id',
  'purge_everything',
  'files',
  'files_from',
  'tags',
  'hosts',
  'prefixes',
  'dry_run',
  'batch_size',
  'timeout',
  'api_url',
  'changed_paths',
  'github_token',
  'base',
  'head',
  'mode',
  'environment',
  'verify',
  'warm',
  'verify_urls',
  'verify_limit'
] as const
export type InputName = (typeof INPUT_NAMES)[number]
export type RawInputs = Partial<Record<InputName, string>>

export const DEFAULT_API_URL = 'https://api.cloudflare.com/client/v4'
export const DEFAULT_TIMEOUT_SECONDS = 300
const HEX32 = /^[0-9a-f]{32}$/

export interface ParseOptions {
  /** Reads a file named by files_from; throws when it cannot. */
  readFile: (path: string) => string
}

export interface ParseResult {
  settings?: Settings
  errors: Finding[]
  warnings: Finding[]
  /**
   * What the inputs ask for, as far as they could be read, even when they hold errors: the valid zones and
   * the valid items (never an invalid one), and whether this is a dry run (an unreadable `dry_run` counts
   * as one). Lets a run that stops on an input error say which items were not purged.
   */
  requested: { zones: ZoneRef[]; purge: PurgeRequest; dryRun: boolean; mode?: CacheMode }
}

export function parseSettings(raw: RawInputs, options: ParseOptions): ParseResult {
  const errors: Finding[] = []
  const warnings: Finding[] = []
  const report = (findings: Finding[]): void => {
    for (const f of findings) (f.severity === 'error' ? errors : warnings).push(f)
  }
  const get = (name: InputName): string => (raw[name] ?? '').trim()

  const credential = parseCredential(raw, report)
  const zones = parseZones(get('zone'), report)
  const zoneName = zones.find((z): z is Extract<ZoneRef, { kind: 'name' }> => z.kind === 'name')?.name

  const accountId = get('account_id').toLowerCase()
  if (accountId && !HEX32.test(accountId)) report([diagnose('bad-account-id', { value: get('account_id') })])

  const everything = parseBoolean('purge_everything', get('purge_everything'), report)
  const dryRun = parseBoolean('dry_run', get('dry_run'), report)
  const apiUrl = parseApiUrl(get('api_url'), report)
  const batchSize = parseInteger('batch_size', get('batch_size'), 1, 1000, report)
  const timeoutSeconds = parseInteger('timeout', get('timeout'), 1, 21600, report) ?? DEFAULT_TIMEOUT_SECONDS

  // A value that is one comment line purges nothing: say so rather than purge less than was meant.
  const listInputs = ['zone', 'files', 'tags', 'hosts', 'prefixes'] as const
  const commentOnly = listInputs.filter((name) => isOneCommentLine(raw[name] ?? ''))
  for (const name of commentOnly) {
    const line = (raw[name] ?? '').trim()
    report([diagnose('comment-only-input', { input: name, line: hideUserinfo(line) })])
  }
  let itemErrors = commentOnly.filter((name) => name !== 'zone').length

  const fileLists: FileItem[] = []
  const fragments: Array<[string, string]> = []
  const files = parseFiles(raw.files ?? '', { input: 'files' }, zoneName)
  report(files.errors)
  fileLists.push(...files.items)
  fragments.push(...files.fragments)
  itemErrors += files.errors.length
  const filesFrom = get('files_from')
  if (filesFrom) {
    let text: string | undefined
    try {
      text = options.readFile(filesFrom)
    } catch (e) {
      report([diagnose('files-from-unreadable', { path: filesFrom, reason: describeFsError(e) })])
      itemErrors++
    }
    if (text !== undefined) {
      const fromFile = parseFiles(text, { input: 'files_from', file: filesFrom }, zoneName)
      report(fromFile.errors)
      fileLists.push(...fromFile.items)
      fragments.push(...fromFile.fragments)
      itemErrors += fromFile.errors.length
    }
  }
  const [firstFragment] = fragments
  if (firstFragment) {
    const [example, canonical] = firstFragment
    report([diagnose('url-fragment', { count: fragments.length, example: hideUserinfo(example), canonical })])
  }
  const tags = parseTags(raw.tags ?? '')
  const hosts = parseHosts(raw.hosts ?? '')
  const prefixes = parsePrefixes(raw.prefixes ?? '', zoneName)
  report([...tags.errors, ...hosts.errors, ...prefixes.errors])
  itemErrors += tags.errors.length + hosts.errors.length + prefixes.errors.length

  const purge = {
    everything: everything ?? false,
    files: dedupe(fileLists, fileKey),
    tags: dedupe(tags.items, (t) => t.toLowerCase()),
    hosts: dedupe(hosts.items, (h) => h),
    prefixes: dedupe(prefixes.items, prefixKey)
  }
  const changes = parseChanges(raw, report)
  const { mode } = withFindings(parseMode(raw.mode ?? ''), report)
  const { environment } = withFindings(parseEnvironment(raw.environment ?? ''), report)
  const verifyOn = parseBoolean('verify', get('verify'), report)
  const verify = withFindings(
    parseVerify({
      verify: verifyOn,
      verifyUnreadable: verifyOn === undefined && get('verify') !== '',
      warm: parseBoolean('warm', get('warm'), report),
      limit: parseInteger('verify_limit', get('verify_limit'), 1, MAX_VERIFY_LIMIT, report),
      urls: raw.verify_urls ?? '',
      namesUrls: Boolean(raw.files?.trim() || filesFrom || raw.changed_paths?.trim()),
      ...(zoneName ? { zoneName } : {})
    }),
    report
  ).settings
  const requested = {
    zones,
    purge,
    // Unless dry_run is plainly false, nothing was meant to be purged.
    dryRun: dryRun ?? get('dry_run') !== '',
    ...(mode && mode !== 'purge' ? { mode } : {})
  }

  const listed = purge.files.length + purge.tags.length + purge.hosts.length + purge.prefixes.length
  const anyItemInput = [raw.files, raw.tags, raw.hosts, raw.prefixes, raw.files_from, raw.changed_paths].some(
    (v) => (v ?? '').trim()
  )
  // Each problem once: an unreadable purge_everything or item list is reported by its own error, and
  // an empty result that follows from it is not reported again.
  const everythingUnreadable = everything === undefined && get('purge_everything') !== ''
  if (purge.everything && (listed > 0 || anyItemInput)) report([diagnose('everything-with-items')])
  if (!purge.everything && listed === 0 && !anyItemInput) {
    if (!everythingUnreadable) report([diagnose('nothing-to-purge')])
  } else if (!purge.everything && listed === 0 && !get('changed_paths') && itemErrors === 0) {
    report([diagnose('lists-empty')])
  }
  // A `zone` that was given but could not be read is reported by its own error, not as missing.
  const zoneUnreadable = errors.some((e) => e.id === 'bad-zone') || commentOnly.includes('zone')
  const noZone = zoneMissing(zones, purge, Boolean(changes))
  if (noZone && !zoneUnreadable) report([noZone])

  if (errors.length > 0 || !credential) return { errors, warnings, requested }
  const settings: Settings = {
    zones,
    credential,
    purge,
    dryRun: dryRun ?? false,
    apiUrl: apiUrl ?? DEFAULT_API_URL,
    timeoutMs: timeoutSeconds * 1000
  }
  if (accountId) settings.accountId = accountId
  if (batchSize !== undefined) settings.batchSize = batchSize
  if (changes) settings.changes = changes
  if (mode && mode !== 'purge') settings.mode = mode
  if (environment) settings.environment = environment
  if (verify) settings.verify = verify
  return { settings, errors, warnings, requested }
}

function withFindings<T extends { errors: Finding[] } | { findings: Finding[] }>(
  result: T,
  report: (f: Finding[]) => void
): T {
  report('errors' in result ? result.errors : result.findings)
  return result
}

/** `changed_paths` with the token and commits to list the changes with; undefined when not used. */
function parseChanges(raw: RawInputs, report: (f: Finding[]) => void): ChangeSettings | undefined {
  const base = (raw.base ?? '').trim()
  const head = (raw.head ?? '').trim()
  if ((raw.changed_paths ?? '').trim() === '') {
    if (base || head) report([diagnose('refs-ignored')])
    return undefined
  }
  const { mappings, errors } = parseChangedPaths(raw.changed_paths ?? '')
  report(errors)
  if (mappings.length === 0 && errors.length === 0) {
    const line = hideUserinfo((raw.changed_paths ?? '').trim().split('\n')[0] ?? '')
    report([
      diagnose('bad-changed-paths', { line, reason: 'is a comment, and no line maps a folder to a URL' })
    ])
  }
  const githubToken = (raw.github_token ?? '').trim()
  if (!githubToken) report([diagnose('no-github-token')])
  const expected = 'a commit SHA, branch or tag name (no spaces and no "..")'
  for (const [input, value] of [
    ['base', base],
    ['head', head]
  ] as const) {
    if (value && (/[\s\0?#\\]/.test(value) || value.includes('..'))) {
      report([diagnose('bad-option', { input, value, expected })])
    }
  }
  if (head && !base) {
    report([
      diagnose('bad-option', {
        input: 'head',
        value: head,
        expected: 'given together with `base`, the commit to compare from'
      })
    ])
  }
  if (errors.length > 0 || !githubToken || mappings.length === 0) return undefined
  return { mappings, githubToken, ...(base ? { base } : {}), ...(head ? { head } : {}) }
}

function parseCredential(raw: RawInputs, report: (f: Finding[]) => void): Credential | undefined {
  const tokenRaw = raw.api_token ?? ''
  const keyRaw = raw.global_key ?? ''
  const emailRaw = (raw.email ?? '').trim()
  const hasToken = tokenRaw.trim() !== ''
  const hasKey = keyRaw.trim() !== ''

  if (!hasToken && !hasKey && !emailRaw) {
    report([diagnose('no-credential')])
    return undefined
  }
  if (hasToken && hasKey) {
    report([diagnose('both-credentials')])
    return undefined
  }
  if (hasToken) {
    const token = cleanSecret(tokenRaw, 'api_token', true)
    report(token.findings)
    if (token.findings.some((f) => f.severity === 'error')) return undefined
    const shape = checkTokenShape(token.value)
    report(shape)
    if (shape.length > 0) return undefined
    if (token.value === '') {
      report([diagnose('no-credential')])
      return undefined
    }
    if (emailRaw) report([diagnose('email-ignored')])
    return { kind: 'token', token: token.value }
  }
  if (!hasKey) {
    report([diagnose('incomplete-global-key', { missing: 'global_key' })])
    return undefined
  }
  const key = cleanSecret(keyRaw, 'global_key', false)
  report(key.findings)
  const shape = checkGlobalKeyShape(key.value)
  report(shape)
  if (!emailRaw) {
    report([diagnose('incomplete-global-key', { missing: 'email' })])
    return undefined
  }
  const email = emailRaw.replace(/^(["'])(.*)\1$/, '$2').trim()
  if (!isEmail(email)) {
    report([diagnose('bad-email')])
    return undefined
  }
  if (key.findings.some((f) => f.severity === 'error') || shape.length > 0) return undefined
  return { kind: 'global-key', email, key: key.value }
}

/** The zones given; an empty list means each item's zone is found from its hostname. */
function parseZones(text: string, report: (f: Finding[]) => void): ZoneRef[] {
  const values = splitList(text)
  const zones: ZoneRef[] = []
  for (const value of values) {
    const zone = parseZone(value)
    if (typeof zone === 'string') report([diagnose('bad-zone', { value: hideUserinfo(value), reason: zone })])
    else if (!zones.some((z) => sameZone(z, zone))) zones.push(zone)
  }
  return zones
}

/** A zone reference, or the reason why the value is not one. */
export function parseZone(value: string): ZoneRef | string {
  const lower = value.toLowerCase()
  if (HEX32.test(lower)) return { kind: 'id', id: lower }
  if (/^[0-9a-f]+$/.test(lower) && lower.length >= 20) {
    const off = lower.length < 32 ? 'cut off when copied' : 'copied with something else'
    return `looks like an ID but has ${lower.length} characters instead of 32 (was it ${off}?)`
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//.test(lower)) {
    let host: string | undefined
    try {
      host = toAsciiHostname(new URL(value).hostname)
    } catch {
      host = undefined
    }
    return host ? `is a URL; write just the domain "${host}"` : 'is a URL, not a zone'
  }
  const name = toAsciiHostname(value)
  if (!name) return 'is not a valid domain name'
  return { kind: 'name', name, input: value }
}

function sameZone(a: ZoneRef, b: ZoneRef): boolean {
  return a.kind === 'id' ? b.kind === 'id' && a.id === b.id : b.kind === 'name' && a.name === b.name
}

function prefixKey(prefix: string): string {
  const slash = prefix.indexOf('/')
  return slash === -1 ? prefix : prefix.slice(0, slash).toLowerCase() + prefix.slice(slash)
}

function parseBoolean(name: InputName, value: string, report: (f: Finding[]) => void): boolean | undefined {
  if (value === '') return undefined
  const lower = value.toLowerCase()
  if (lower === 'true') return true
  if (lower === 'false') return false
  report([diagnose('bad-option', { input: name, value, expected: '`true` or `false`' })])
  return undefined
}

function parseInteger(
  name: InputName,
  value: string,
  min: number,
  max: number,
  report: (f: Finding[]) => void
): number | undefined {
  if (value === '') return undefined
  const n = /^\d+$/.test(value) ? Number(value) : NaN
  if (Number.isInteger(n) && n >= min && n <= max) return n
  report([diagnose('bad-option', { input: name, value, expected: `a whole number from ${min} to ${max}` })])
  return undefined
}

function parseApiUrl(value: string, report: (f: Finding[]) => void): string | undefined {
  if (value === '') return undefined
  // Whatever else is wrong with it, a user name or password in it is never shown.
  const shown = hideUserinfo(value)
  let url: URL
  try {
    url = new URL(value)
  } catch {
    report([
      diagnose('bad-option', {
        input: 'api_url',
        value: shown,
        expected: `a URL such as ${DEFAULT_API_URL}`
      })
    ])
    return undefined
  }
  if (url.username || url.password || url.search || url.hash) {
    // A query may carry a key as well: none of the three is shown, only that it is there.
    const userinfo = url.username || url.password ? '***@' : ''
    const rest = `${url.search ? '?…' : ''}${url.hash ? '#…' : ''}`
    report([
      diagnose('bad-option', {
        input: 'api_url',
        value: `${url.protocol}//${userinfo}${url.host}${url.pathname}${rest}`,
        expected: 'a URL without a user name, password, query or fragment'
      })
    ])
    return undefined
  }
  const loopback = isLoopbackHost(url.hostname)
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    const expected = 'an https:// URL (plain http:// is accepted only for loopback hosts such as 127.0.0.1)'
    report([diagnose('bad-option', { input: 'api_url', value: shown, expected })])
    return undefined
  }
  return url.href.replace(/\/+$/, '')
}

function describeFsError(e: unknown): string {
  // Whatever was thrown, even a non-Error, ends up as words rather than a second exception.
  const code = e instanceof Error ? (e as NodeJS.ErrnoException).code : undefined
  if (code === 'ENOENT') return 'no such file'
  if (code === 'EISDIR') return 'it is a folder'
  if (code === 'EACCES') return 'permission denied'
  return e instanceof Error ? e.message : String(e)
}
