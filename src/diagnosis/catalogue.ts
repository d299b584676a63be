// The catalogue of every mistake and failure the action knows how to explain.
// Each entry is data: the code looks entries up by id, the tests check them, and docs/troubleshooting.md
// is generated from them (scripts/troubleshooting.ts).
import type { Finding, FindingTally } from '../types.js'
import { count, grouped } from '../words.js'
import { ACTION_DOOR, type Door } from './door.js'

export type Severity = 'error' | 'warning' | 'notice'

export interface Diagnosis<P> {
  /** The title in the action's words: annotations, the summary and the troubleshooting page use it. */
  title: string
  /** The title in the words of a front door; it gives `title` in the action's. */
  heading: (door: Door) => string
  severity: Severity
  /** When it happens, in a line, for the troubleshooting page. */
  cause: string
  /** How it is found: from the input's shape before any request, or from Cloudflare's answer. */
  detection: string
  /** What to do, in a line, for the troubleshooting page. */
  fix: string
  /** Where to read more: an https URL, or a page of this repository as a path from its root (`README.md#inputs`). */
  docs: string
  /** The text for one occurrence, in the words of the front door that runs (./door.ts). */
  message: (p: P, door: Door) => string
}

const DOCS = {
  createToken: 'https://developers.cloudflare.com/fundamentals/api/get-started/create-token/',
  accountTokens: 'https://developers.cloudflare.com/fundamentals/api/get-started/account-owned-tokens/',
  keys: 'https://developers.cloudflare.com/fundamentals/api/get-started/keys/',
  ids: 'https://developers.cloudflare.com/fundamentals/setup/find-account-and-zone-ids/',
  purge: 'https://developers.cloudflare.com/cache/how-to/purge-cache/',
  purgeFiles: 'https://developers.cloudflare.com/cache/how-to/purge-cache/purge-by-single-file/',
  purgePrefix: 'https://developers.cloudflare.com/cache/how-to/purge-cache/purge_by_prefix/',
  purgeTags: 'https://developers.cloudflare.com/cache/how-to/purge-cache/purge-by-tags/',
  limits: 'https://developers.cloudflare.com/fundamentals/api/reference/limits/',
  originCa: 'https://developers.cloudflare.com/ssl/origin-configuration/origin-ca/',
  status: 'https://www.cloudflarestatus.com/',
  ghSecrets:
    'https://docs.github.com/en/actions/security-for-github-actions/security-guides/using-secrets-in-github-actions',
  ghDebug:
    'https://docs.github.com/en/actions/monitoring-and-troubleshooting-workflows/troubleshooting-workflows/enabling-debug-logging',
  inputs: 'README.md#inputs',
  changedPaths: 'docs/zones-and-changed-paths.md#purge-exactly-what-a-push-changed',
  ghToken:
    'https://docs.github.com/en/actions/security-for-github-actions/security-guides/automatic-token-authentication',
  ghCompare: 'https://docs.github.com/en/rest/commits/commits#compare-two-commits',
  invalidate: 'https://developers.cloudflare.com/cache/guides/invalidate-cache/',
  invalidateEnvironment:
    'https://developers.cloudflare.com/api/resources/cache/methods/invalidate_environment/',
  purgeEnvironments: 'https://developers.cloudflare.com/cache/how-to/purge-cache/purge-zone-versions/',
  enableVersioning: 'https://developers.cloudflare.com/version-management/how-to/enable/',
  verify: 'README.md#check-the-purge-at-the-edge',
  verifyCheck: 'https://developers.cloudflare.com/cache/how-to/purge-cache/',
  cacheStatus: 'https://developers.cloudflare.com/cache/concepts/cache-responses/',
  proxied: 'https://developers.cloudflare.com/dns/proxy-status/'
} as const

const TOKEN_PERMISSIONS = 'Zone → Cache Purge → Purge (and Zone → Zone → Read to use zone names)'

/** An entry as written: a fixed title, or a heading that names inputs through the door. */
type Entry<P> = Omit<Diagnosis<P>, 'title' | 'heading'> &
  ({ title: string; heading?: never } | { heading: (door: Door) => string; title?: never })

function entry<P = Record<string, never>>(d: Entry<P>): Diagnosis<P> {
  const heading = d.heading ?? ((): string => d.title as string)
  return { ...d, heading, title: heading(ACTION_DOOR) }
}

/** "example.com", "example.com and example.net", "a, b and c". */
function listWords(items: string[]): string {
  return items.length <= 1
    ? (items[0] ?? '')
    : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1] as string}`
}

/** "45 seconds", "about 5 minutes": how long Cloudflare asked to wait, in words. */
export function describeWait(seconds: number): string {
  if (seconds < 120) return count(seconds, 'second')
  return `about ${Math.round(seconds / 60)} minutes`
}

/** "45 s", "60 min", "3 h": a duration short enough to read beside another one. */
export function shortDuration(seconds: number): string {
  if (seconds < 120) return `${seconds} s`
  if (seconds < 2 * 3600) return `${Math.round(seconds / 60)} min`
  return `${Math.round(seconds / 3600)} h`
}

/** "5 minutes", "90 seconds": the length of a rate-limit window. */
function windowWords(seconds: number): string {
  return seconds % 60 === 0 ? count(seconds / 60, 'minute') : count(seconds, 'second')
}

/** An input's name without its backquotes, before a quoted value: files_from "urls.txt". */
const bare = (name: string): string => name.replace(/`/g, '')

/** An input named in a title: bare in the action's ("files"), as the command line gives it ("--files"). */
const titled = (door: Door, input: string): string => bare(door.input(input))

/** Where items were read: an input ("`tags`"), or the file that `files_from` names. */
function source(input: string, file: string | undefined, door: Door): string {
  return file === undefined ? door.input(input) : `the file ${file} (${door.input(input)})`
}

/** " and 3 more" after the examples named, when there are more. */
const more = (n: number, examples: string[], where = ''): string =>
  n > examples.length ? ` and ${grouped(n - examples.length)} more${where}` : ''

export const catalogue = {
  // ── Inputs ────────────────────────────────────────────────────────────────
  'no-credential': entry({
    title: 'Missing credential',
    severity: 'error',
    cause: 'Neither `api_token` nor `email` + `global_key` is set.',
    detection: 'input, before any request',
    fix: 'Pass an API token from a secret: `api_token: ${{ secrets.CLOUDFLARE_API_TOKEN }}`.',
    docs: DOCS.createToken,
    message: (_, door) =>
      `No Cloudflare credential was given. Set ${door.input('api_token')} to an API token with ` +
      `${TOKEN_PERMISSIONS}, ${door.passSecret('api_token')}`
  }),
  'both-credentials': entry({
    title: 'Two credentials given',
    severity: 'error',
    cause: '`api_token` and `global_key` are both set.',
    detection: 'input, before any request',
    fix: 'Keep one: preferably `api_token`, and remove `email` and `global_key`.',
    docs: DOCS.createToken,
    message: (_, door) =>
      `Both ${door.input('api_token')} and ${door.input('global_key')} are set, so it is unclear which one to use. Keep ${door.input('api_token')} ` +
      `(a scoped token is safer) and remove ${door.input('email')} and ${door.input('global_key')}, or the reverse.`
  }),
  'incomplete-global-key': entry<{ missing: 'email' | 'global_key' }>({
    title: 'Incomplete Global API Key credential',
    severity: 'error',
    cause: '`email` without `global_key`, or `global_key` without `email`.',
    detection: 'input, before any request',
    fix: 'Set both `email` and `global_key`, or use `api_token` instead.',
    docs: DOCS.keys,
    message: ({ missing }, door) =>
      missing === 'email'
        ? `${door.input('global_key')} is set but ${door.input('email')} is empty. A Global API Key only works together with the email ` +
          `address of the Cloudflare account it belongs to: set ${door.input('email')}, or better use ${door.input('api_token')}.`
        : `${door.input('email')} is set but ${door.input('global_key')} is empty. Set ${door.input('global_key')} to the Global API Key of that ` +
          `account, or drop ${door.input('email')} and use ${door.input('api_token')}.`
  }),
  'bad-email': entry({
    heading: (door) => `Invalid input: ${titled(door, 'email')}`,
    severity: 'error',
    cause: '`email` is not an email address.',
    detection: 'input, before any request',
    fix: 'Set `email` to the address you log in to Cloudflare with.',
    docs: DOCS.keys,
    message: (_, door) =>
      `${door.input('email')} is not an email address (expected something like name@example.com). The Global API Key ` +
      'is sent with the email address you log in to Cloudflare with.'
  }),
  'bearer-prefix': entry<{ input: string }>({
    title: 'Token starts with "Bearer "',
    severity: 'warning',
    cause: 'The secret holds `Bearer <token>` rather than the token alone.',
    detection: 'input, before any request; the action strips it and goes on',
    fix: 'Store only the token in the secret; the action adds `Bearer` itself.',
    docs: DOCS.createToken,
    message: ({ input }, door) =>
      `${door.input(input)} starts with "Bearer ". ${door.Self} adds that word itself, so it was removed and the ` +
      `run goes on. Store only the token in ${door.secret} to silence this warning.`
  }),
  'secret-padding': entry<{ input: string }>({
    title: 'Spaces or quotes around a secret',
    severity: 'warning',
    cause: 'The secret was pasted with surrounding quotes, spaces or a line break.',
    detection: 'input, before any request; the action trims it and goes on',
    fix: 'Save the secret again without quotes, spaces or a trailing line break.',
    docs: DOCS.ghSecrets,
    message: ({ input }, door) =>
      `${door.input(input)} has quotes, spaces or a line break around it (often from copying out of a terminal). ` +
      `They were removed and the run goes on; save ${door.secret} again without them.`
  }),
  'secret-inner-space': entry<{ input: string }>({
    title: 'Secret contains spaces',
    severity: 'error',
    cause: 'The secret has whitespace or a line break inside it, so it cannot be the credential.',
    detection: 'input, before any request',
    fix: 'Copy the credential again from the Cloudflare dashboard; it is one word.',
    docs: DOCS.ghSecrets,
    message: ({ input }, door) =>
      `${door.input(input)} contains spaces or a line break inside it, so it is not a single credential (perhaps ` +
      'two values were pasted, or a label was copied along). Copy it again from the Cloudflare dashboard.'
  }),
  'secret-bad-characters': entry<{ input: string }>({
    title: 'Secret has unexpected characters',
    severity: 'error',
    cause: 'The secret has characters that Cloudflare credentials never contain.',
    detection: 'input, before any request',
    fix: 'Copy the credential again from the Cloudflare dashboard.',
    docs: DOCS.ghSecrets,
    message: ({ input }, door) =>
      `${door.input(input)} contains characters that Cloudflare API tokens and keys never contain (they use ` +
      'only letters, digits, "-" and "_"). Copy the credential again from the Cloudflare dashboard.'
  }),
  'global-key-as-token': entry({
    heading: (door) => `Global API Key given as ${titled(door, 'api_token')}`,
    severity: 'error',
    cause: '`api_token` holds what looks like a Global API Key (37–45 hex characters, or `cfk_…`).',
    detection: 'input, before any request',
    fix: 'Create an API token and use it as `api_token`, or move the key to `global_key` with `email`.',
    docs: DOCS.createToken,
    message: (_, door) =>
      `${door.input('api_token')} looks like a Global API Key, not an API token, and Cloudflare would answer ` +
      '"Invalid format for Authorization header". Create an API token with ' +
      `${TOKEN_PERMISSIONS} and pass that as ${door.input('api_token')}; or, if you mean to use the legacy key, ` +
      `pass it as ${door.input('global_key')} together with ${door.input('email')}.`
  }),
  'token-as-global-key': entry({
    heading: (door) => `API token given as ${titled(door, 'global_key')}`,
    severity: 'error',
    cause: '`global_key` holds what looks like an API token.',
    detection: 'input, before any request',
    fix: 'Pass it as `api_token` and remove `email` and `global_key`.',
    docs: DOCS.createToken,
    message: (_, door) =>
      `${door.input('global_key')} looks like an API token, not a Global API Key, and Cloudflare would answer ` +
      `"Invalid format for X-Auth-Key header". Pass it as ${door.input('api_token')} instead and remove ${door.input('email')} and ${door.input('global_key')}.`
  }),
  'origin-ca-key': entry<{ input: string }>({
    title: 'Origin CA key given',
    severity: 'error',
    cause: 'A secret starts with `v1.0-`: an Origin CA key, which can only manage origin certificates.',
    detection: 'input, before any request',
    fix: 'Create an API token with Zone → Cache Purge → Purge and use it as `api_token`.',
    docs: DOCS.originCa,
    message: ({ input }, door) =>
      `${door.input(input)} is an Origin CA key (it starts with "v1.0-"). Those keys only manage origin ` +
      `certificates and cannot purge the cache. Create an API token with ${TOKEN_PERMISSIONS} and pass it ` +
      `as ${door.input('api_token')}.`
  }),
  'id-as-secret': entry<{ input: 'api_token' | 'global_key' }>({
    title: 'ID given as a secret',
    severity: 'error',
    cause: 'A secret is 32 hex characters: a Zone ID, Account ID or token ID, not a credential.',
    detection: 'input, before any request',
    fix: 'Put the credential itself in the secret, and the Zone ID in `zone`.',
    docs: DOCS.ids,
    message: ({ input }, door) =>
      `${door.input(input)} is 32 hex characters: that is an ID (a Zone ID, an Account ID or an API token's ID), not ` +
      'a credential. ' +
      (input === 'api_token'
        ? `Put the API token itself in ${door.secret} (Cloudflare shows it once, when the token is created) `
        : `Put the Global API Key itself in ${door.secret} (My Profile → API Tokens → Global API Key → View) `) +
      `and the Zone ID in ${door.input('zone')}.`
  }),
  'bad-zone': entry<{ value: string; reason: string }>({
    heading: (door) => `Invalid input: ${titled(door, 'zone')}`,
    severity: 'error',
    cause: '`zone` is neither a zone ID (32 hex characters) nor a domain name.',
    detection: 'input, before any request',
    fix: "Use the Zone ID from the zone's Overview page in the dashboard, or the domain name.",
    docs: DOCS.ids,
    message: ({ value, reason }) =>
      `zone "${value}" ${reason}. Use the Zone ID shown on the zone's Overview page (32 hex characters), ` +
      'or the domain name such as example.com.'
  }),
  'no-zone': entry<{ what: 'tags' | 'purge_everything' }>({
    heading: (door) => `Missing input: ${titled(door, 'zone')}`,
    severity: 'error',
    cause:
      '`zone` is empty and there are no URLs, hosts or prefixes to find it from: tags and `purge_everything` belong to no hostname.',
    detection: 'input, before any request (or once the changed files are listed)',
    fix: 'Set `zone` to the Zone ID or the domain name.',
    docs: DOCS.ids,
    message: ({ what }, door) =>
      (what === 'tags'
        ? `${door.input('zone')} is empty and cache tags belong to no hostname, so it is not known which zone to purge them in. `
        : `${door.input('zone')} is empty, so it is not known which zone ${door.input('purge_everything')} should empty. `) +
      `Set ${door.input('zone')} to the Zone ID (32 hex characters, on the zone's Overview page) or to the domain name, such ` +
      `as example.com. (Only URLs, hosts and prefixes can go without ${door.input('zone')}: their zone is found from their hostname.)`
  }),
  'bad-account-id': entry<{ value: string }>({
    heading: (door) => `Invalid input: ${titled(door, 'account_id')}`,
    severity: 'error',
    cause: '`account_id` is not 32 hex characters.',
    detection: 'input, before any request',
    fix: 'Copy the Account ID from the dashboard, or leave `account_id` empty.',
    docs: DOCS.ids,
    message: ({ value }, door) =>
      `account_id "${value}" is not an Account ID (32 hex characters). Copy it from the dashboard's ` +
      `account home, or leave ${door.input('account_id')} empty: it is only needed for account-owned tokens.`
  }),
  'bad-option': entry<{ input: string; value: string; expected: string }>({
    title: 'Invalid input',
    severity: 'error',
    cause:
      'An option such as `purge_everything`, `dry_run`, `batch_size`, `timeout` or `api_url` has a value of the wrong form.',
    detection: 'input, before any request',
    fix: 'Use the form given in the message.',
    docs: DOCS.inputs,
    message: ({ input, value, expected }, door) =>
      `${door.input(input)} is "${value}", but it must be ${expected}.`
  }),
  'nothing-to-purge': entry({
    title: 'Nothing to purge',
    severity: 'error',
    cause: 'No `files`, `tags`, `hosts` or `prefixes`, and `purge_everything` is not `true`.',
    detection: 'input, before any request',
    fix: 'Give the items to purge, or set `purge_everything: true` to purge the whole zone.',
    docs: DOCS.purge,
    message: (_, door) =>
      `Nothing to purge: ${door.input('files')}, ${door.input('files_from')}, ${door.input('tags')}, ${door.input('hosts')} and ${door.input('prefixes')} are all empty. List what to purge, ` +
      `or set ${door.set('purge_everything', 'true')} to purge the whole zone (never implied). If the list comes from an ` +
      'earlier step, check that step produced it.'
  }),
  'lists-empty': entry({
    title: 'Nothing to purge in the lists given',
    severity: 'notice',
    cause:
      'Item inputs are set, but hold no item: an empty `files_from` file, `[]`, or only blank and comment lines.',
    detection: 'input, before any request; the run succeeds without sending anything',
    fix: 'Nothing needed when the list is empty on purpose (a deploy that changed nothing); otherwise check the step that wrote it.',
    docs: DOCS.inputs,
    message: (_, door) =>
      `The item inputs are set but hold no item (an empty ${door.input('files_from')} file, \`[]\`, or only blank or comment ` +
      'lines), so nothing was purged and no request was sent. If the list comes from an earlier step, check ' +
      'that step produced it.'
  }),
  'everything-with-items': entry({
    heading: (door) => `${titled(door, 'purge_everything')} with items`,
    severity: 'error',
    cause: '`purge_everything: true` together with files, tags, hosts or prefixes.',
    detection: 'input, before any request',
    fix: 'Remove either `purge_everything` or the item lists.',
    docs: DOCS.purge,
    message: (_, door) =>
      `${door.input('purge_everything')} is true and items are listed too. Purging everything already removes them; ` +
      `remove the item lists, or remove ${door.input('purge_everything')} to purge only the listed items.`
  }),
  'relative-url': entry<{ value: string; suggestion?: string }>({
    heading: (door) => `Invalid input: ${titled(door, 'files')}`,
    severity: 'error',
    cause: 'A file is a path or a URL without a scheme; Cloudflare needs full URLs.',
    detection: 'input, before any request',
    fix: 'Write each file as a full URL with scheme, such as `https://example.com/app.css`.',
    docs: DOCS.purgeFiles,
    message: ({ value, suggestion }) =>
      `"${value}" is not a full URL. Cloudflare purges files by their full URL including the scheme, ` +
      'because the scheme is part of the cache key: write ' +
      (suggestion
        ? `"${suggestion}".`
        : `"https://<your domain>${value.startsWith('/') ? '' : '/'}${value}" (the zone's domain or a subdomain of it).`)
  }),
  'bad-url': entry<{ value: string; reason: string }>({
    heading: (door) => `Invalid input: ${titled(door, 'files')}`,
    severity: 'error',
    cause: 'A file is not a valid http(s) URL, or uses a wildcard.',
    detection: 'input, before any request',
    fix: 'Use full http(s) URLs; to purge a folder, use `prefixes`.',
    docs: DOCS.purgeFiles,
    message: ({ value, reason }) => `"${value}" cannot be purged as a file: ${reason}.`
  }),
  'bad-files-json': entry<{ input: string; file?: string; reason: string }>({
    heading: (door) => `Invalid input: ${titled(door, 'files')}`,
    severity: 'error',
    cause:
      '`files` (or the `files_from` file) starts with `[` or `{` but is not a valid JSON array of URLs and `{url, headers}` objects.',
    detection: 'input, before any request',
    fix: 'Fix the JSON, or list plain URLs one per line.',
    docs: DOCS.purgeFiles,
    message: ({ input, file, reason }, door) =>
      `${source(input, file, door)} starts with "[" or "{" so it was read as JSON, but ${reason}. Expected a JSON array whose items are ` +
      'URL strings or objects like {"url": "https://example.com/a", "headers": {"CF-IPCountry": "US"}}; ' +
      'or list plain URLs, one per line.'
  }),
  'files-from-unreadable': entry<{ path: string; reason: string }>({
    heading: (door) => `Invalid input: ${titled(door, 'files_from')}`,
    severity: 'error',
    cause: 'The file named by `files_from` is missing or unreadable.',
    detection: 'input, before any request',
    fix: 'Check the path (relative to the workspace) and that an earlier step wrote the file.',
    docs: DOCS.inputs,
    message: ({ path, reason }, door) =>
      `${bare(door.input('files_from'))} "${path}" cannot be read (${reason}). ${door.filesFromBase}`
  }),
  'files-from-outside-workspace': entry<{ path: string }>({
    heading: (door) => `Invalid input: ${titled(door, 'files_from')}`,
    severity: 'error',
    cause:
      '`files_from` names a file outside the workspace (an absolute path elsewhere, `../`, or a link out of it).',
    detection: 'input, before any request',
    fix: 'Write the list inside the workspace (GITHUB_WORKSPACE) and give its path relative to it.',
    docs: DOCS.inputs,
    message: ({ path }, door) =>
      `${bare(door.input('files_from'))} "${path}" is outside the workspace (GITHUB_WORKSPACE), so it was not read: the action reads ` +
      'only files inside it, so that no other file of the runner can end up in the log. Have the step that ' +
      'writes the list write it inside the workspace, and give its path relative to it (such as urls.txt).'
  }),
  'files-not-urls': entry<{ input: string; file: string; lines: number[]; start: string }>({
    heading: (door) => `Invalid input: ${titled(door, 'files_from')}`,
    severity: 'error',
    cause: 'The `files_from` file has lines that are not URLs: often a different file given by mistake.',
    detection: 'input, before any request; the lines themselves are never shown',
    fix: 'Check that `files_from` names the list of URLs, one full URL (https://…) per line.',
    docs: DOCS.inputs,
    message: ({ input, file, lines, start }, door) => {
      const shown =
        lines.slice(0, 10).join(', ') + (lines.length > 10 ? ` and ${grouped(lines.length - 10)} more` : '')
      return (
        `${source(input, file, door)} has ${count(lines.length, 'line')} that ${lines.length === 1 ? 'is' : 'are'} not a full URL ` +
        `(line ${shown}; the first starts "${start}"). They are not shown, in case the file is not the list ` +
        `of URLs but something given by mistake (such as a .env file). Give ${door.input(input)} the file of URLs, one full URL ` +
        '(https://…) per line.'
      )
    }
  }),
  'invisible-characters': entry<{ input: string; found: string[] }>({
    title: 'Characters that do not show',
    severity: 'warning',
    cause:
      'An item input holds characters that do not show, pasted from a document or a chat: a no-break or other Unicode space, a zero-width space or joiner, a byte order mark, a bidirectional mark.',
    detection: 'input, before any request; the run goes on with the items as they look',
    fix: 'Nothing needed; retype the list, or save the file as plain text, to silence this warning.',
    docs: DOCS.inputs,
    message: ({ input, found }, door) =>
      `${door.input(input)} holds characters that do not show (${listWords(found)}), as text pasted from a document ` +
      'or a chat does. Spaces among them were read as spaces and the others removed, so the items are purged ' +
      'as they look. Retype the list, or save the file as plain text, to silence this warning.'
  }),
  'bad-prefix': entry<{ value: string; reason: string; suggestion?: string }>({
    heading: (door) => `Invalid input: ${titled(door, 'prefixes')}`,
    severity: 'error',
    cause: 'A prefix has a scheme, a query string, a fragment, no host, or too many path segments.',
    detection: 'input, before any request',
    fix: 'Write prefixes as `host/path`, such as `www.example.com/blog/`.',
    docs: DOCS.purgePrefix,
    message: ({ value, reason, suggestion }) =>
      `prefix "${value}" ${reason}. Prefixes are written as host/path without a scheme` +
      (suggestion ? `: write "${suggestion}".` : ', such as www.example.com/blog/.')
  }),
  'bad-tag': entry<{ value: string; reason: string }>({
    heading: (door) => `Invalid input: ${titled(door, 'tags')}`,
    severity: 'error',
    cause: 'A tag has spaces or non-printable characters, or is longer than 1,024 characters.',
    detection: 'input, before any request',
    fix: 'Use tags of printable ASCII without spaces, separated by commas or newlines.',
    docs: DOCS.purgeTags,
    message: ({ value, reason }) =>
      `tag "${value}" ${reason}. Cache tags are printable ASCII without spaces, at most 1,024 characters; ` +
      'separate several tags with commas or newlines.'
  }),
  'bad-host': entry<{ value: string; reason: string; suggestion?: string }>({
    heading: (door) => `Invalid input: ${titled(door, 'hosts')}`,
    severity: 'error',
    cause: 'A host is not a bare hostname (it has a scheme, a path or a port, or is not a valid name).',
    detection: 'input, before any request',
    fix: 'Write hosts as bare hostnames, such as `www.example.com`.',
    docs: DOCS.purge,
    message: ({ value, reason, suggestion }) =>
      `host "${value}" ${reason}. Hosts are bare hostnames` +
      (suggestion ? `: write "${suggestion}".` : ', such as www.example.com.')
  }),
  'urls-joined-by-commas': entry<{ example: string }>({
    title: 'URLs joined by commas',
    severity: 'error',
    cause:
      '`files` (or the `files_from` file) has a comma directly before another URL, with no space: several URLs joined, or one whose query holds a URL.',
    detection: 'input, before any request',
    fix: 'Put a space or a line break after each comma; for one URL whose query holds ",https://", use a JSON array.',
    docs: DOCS.inputs,
    message: ({ example }) =>
      `"${example}" has a comma directly before another URL. It may be several URLs joined by commas, or one ` +
      'URL whose query holds a URL, and purging the wrong one purges nothing: put a space or a line break after ' +
      'each comma to list several, or give the one URL in a JSON array (["https://…"]), where it is unambiguous.'
  }),
  'items-joined-by-spaces': entry<{ input: 'hosts' | 'prefixes'; value: string; suggestion: string }>({
    title: 'Items joined by spaces',
    severity: 'error',
    cause: 'A `hosts` or `prefixes` value holds several items separated by spaces.',
    detection: 'input, before any request',
    fix: 'Separate hosts and prefixes with commas or newlines.',
    docs: DOCS.inputs,
    message: ({ input, value, suggestion }, door) =>
      `${door.input(input)} has "${value}": items in ${door.input(input)} are separated by commas or newlines, not spaces. ` +
      `Write "${suggestion}", or one per line.`
  }),
  'inline-comment': entry<{ input: string; file?: string; text: string }>({
    title: 'Comment after an item',
    severity: 'error',
    cause: 'A list has "#" after an item on the same line: only a line that starts with "#" is a comment.',
    detection: 'input, before any request',
    fix: 'Put the comment on a line of its own.',
    docs: DOCS.inputs,
    message: ({ input, file, text }, door) =>
      `${source(input, file, door)} has "${text}", with "#" after other text. Only a line whose first non-blank character is "#" ` +
      'is a comment; elsewhere "#" is part of the item. Put the comment on a line of its own.'
  }),
  'comment-only-input': entry<{ input: string; line: string }>({
    title: 'Input is only a comment',
    severity: 'error',
    cause:
      'A list input is a single line that starts with "#", so all of it is a comment and nothing is purged.',
    detection: 'input, before any request',
    fix: 'Put an item before the one that starts with "#" (`news, #blog`), or remove the "#".',
    docs: DOCS.inputs,
    message: ({ input, line }, door) =>
      `${door.input(input)} is "${line}": a line whose first non-blank character is "#" is a comment, so nothing in it ` +
      `would be purged. If "#" is part of the first item (a tag such as #blog), put another item before it on ` +
      'the line ("news, #blog"); otherwise remove the "#".'
  }),
  'url-credentials': entry<{ value: string; suggestion: string }>({
    title: 'User name or password in a URL',
    severity: 'error',
    cause: 'A URL to purge has a user name or password in it (`https://user:password@host/…`).',
    detection: 'input, before any request (or once the changed files are listed)',
    fix: 'Remove the user name and password from the URL; they are never part of what Cloudflare caches.',
    docs: DOCS.purgeFiles,
    message: ({ value, suggestion }) =>
      `"${value}" has a user name or password in it (hidden here). Browsers do not send them as part of ` +
      'the URL, so they are never part of what Cloudflare caches, and they would be sent to Cloudflare in ' +
      `the purge request: write "${suggestion}".`
  }),
  'url-fragment': entry<{ count: number; example: string; canonical: string }>({
    title: 'Fragment removed from URLs',
    severity: 'notice',
    cause:
      'A URL to purge has a fragment (`#…`), which browsers never send, so it is never part of a cache key.',
    detection: 'input, before any request; the action removes it and goes on',
    fix: 'Nothing needed; write the URLs without "#…" to silence this notice.',
    docs: DOCS.purgeFiles,
    message: ({ count, example, canonical }) =>
      (count === 1 ? `"${example}" has` : `${grouped(count)} URLs have`) +
      ' a fragment ("#…"), which browsers never send to a server, so it is never part of what Cloudflare ' +
      `caches. It was removed: ${count === 1 ? 'it' : `"${example}", for one,`} is purged as "${canonical}".`
  }),
  'url-normalized': entry<{ count: number; example: string; form: string }>({
    title: 'URLs purged in their normalized form too',
    severity: 'notice',
    cause:
      "A URL's path is written differently from the form Cloudflare's URL normalization gives it (`%7e` for `~`, lower-case escapes, `//`, `|`), so the cache may hold it under either.",
    detection: 'input, before any request; both forms are purged',
    fix: 'Nothing needed; write the URLs in their normalized form to silence this notice.',
    docs: 'docs/zones-and-changed-paths.md#url-normalization',
    message: ({ count, example, form }) =>
      (count === 1 ? `"${example}" is` : `${count} URLs are`) +
      " written differently from the form Cloudflare's URL normalization gives them, which is what the cache " +
      'holds on a zone that normalizes incoming URLs (the default), so both forms are purged: ' +
      `${count === 1 ? 'it' : `"${example}", for one,`} also as "${form}".`
  }),
  'host-in-no-zone': entry<{ host: string; zones: string }>({
    title: 'Host in none of the zones',
    severity: 'error',
    cause: "With several zones, an item's host belongs to none of them.",
    detection: 'input, once the zone names are known',
    fix: 'Add the zone that holds the host to `zone`, or correct the item.',
    docs: DOCS.inputs,
    message: ({ host, zones }, door) =>
      `"${host}" is not in any of the zones given (${zones}), so it is not known where to purge it. Add its ` +
      `zone to ${door.input('zone')}, or correct the item.`
  }),
  'host-in-no-visible-zone': entry<{ host: string; tried: string[] }>({
    title: 'No zone found for a host',
    severity: 'error',
    cause: "`zone` is empty and no zone that the credential can see holds an item's hostname.",
    detection:
      'Cloudflare: `GET /zones?name=` answers an empty list for the hostname and each parent name, before any purge',
    fix: 'Give the token Zone → Zone → Read on that zone, set `zone`, or correct the item.',
    docs: DOCS.createToken,
    message: ({ host, tried }, door) =>
      tried.length === 0
        ? `"${host}" is not a domain name, so no Cloudflare zone can hold it. Nothing was purged; correct the item.`
        : `No zone visible to this credential holds "${host}" (looked up ${tried.map((n) => `"${n}"`).join(', ')}), ` +
          'so it is not known where to purge it, and nothing was purged. Either the token lacks Zone → Zone → Read ' +
          `on that zone (needed to find zones from URLs; or set ${door.input('zone')} to its ID), or the domain is not a zone ` +
          'of this account, or the item is mistyped.'
  }),
  'zone-name-unknown': entry<{ zones: string }>({
    title: 'Zone name unknown',
    severity: 'error',
    cause:
      'Several zones are given, one of them by ID whose name cannot be read (no Zone → Zone → Read), and there are URLs, hosts or prefixes to place.',
    detection: 'Cloudflare: `GET /zones/{id}` refused for a zone given by ID, before any purge',
    fix: 'Give the token Zone → Zone → Read on that zone, or purge each zone in its own step.',
    docs: DOCS.createToken,
    message: ({ zones }, door) =>
      `Several zones are given, and the name of ${zones} cannot be read with this credential (the token has no ` +
      'Zone → Zone → Read on it), so it is not known which URLs, hosts and prefixes belong to it. Nothing was ' +
      'purged rather than guess. Give the token Zone → Zone → Read on that zone, or purge each zone in its own ' +
      `step (a step with a single zone needs no name). Tags and ${door.input('purge_everything')} need no name: they go to every zone.`
  }),
  'bad-changed-paths': entry<{ line: string; reason: string }>({
    title: 'Invalid input: changed_paths',
    severity: 'error',
    cause: 'A line of `changed_paths` is not `folder/ => https://host/path/`.',
    detection: 'input, before any request',
    fix: 'Write one mapping per line: a folder of the repository, `=>`, and the URL it is published at.',
    docs: DOCS.changedPaths,
    message: ({ line, reason }) =>
      `changed_paths line "${line}" ${reason}. Each line maps a folder of the repository to the URL it is ` +
      'published at, such as "public/ => https://example.com/".'
  }),
  'no-github-token': entry({
    title: 'Missing input: github_token',
    severity: 'error',
    cause: '`changed_paths` is set but `github_token` is empty.',
    detection: 'input, before any request',
    fix: 'Leave `github_token` out to use the workflow token, or pass a token that can read the repository.',
    docs: DOCS.ghToken,
    message: (_, door) =>
      `${door.input('changed_paths')} is set but ${door.input('github_token')} is empty, so the changed files cannot be listed. Leave ` +
      `${door.input('github_token')} out (it defaults to the workflow token, \`\${{ github.token }}\`), or pass a token that can ` +
      "read this repository's contents."
  }),
  'refs-ignored': entry({
    title: 'base and head ignored',
    severity: 'warning',
    cause: '`base` or `head` is set without `changed_paths`.',
    detection: 'input, before any request',
    fix: 'Set `changed_paths`, or remove `base` and `head`.',
    docs: DOCS.changedPaths,
    message: (_, door) =>
      `${door.input('base')} and ${door.input('head')} choose the commits whose changed files are purged, but ${door.input('changed_paths')} is empty, so ` +
      `they are ignored. Set ${door.input('changed_paths')}, or remove ${door.input('base')} and ${door.input('head')}.`
  }),
  'outside-zone': entry<{
    kind: 'hosts' | 'prefixes'
    host: string
    count: number
    example: string
    zone: string
  }>({
    title: 'Item not on this zone',
    severity: 'warning',
    cause: "A host's or prefix's hostname is neither the zone's domain nor a subdomain of it.",
    detection: 'input, once the zone name is known (one warning per hostname and kind of item)',
    fix: 'Check the items and the zone; such items are sent, but nothing of them is cached in this zone.',
    docs: DOCS.purge,
    message: ({ kind, host, count, example, zone }) => {
      const noun = { hosts: ['host', 'hosts'], prefixes: ['prefix', 'prefixes'] }[kind]
      const subject =
        count === 1
          ? `${noun[0]} "${example}" is`
          : `${grouped(count)} ${noun[1]} on ${host} (such as "${example}") are`
      const them = count === 1 ? 'it' : 'them'
      return (
        `${subject} not on ${zone} or one of its subdomains. ${count === 1 ? 'It is' : 'They are'} sent as ` +
        `asked, but nothing of ${them} is cached in this zone, so purging ${them} there does nothing. Check ` +
        `the ${noun[1]} or the zone.`
      )
    }
  }),
  'outside-zone-refused': entry<{ host: string; count: number; example: string; zone: string }>({
    title: 'URL not on this zone',
    severity: 'error',
    cause:
      "A URL's hostname is neither the zone's domain nor a subdomain of it: Cloudflare refuses it (1082).",
    detection:
      'input, once the zone name is known (one error per hostname); such URLs are not sent, the other items are',
    fix: 'Set `zone` to the zone that serves the URL (or several zones), or correct the URL.',
    docs: DOCS.purge,
    message: ({ host, count, example, zone }, door) =>
      `${count === 1 ? `"${example}" is` : `${count} URLs on ${host} (such as "${example}") are`} not on ${zone} ` +
      'or one of its subdomains, and Cloudflare refuses URLs of other domains ("You can only purge files for ' +
      `this zone", code 1082), so ${count === 1 ? 'it was' : 'they were'} not sent (listed in ${door.failedItems}); ` +
      `the other items were. Add the zone that serves them to ${door.input('zone')}, or correct the URLs.`
  }),

  // ── Credential verification ───────────────────────────────────────────────
  'token-invalid': entry<{ accountId?: string; maybeAccountOwned?: boolean }>({
    title: 'API token not recognised',
    severity: 'error',
    cause:
      'Cloudflare answers 1000 "Invalid API Token" at the user verify endpoint and, when an account is known, at the account one.',
    detection:
      'Cloudflare: 1000 at `/user/tokens/verify` and `/accounts/{id}/tokens/verify` (the account one is skipped for a `cfut_` user token)',
    fix: 'Create a new token (it may have been deleted or rolled) and update the secret; for an account-owned token check `account_id`.',
    docs: DOCS.createToken,
    message: ({ accountId, maybeAccountOwned }, door) =>
      (accountId
        ? 'Cloudflare does not recognise this API token ("Invalid API Token"), neither as a user token nor ' +
          `under account ${accountId}. If it is account-owned, check ${door.input('account_id')}; otherwise it `
        : maybeAccountOwned
          ? 'Cloudflare does not recognise this API token as a user token ("Invalid API Token"). If it is ' +
            `account-owned (Manage Account → API Tokens), set ${door.input('account_id')}; otherwise it `
          : 'Cloudflare does not recognise this API token ("Invalid API Token"): it ') +
      `was deleted, rolled or copied incompletely. Create a token with ${TOKEN_PERMISSIONS} and update ${door.secret}.`
  }),
  'token-inactive': entry<{ status: string; date?: string }>({
    title: 'API token not active',
    severity: 'error',
    cause: 'Cloudflare says the token is disabled or expired.',
    detection: 'Cloudflare: token verify answers status `disabled` or `expired`',
    fix: 'Enable the token, extend its expiry, or roll a new one in the dashboard.',
    docs: DOCS.createToken,
    message: ({ status, date }, door) =>
      status === 'expired'
        ? `This API token expired${date ? ` on ${date}` : ''}. Create a new token (or edit its TTL) and update ${door.secret}.`
        : `This API token is ${status}. Enable it in My Profile → API Tokens, or create a new one and update ${door.secret}.`
  }),
  'token-not-yet-valid': entry<{ date: string }>({
    title: 'API token not valid yet',
    severity: 'error',
    cause: "The token's start date (`not_before`) is in the future.",
    detection: 'Cloudflare: token verify answers a future `not_before`',
    fix: "Wait for the start date, or edit the token's TTL.",
    docs: DOCS.createToken,
    message: ({ date }) =>
      `This API token only becomes valid on ${date}. Edit its TTL in My Profile → API Tokens, or wait until then.`
  }),
  'token-expiry-passed': entry<{ date: string }>({
    title: 'API token past its expiry date',
    severity: 'warning',
    cause: "Cloudflare says the token is active, but its `expires_on` has passed by the runner's clock.",
    detection: 'Cloudflare: token verify answers status `active` with an `expires_on` in the past',
    fix: "Check the token's expiry in My Profile → API Tokens (and the runner's clock); roll it if it is due.",
    docs: DOCS.createToken,
    message: ({ date }, door) =>
      `Cloudflare says this API token is active, but its expiry date, ${date}, has passed by this ${door.machine}'s ` +
      "clock. The run goes on, on Cloudflare's word. Check the token's expiry in My Profile → API Tokens and " +
      `the ${door.machine}'s clock; if the token is about to stop working, create a new one and update ${door.secret}.`
  }),
  'token-expiring': entry<{ date: string; days: number }>({
    title: 'API token expires soon',
    severity: 'warning',
    cause: 'The token expires within 14 days.',
    detection: 'Cloudflare: token verify answers `expires_on` within 14 days',
    fix: 'Roll or extend the token before it expires.',
    docs: DOCS.createToken,
    message: ({ date, days }, door) =>
      `This API token expires on ${date} (in ${count(days, 'day')}); purges will fail after that. ` +
      `Extend it or create a new one and update ${door.secret}.`
  }),
  'token-ip-restricted': entry<{ detail: string }>({
    title: 'API token refused from this runner',
    severity: 'error',
    cause:
      'The token verifies, but Cloudflare answers 9109 "Invalid access token" to the zone lookup or the purge.',
    detection: 'Cloudflare: 9109 on `/zones` or `purge_cache` after a successful verify',
    fix: "Remove the token's Client IP Address Filtering, or run on a runner with a fixed address.",
    docs: DOCS.createToken,
    message: ({ detail }, door) =>
      `Cloudflare refused the token although it is active: ${detail}. The token probably has a Client IP ` +
      `Address Filter that excludes this ${door.machine}. ${door.addressAdvice}`
  }),
  'account-token-no-account': entry({
    heading: (door) => `Account-owned token: ${titled(door, 'account_id')} needed`,
    severity: 'error',
    cause:
      'An account-owned token (`cfat_…`) can only be verified under its account, and `account_id` is empty while the zone cannot be read to learn it.',
    detection:
      'input shape `cfat_`, Cloudflare: 1000 at `/user/tokens/verify` and no `account.id` from the zone lookup',
    fix: 'Set `account_id` to the Account ID that owns the token, or give the token Zone → Zone → Read.',
    docs: DOCS.accountTokens,
    message: (_, door) =>
      'This is an account-owned API token (it starts with "cfat_"), which Cloudflare verifies only under the ' +
      'account that owns it, and that account could not be learnt from the zone (the token cannot read it). ' +
      `Set ${door.input('account_id')} to the Account ID that owns the token, or give the token Zone → Zone → Read.`
  }),
  'global-key-unknown': entry({
    title: 'Email and Global API Key do not match',
    severity: 'error',
    cause: 'Cloudflare answers 9103 "Unknown X-Auth-Key or X-Auth-Email".',
    detection: 'Cloudflare: 9103 at `/user`',
    fix: 'Use the email you log in with and the Global API Key of that same user; or switch to an API token.',
    docs: DOCS.keys,
    message: (_, door) =>
      'Cloudflare does not know this email and Global API Key together ("Unknown X-Auth-Key or X-Auth-Email"). ' +
      'The key belongs to one user: use the email address that user logs in with, and check the key was not ' +
      `regenerated. Better still, create a scoped API token and pass it as ${door.input('api_token')}.`
  }),
  'email-ignored': entry({
    heading: (door) => `${titled(door, 'email')} ignored`,
    severity: 'warning',
    cause: '`email` is set together with `api_token`.',
    detection: 'input, before any request',
    fix: 'Remove `email`; it is only used with `global_key`.',
    docs: DOCS.inputs,
    message: (_, door) =>
      `${door.input('email')} is set but only works with ${door.input('global_key')}; it is ignored because ${door.input('api_token')} is used. Remove it.`
  }),
  'global-key-in-use': entry({
    title: 'Consider an API token',
    severity: 'notice',
    cause: 'The run uses the Global API Key, which can do anything the user can.',
    detection: 'input',
    fix: 'Create an API token with only Zone → Cache Purge → Purge and use `api_token`.',
    docs: DOCS.createToken,
    message: (_, door) =>
      'This run uses the Global API Key, which can change anything in the account. An API token limited to ' +
      `${TOKEN_PERMISSIONS} on this zone is safer: pass it as ${door.input('api_token')} and remove ${door.input('email')} and ${door.input('global_key')}.`
  }),
  'bad-auth-header': entry<{ detail: string }>({
    title: 'Credential rejected as malformed',
    severity: 'error',
    cause: 'Cloudflare answers 6003 "Invalid request headers" (6111, 6102 or 6103 in its chain).',
    detection: 'Cloudflare: 6003 with 6111 / 6102 / 6103',
    fix: 'Check which secret goes in which input: token in `api_token`, key in `global_key`.',
    docs: DOCS.createToken,
    message: ({ detail }, door) =>
      `Cloudflare could not read the credential: ${detail}. A token goes in ${door.input('api_token')}, a Global API ` +
      `Key in ${door.input('global_key')} with ${door.input('email')}; check that ${door.secret} holds only the credential.`
  }),

  // ── Zone ──────────────────────────────────────────────────────────────────
  'api-url-wrong': entry<{ apiUrl: string }>({
    heading: (door) => `Invalid input: ${titled(door, 'api_url')}`,
    severity: 'error',
    cause:
      '`api_url` is not the API\'s base: Cloudflare answers 7000 "No route for that URI" even to token verification, which every base has (often `/client/v4` is missing).',
    detection:
      'Cloudflare: 7000 on `GET /user/tokens/verify` (or `GET /user`, `GET /zones`), before any purge',
    fix: 'Leave `api_url` out for Cloudflare itself, or end it with `/client/v4`.',
    docs: DOCS.inputs,
    message: ({ apiUrl }, door) =>
      `${door.input('api_url')} is ${apiUrl}, but Cloudflare answers "No route for that URI" (7000) even to the request every ` +
      "API base has (token verification), so it is not the API's base: every request would fail the same way. " +
      `Leave ${door.input('api_url')} out to use https://api.cloudflare.com/client/v4, or give the full base, ending with ` +
      '`/client/v4`.'
  }),
  'zone-invalid-id': entry<{ zone: string }>({
    title: 'Zone ID not recognised',
    severity: 'error',
    cause: 'Cloudflare answers 7003 "Could not route to /zones/…" and the ID is not an account either.',
    detection: 'Cloudflare: 7003 / 7000 on the zone, then `GET /accounts/{id}` finds no account',
    fix: "Copy the Zone ID from the zone's Overview page.",
    docs: DOCS.ids,
    message: ({ zone }) =>
      `Cloudflare has no zone with the ID ${zone}. Copy the Zone ID from the zone's Overview page in the ` +
      'dashboard (right-hand column, under API).'
  }),
  'zone-is-account-id': entry<{ zone: string }>({
    title: 'Account ID used as zone',
    severity: 'error',
    cause: '`zone` is the Account ID, which the dashboard shows right under the Zone ID.',
    detection: 'Cloudflare: 10000 (or 7003) on the zone, then `GET /accounts/{id}` finds an account',
    fix: 'Use the Zone ID (the line above the Account ID on the Overview page).',
    docs: DOCS.ids,
    message: ({ zone }) =>
      `${zone} is an Account ID, not a Zone ID. The dashboard shows both on the zone's Overview page: ` +
      'copy the Zone ID (the line above), or give the domain name instead.'
  }),
  'zone-not-visible': entry<{ zone: string }>({
    title: 'Zone not accessible with this credential',
    severity: 'error',
    cause:
      "Cloudflare answers 10000 for the zone: it does not exist, or is not in the token's Zone Resources.",
    detection: 'Cloudflare: 10000 on `GET /zones/{id}` and on the purge',
    fix: "Add the zone to the token's Zone Resources, or check the Zone ID.",
    docs: DOCS.createToken,
    message: ({ zone }) =>
      `This credential cannot reach zone ${zone} ("Authentication error"). Either the ID is wrong (copy it ` +
      "from the zone's Overview page), or the token's Zone Resources do not include this zone: edit the " +
      'token and include it (Include → Specific zone, or All zones). A Global API Key reaches only the ' +
      "zones of its own user's accounts."
  }),
  'zone-name-not-found': entry<{ tried: string[] }>({
    title: 'Zone not found',
    severity: 'error',
    cause:
      'Looking the name up returns no zone: the token lacks Zone → Zone → Read, its Zone Resources leave the zone out, or the domain is not a zone of the account.',
    detection: 'Cloudflare: `GET /zones?name=` answers an empty list for every candidate',
    fix: 'Give the token Zone → Zone → Read with the zone in its Zone Resources, or use the Zone ID instead of the name.',
    docs: DOCS.createToken,
    message: ({ tried }) =>
      `No zone named ${tried.map((n) => `"${n}"`).join(' or ')} is visible to this credential. To find a zone ` +
      'by name, a token needs Zone → Zone → Read, with that zone in its Zone Resources (a token scoped to other ' +
      'zones does not see it): edit the token and include the zone (Include → Specific zone, or All zones), or ' +
      'pass the Zone ID instead. Otherwise the domain is not a zone in this account.'
  }),
  'zone-name-ambiguous': entry<{ name: string; zones: string[] }>({
    title: 'Two zones of the same name',
    severity: 'error',
    cause:
      'The credential sees more than one zone with this name (a copy added in another account, not yet active or also active), and not exactly one of them is active.',
    detection: 'Cloudflare: `GET /zones?name=` lists the name more than once, before any purge',
    fix: 'Set `zone` to the Zone ID of the zone meant, or remove the other zone.',
    docs: DOCS.ids,
    message: ({ name, zones }, door) =>
      `The credential sees ${zones.length} zones named ${name} (${listWords(zones)}), and not exactly one of ` +
      `them is active, so it is not known which one to purge: nothing was purged. Set ${door.input('zone')} to the Zone ID of ` +
      'the one meant (on its Overview page), or remove the copy you do not use from its account.'
  }),
  'zone-wider-than-named': entry<{ named: string; zone: string }>({
    heading: (door) => `${titled(door, 'purge_everything')} on a hostname`,
    severity: 'error',
    cause:
      '`zone` names a hostname inside a bigger zone (`www.example.com` in `example.com`), and `purge_everything` clears the whole zone.',
    detection: 'Cloudflare: the zone found for the name has a shorter name, before any purge (dry runs too)',
    fix: 'Use `hosts: www.example.com` to clear one hostname, or `zone: example.com` to clear the whole zone.',
    docs: DOCS.purge,
    message: ({ named, zone }, door) =>
      `${door.input('zone')} is ${named}, which is not a zone but a hostname of the zone ${zone}: ${door.input('purge_everything')} would ` +
      `clear the cache of every hostname of ${zone}, not only ${named}. Nothing was purged. To clear ${named} ` +
      `alone, use ${door.set('hosts', named)} instead of ${door.input('purge_everything')}; to clear all of ${zone}, set ` +
      `${door.set('zone', zone)}.`
  }),
  'tags-wider-than-named': entry<{ named: string; zone: string }>({
    title: 'Tags purged in the whole zone',
    severity: 'warning',
    cause:
      '`zone` names a hostname inside a bigger zone (`www.example.com` in `example.com`), and tags are purged in the whole zone.',
    detection: 'Cloudflare: the zone found for the name has a shorter name, before any purge',
    fix: 'Nothing, if the tags are meant for the whole zone; set `zone` to the zone itself to silence this warning.',
    docs: DOCS.purgeTags,
    message: ({ named, zone }, door) =>
      `${door.input('zone')} is ${named}, a hostname of the zone ${zone}, and Cloudflare purges tags in the whole ` +
      `zone: the tagged copies of every hostname of ${zone} are purged, not only those of ${named}. If that is ` +
      `meant, set ${door.set('zone', zone)} to silence this warning.`
  }),
  'host-has-own-zone': entry<{ zone: string; given: string; count: number }>({
    title: 'Items placed in their own zone',
    severity: 'notice',
    cause:
      'Some URLs, hosts or prefixes are on a subdomain that is a zone of its own in the account, below the zone given.',
    detection: 'Cloudflare: `GET /zones?name=` finds the subdomain as a zone, before any purge',
    fix: 'Nothing needed; add the zone to `zone` to silence this notice.',
    docs: 'docs/zones-and-changed-paths.md',
    message: ({ zone, given, count: n }, door) =>
      `${count(n, 'item')} on ${zone} ${n === 1 ? 'was' : 'were'} purged in the zone ${zone}, not in ${given}: ` +
      `${zone} is a zone of its own, and a purge sent to ${given} does not reach what it caches. Add it to ` +
      `${door.input('zone')} to silence this notice.`
  }),
  'zone-unreadable': entry<{ zone: string }>({
    title: 'Zone details not readable',
    severity: 'notice',
    cause:
      'Cloudflare refuses to show the zone (10000): normal for a token without Zone → Zone → Read, and also the answer for a zone outside the Zone Resources or an ID that is no zone.',
    detection: 'Cloudflare: 10000 on `GET /zones/{id}`; the purge decides whether the zone is usable',
    fix: 'Nothing, if the token only lacks Zone → Zone → Read; otherwise the purge fails and says what to fix.',
    docs: DOCS.createToken,
    message: ({ zone }, door) =>
      `Cloudflare did not show zone ${zone} to this credential. That is normal for a token without Zone → Zone → ` +
      "Read, and the purge goes on; but it is also Cloudflare's answer when the zone is outside the token's Zone " +
      'Resources or when no zone has this ID, and then the purge fails and says so. Until then the plan of the zone ' +
      `is unknown, so requests carry no more URLs than every plan accepts; on Enterprise, set ${door.set('batch_size', '500')} or ` +
      'grant Zone → Zone → Read for larger ones.'
  }),

  // ── Changed files ─────────────────────────────────────────────────────────
  'changes-no-range': entry<{ reason: string }>({
    title: 'Changed files unknown',
    severity: 'error',
    cause:
      'With `changed_paths`, the run is not a push (or the push created or deleted the branch) and `base` is empty.',
    detection: 'GitHub: the event name and the push payload (`before`, `after`), before any request',
    fix: 'Run on `push`, or set `base` (and `head`) to the commits to compare.',
    docs: DOCS.changedPaths,
    message: ({ reason }, door) =>
      `The changed files cannot be listed: ${reason}. Nothing was purged (the action never falls back to ` +
      `purging everything). Run the workflow on \`push\`, or set ${door.input('base')} to the commit, tag or branch the site was ` +
      `last deployed from (${door.input('head')} defaults to the commit of this run).`
  }),
  'changes-api-error': entry<{ range: string; detail: string; hint: string }>({
    title: 'Changed files could not be listed',
    severity: 'error',
    cause: "GitHub's compare API refused or failed to list the files changed between the two commits.",
    detection:
      'GitHub: an error answer from `GET /repos/{owner}/{repo}/compare/{base}...{head}` after retries',
    fix: 'Give the job `permissions: contents: read`, check the commits exist, and run again.',
    docs: DOCS.ghToken,
    message: ({ range, detail, hint }) =>
      `GitHub could not list the files changed in ${range} (${detail}). Nothing was purged (the action never ` +
      `falls back to purging everything). ${hint}`
  }),
  'changes-too-many': entry<{ range: string; count: number }>({
    title: 'Too many changed files to list',
    severity: 'error',
    cause: 'The comparison changed 300 files or more: the most GitHub lists, so the list may be incomplete.',
    detection: "GitHub: the compare answer's `files` has 300 entries",
    fix: 'Purge this deploy by `prefixes` or `purge_everything` instead, or deploy in smaller steps.',
    docs: DOCS.ghCompare,
    message: ({ range, count }, door) =>
      `GitHub lists at most 300 changed files in one comparison, and ${range} changed ${count >= 300 ? '300 or more' : count}, ` +
      'so the list may be incomplete. Nothing was purged rather than leave stale copies in the cache. Purge ' +
      `this deploy by ${door.input('prefixes')} or with ${door.input('purge_everything')} instead, or deploy in smaller steps.`
  }),
  'bad-changed-url': entry<{ detail: string }>({
    title: 'Changed file cannot be purged',
    severity: 'warning',
    cause: 'A URL made from a changed file fails the checks every URL to purge passes.',
    detection:
      'GitHub: the compare lists the file; the URL is checked before any purge request, and left out',
    fix: 'Purge its folder with `prefixes`, or rename the file.',
    docs: DOCS.changedPaths,
    message: ({ detail }, door) =>
      `A URL made from the changed files cannot be purged, so it was left out and the others were purged: ` +
      `${detail} Purge its folder with ${door.input('prefixes')}, or rename the file.`
  }),
  'nothing-changed': entry<{ range: string; count: number }>({
    title: 'Nothing changed under changed_paths',
    severity: 'notice',
    cause: 'No file under the `changed_paths` folders changed, and nothing else is listed to purge.',
    detection: 'GitHub: the compare lists no file under a mapped folder',
    fix: 'Nothing needed.',
    docs: DOCS.changedPaths,
    message: ({ range, count: files }) =>
      `No file under changed_paths changed in ${range} (${count(files, 'file')} changed ` +
      'elsewhere in the repository), so there was nothing to purge.'
  }),

  // ── Invalidation and environments ─────────────────────────────────────────
  'environment-unknown': entry<{ zone: string; wanted: string; names: string[] }>({
    title: 'Environment not found',
    severity: 'error',
    cause:
      'No Version Management environment of the zone has the name (in any case) or the ref given in `environment`.',
    detection:
      'Cloudflare: `GET /zones/{id}/environments` lists no environment by that name or ref, before any purge',
    fix: "Set `environment` to one of the names the annotation lists (or that environment's ref).",
    docs: DOCS.purgeEnvironments,
    message: ({ zone, wanted, names }, door) =>
      `Zone ${zone} has no environment named "${wanted}" (names match in any case, refs exactly). ` +
      (names.length > 0
        ? `Its environments: ${listWords(names.map((n) => `"${n}"`))}. Set ${door.input('environment')} to one of them. `
        : 'It lists no environment at all: create them under Version Management → Environments, or leave ' +
          `${door.input('environment')} empty to clear the cache of the whole zone. `) +
      'Nothing was sent.'
  }),
  'environment-ambiguous': entry<{ zone: string; wanted: string; matches: string[] }>({
    title: 'Environment name ambiguous',
    severity: 'error',
    cause: '`environment` matches two or more environments of the zone whose names differ only in case.',
    detection: 'Cloudflare: `GET /zones/{zone_id}/environments`, before any purge',
    fix: 'Set `environment` to the ref of the one meant.',
    docs: DOCS.purgeEnvironments,
    message: ({ zone, wanted, matches }, door) =>
      `${door.input('environment')} is "${wanted}", and ${zone} has ${matches.length} environments whose names differ from it ` +
      `only in case: ${listWords(matches)}. Nothing was purged rather than guess: set ${door.input('environment')} to the ref ` +
      'of the one meant.'
  }),
  'environments-not-enabled': entry<{ zones: string[]; detail: string }>({
    title: 'Version Management not enabled',
    severity: 'error',
    cause:
      '`environment` is set, but the zone does not use Version Management (an Enterprise feature), so it has no environments.',
    detection:
      'Cloudflare: an error about versioning, a 404 or an empty list on `GET /zones/{id}/environments` (codes unverified: words matched)',
    fix: 'Enable Version Management on the zone (Enterprise plan), or leave `environment` empty to clear the whole zone.',
    docs: DOCS.enableVersioning,
    message: ({ zones, detail }, door) =>
      `${zones.length === 1 ? 'Zone' : 'Zones'} ${listWords(zones)} ${zones.length === 1 ? 'does' : 'do'} not use ` +
      `Version Management, so there is no environment to clear. Cloudflare answered: ${detail}. Version Management is an ` +
      "Enterprise feature: in the dashboard, open the zone's Version Management page and select Enable versioning, " +
      `which creates the Production, Staging and Development environments. Or leave ${door.input('environment')} empty to clear ` +
      'the cache of the whole zone. Nothing was sent.'
  }),
  'environments-not-readable': entry<{ zones: string[]; wanted: string; detail: string }>({
    title: 'Environments not readable',
    severity: 'error',
    cause:
      "Listing the zone's environments is refused: the token lacks Zone → Zone Versioning → Read (or the zone has no Version Management).",
    detection: 'Cloudflare: 10000 or another 403 on `GET /zones/{id}/environments`, before any purge',
    fix: 'Add Zone → Zone Versioning → Read to the token, next to Zone → Cache Purge → Purge.',
    docs: DOCS.createToken,
    message: ({ zones, wanted, detail }, door) =>
      `This credential may not list the Version Management environments of ${listWords(zones)} (${detail}), so ` +
      `"${wanted}" cannot be looked up. A token needs Zone → Zone Versioning → Read on the zone for that, next to ` +
      'Zone → Cache Purge → Purge: edit the token and add it. If the zone does not use Version Management (an ' +
      `Enterprise feature), leave ${door.input('environment')} empty instead. Nothing was sent.`
  }),
  'invalidate-unavailable': entry<{ zone: string; detail: string }>({
    title: 'Invalidation not available',
    severity: 'error',
    cause:
      'Cloudflare answers a routing error (7003 / 7000 "No route for that URI", or a 404) on `invalidate_cache`: not available here.',
    detection: 'Cloudflare: 7003 / 7000 or HTTP 404 on `POST …/invalidate_cache`',
    fix: 'Use `mode: purge` (or remove `mode`) to delete the cached copies instead.',
    docs: DOCS.invalidate,
    message: ({ zone, detail }, door) =>
      `Cloudflare has no invalidate endpoint for zone ${zone}: ${detail}. Invalidation is not available here, ` +
      `so nothing was marked stale. Set ${door.set('mode', 'purge')} (or remove ${door.input('mode')}) to delete the cached copies instead: ` +
      'the next requests then fetch them from the origin in full.'
  }),
  'invalidate-url-refused': entry<{ zone: string; environment?: string }>({
    title: 'Invalidation by URL refused',
    severity: 'error',
    cause:
      'Cloudflare answers 1136: an environment that selects requests by IP, country, ASN or threat score cannot be invalidated by URL.',
    detection: 'Cloudflare: 1136 on `POST …/invalidate_cache` with `files`',
    fix: 'Invalidate by `tags`, `hosts` or `prefixes` (or everything) in that environment instead of by URL.',
    docs: DOCS.invalidateEnvironment,
    message: ({ zone, environment }, door) =>
      `Cloudflare refused to invalidate URLs in ${environment ? `environment ${environment} of ` : ''}zone ${zone} ` +
      '(code 1136): an environment whose traffic filter selects requests by IP address, country, ASN or threat ' +
      `score cannot be invalidated by URL. Invalidate those pages by ${door.input('tags')}, ${door.input('hosts')} or ${door.input('prefixes')} (or everything) ` +
      'instead: those still work in that environment.'
  }),

  // ── Purge ─────────────────────────────────────────────────────────────────
  'purge-not-permitted': entry<{ zone: string }>({
    title: 'Token may not purge this zone',
    severity: 'error',
    cause: 'The credential is valid and the zone is visible, but the purge answers 10000.',
    detection: 'Cloudflare: 10000 on `purge_cache` after a good verify and zone lookup',
    fix: 'Edit the token: add Zone → Cache Purge → Purge for this zone.',
    docs: DOCS.createToken,
    message: ({ zone }) =>
      `The credential is valid and can see zone ${zone}, but Cloudflare refused the purge ("Authentication ` +
      'error"). The token lacks Zone → Cache Purge → Purge on this zone: edit the token in My Profile → ' +
      'API Tokens and add that permission with this zone in its Zone Resources.'
  }),
  'rate-limited': entry<{ waitSeconds?: number; timeLeftSeconds?: number; answers?: number; limit: string }>({
    title: 'Rate limited by Cloudflare',
    severity: 'error',
    cause:
      'Cloudflare kept answering 429 / 971 beyond the retry budget, or asked to wait longer than the `timeout` leaves.',
    detection:
      'Cloudflare: 429 with code 971 after every retry, or a `Retry-After` past the end of `timeout`',
    fix: 'Run again after the wait, raise `timeout`, or purge fewer items (prefixes or tags instead of URLs).',
    docs: DOCS.limits,
    message: ({ waitSeconds, timeLeftSeconds, answers = 1, limit }, door) =>
      (answers > 1
        ? `Cloudflare kept answering 429 "Please wait and consider throttling your request speed" (${answers} answers)`
        : 'Cloudflare answered 429 "Please wait and consider throttling your request speed"') +
      (waitSeconds !== undefined && timeLeftSeconds !== undefined
        ? `. Cloudflare asks to wait ${shortDuration(waitSeconds)}; the timeout leaves ${shortDuration(timeLeftSeconds)}, ` +
          'so it was not waited for'
        : waitSeconds !== undefined
          ? ` and asked to wait ${describeWait(waitSeconds)}`
          : '') +
      `. The limit that applies: ${limit}; other jobs using the same account share it. Run again ` +
      `${waitSeconds !== undefined ? 'after that wait' : 'later'}, raise ${door.input('timeout')}, or purge by prefix or tag ` +
      'to send fewer requests.'
  }),
  'too-many-items': entry<{ type: string; size: number; limit: number; lost: number }>({
    title: 'Batch too large; split',
    severity: 'warning',
    cause: 'Cloudflare rejected a request for carrying too many items.',
    detection:
      'Cloudflare: 1094 / 1101 / 1111 or words about the number of items ("too many files", "no more than 100") on `purge_cache`',
    fix: 'Nothing needed; set `batch_size` to the limit of your plan to save the extra requests.',
    docs: DOCS.purge,
    message: ({ type, size, limit, lost }, door) =>
      `Cloudflare rejected ${grouped(size)} ${type} in one request as too many, so batches were split to ${grouped(limit)} and ` +
      'retried; ' +
      (lost === 0
        ? 'nothing was lost.'
        : `${count(lost, 'item')} of this zone and type still failed for other reasons (listed in ${door.failedItems}).`) +
      (type === 'files'
        ? ` Set ${door.input('batch_size')} to your plan's limit to avoid the extra requests.`
        : '')
  }),
  'purge-item-refused': entry<{ detail: string }>({
    title: 'Item refused by Cloudflare',
    severity: 'error',
    cause:
      'Cloudflare refused a request because of some of its items (an invalid URL, tag, host or prefix); the items its answer named failed, and the rest of the request was sent again without them.',
    detection:
      'Cloudflare: a 400 on `purge_cache` whose message is about an item ("Unable to purge …, which is an invalid URL.") or quotes one',
    fix: 'Correct or remove the item named in `failed_items`; the other items of its request were purged.',
    docs: DOCS.purge,
    message: ({ detail }) =>
      `Cloudflare refused this item on its own: ${detail}. The other items sent with it were purged without it.`
  }),
  'success-with-errors': entry<{ endpoint: string; detail: string }>({
    title: 'Cloudflare reported errors beside a success',
    severity: 'warning',
    cause: 'Cloudflare answered `success: true` and listed errors as well.',
    detection: 'Cloudflare: `success: true` with a non-empty `errors` array',
    fix: "Nothing needed unless the message says otherwise; the call counts as done (`success` is Cloudflare's verdict).",
    docs: DOCS.status,
    message: ({ endpoint, detail }) =>
      `Cloudflare answered ${endpoint} with success, and listed errors as well: ${detail}. The call counts as ` +
      "done, as Cloudflare's `success` says; read the message in case it matters to you."
  }),
  'batch-size-above-limit': entry<{ batchSize: number; limit: number; plan: string; zone: string }>({
    heading: (door) => `${titled(door, 'batch_size')} above the plan's limit`,
    severity: 'warning',
    cause: "`batch_size` is larger than the URLs per request that Cloudflare documents for the zone's plan.",
    detection: "the zone's plan (`GET /zones/{id}`) against Cloudflare's documented limits, before purging",
    fix: "Remove `batch_size`: the action follows each plan's limit by itself.",
    docs: DOCS.purge,
    message: ({ batchSize, limit, plan, zone }, door) =>
      `${door.set('batch_size', String(batchSize))} is above the ${limit} URLs per request that Cloudflare allows on the ` +
      `${plan} plan of ${zone}, so Cloudflare may refuse those requests (they are then split and sent again, ` +
      `which costs extra requests). Remove ${door.input('batch_size')}: ${door.self} follows each plan's limit by itself.`
  }),
  'purge-not-sent': entry<{ limit: string }>({
    title: 'Time ran out',
    severity: 'error',
    cause: 'The `timeout` ran out before the rate limit let every purge request go.',
    detection: 'pacing: the next allowed send time is past the deadline set by `timeout`',
    fix: 'Raise `timeout`, or purge by prefix or tag to send fewer requests.',
    docs: DOCS.limits,
    message: ({ limit }, door) =>
      `They were never sent: the time allowed by ${door.input('timeout')} ran out before the rate limit (${limit}) ` +
      `let them go. Raise ${door.input('timeout')}, or purge by prefix or tag to send fewer requests.`
  }),
  'api-budget-exhausted': entry<{
    quota: number
    windowSeconds: number
    kept: number
    freesInSeconds: number
  }>({
    title: "Held back by Cloudflare's API request limit",
    severity: 'error',
    cause:
      "The credential's API request limit (1,200 requests per 5 minutes per user or token, shared with every other tool of the account) had no room left but the part the action keeps for those tools, and it frees up only after the `timeout`.",
    detection:
      "the `Ratelimit` / `Ratelimit-Policy` headers of Cloudflare's answers (or the run's own count when they are absent), before every API call: the verify call, zone lookups, environments and purges",
    fix: 'Run again once the window frees up, raise `timeout` past that, or purge by prefix or tag to send fewer requests.',
    docs: DOCS.limits,
    message: ({ quota, windowSeconds, kept, freesInSeconds }, door) =>
      `They were not sent: Cloudflare's API request limit for this user or token (${quota.toLocaleString('en-US')} ` +
      `requests per ${windowWords(windowSeconds)}) had no room left but the ${kept} requests kept for the ` +
      "account's other tools (going over it blocks every API call of the account's user for 5 minutes), and it " +
      `frees up in ${describeWait(freesInSeconds)}, after the time allowed by ${door.input('timeout')}. Run again ` +
      `after that, raise ${door.input('timeout')} past it, or purge by prefix or tag to send fewer requests.`
  }),
  'purge-failed': entry<{ detail: string }>({
    title: 'Purge failed',
    severity: 'error',
    cause: 'Cloudflare refused a purge request for another reason.',
    detection:
      'Cloudflare: any other error on `purge_cache`, codes and messages quoted verbatim with the HTTP status',
    fix: "Read Cloudflare's message in the annotation; the items are listed in `failed_items`.",
    docs: DOCS.purge,
    message: ({ detail }) => `Cloudflare refused the purge: ${detail}.`
  }),
  'cloudflare-error': entry<{ detail: string }>({
    title: 'Cloudflare API error',
    severity: 'error',
    cause: 'Any other answer from Cloudflare.',
    detection: 'Cloudflare: codes and messages quoted verbatim with the HTTP status and endpoint',
    fix: "Read Cloudflare's codes and message; check https://www.cloudflarestatus.com/ for incidents.",
    docs: DOCS.status,
    message: ({ detail }) => `Cloudflare answered an error: ${detail}.`
  }),
  'unreadable-answer': entry<{ detail: string; purge: boolean }>({
    title: 'Unreadable answer from Cloudflare',
    severity: 'error',
    cause:
      'Cloudflare answered HTTP 200, but the body was cut short, not JSON, or lacked the expected result; or any answer was larger than 1 MiB.',
    detection: 'the answer to any call, after the retries allowed',
    fix: 'Run again; if it persists, check https://www.cloudflarestatus.com/ and any proxy in between.',
    docs: DOCS.status,
    message: ({ detail, purge }) =>
      `Cloudflare's answer could not be read: ${detail}.` +
      (purge
        ? ' The items may or may not have been purged, so they are reported as not purged: running again purges them again, which is harmless.'
        : ' Run again; if it persists, check https://www.cloudflarestatus.com/ and any proxy in between.')
  }),
  'unexpected-error': entry<{ detail: string }>({
    title: 'Unexpected failure',
    severity: 'error',
    cause: 'Something other than Cloudflare failed: the runner (outputs, summary) or a bug in the action.',
    detection: 'any error that is not an answer from Cloudflare; the stack trace goes to the debug log only',
    fix: 'Re-run with debug logging enabled and report the message and the log.',
    docs: DOCS.ghDebug,
    message: ({ detail }, door) =>
      `${door.Self} stopped on an unexpected error, not an answer from Cloudflare: ${detail}. ${door.debug}`
  }),
  'network-error': entry<{ detail: string }>({
    title: 'Cannot reach Cloudflare',
    severity: 'error',
    cause: 'The API could not be reached, or kept failing (timeouts, resets, 5xx) beyond the retry budget.',
    detection: 'network errors, timeouts, 5xx and HTML error pages after every retry',
    fix: 'Check `api_url`, proxy settings and https://www.cloudflarestatus.com/; run again.',
    docs: DOCS.status,
    message: ({ detail }, door) =>
      `Could not get an answer from the Cloudflare API: ${detail}. Check ${door.input('api_url')} and any proxy ` +
      '(HTTPS_PROXY / NO_PROXY), and https://www.cloudflarestatus.com/ for incidents; then run again.'
  }),
  // ── At the edge (verify) ──────────────────────────────────────────────────
  'verify-off': entry<{ input: 'warm' | 'verify_urls' | 'verify_limit' }>({
    heading: (door) => `Needs ${door.input('verify')}`,
    severity: 'error',
    cause: '`warm`, `verify_urls` or `verify_limit` is set while `verify` is not `true`.',
    detection: 'input, before any request',
    fix: 'Add `verify: true`, or remove the input.',
    docs: DOCS.verify,
    message: ({ input }, door) =>
      `${door.input(input)} works on the URLs checked at the edge after the purge, and nothing is checked ` +
      `unless ${door.set('verify', 'true')} is given. Add ${door.set('verify', 'true')}, or remove ${door.input(input)}.`
  }),
  'verify-no-urls': entry({
    title: 'Nothing to check at the edge',
    severity: 'warning',
    cause:
      '`verify: true` with a purge that names no URL (tags, hosts, prefixes or everything) and no `verify_urls`.',
    detection: 'input, before any request',
    fix: 'List a few URLs that the purge covers in `verify_urls`.',
    docs: DOCS.verify,
    message: (_, door) =>
      `${door.set('verify', 'true')} is given, but this purge names no URL (tags, hosts, prefixes or everything), ` +
      `so there is nothing to request at the edge. List a few URLs the purge covers in ${door.input('verify_urls')}, ` +
      `in the same form as ${door.input('files')}.`
  }),
  'edge-stale': entry<{ count: number; examples: string[] }>({
    title: 'Still cached after the purge',
    severity: 'error',
    cause: 'A URL answered `CF-Cache-Status: HIT` with an `Age` older than the purge, twice, a second apart.',
    detection: 'at the edge: a GET after the purge, its `CF-Cache-Status` and `Age`',
    fix: 'Check that the URL is the one cached (scheme, host, path, query; the cache-key headers of a custom cache key), then purge it again.',
    docs: DOCS.verifyCheck,
    message: ({ count: n, examples }) =>
      `${count(n, 'URL was', 'URLs were')} still served from a copy cached before the purge: ` +
      `${listWords(examples)}${more(n, examples, ' (all are in the summary)')}. ` +
      'Cloudflare accepted the purge, but it did not reach this copy: the URL purged may differ from the one ' +
      'cached (scheme, host, path, query, or the headers of a custom cache key). Check it, then purge again.'
  }),
  'edge-not-proxied': entry<{ count: number; examples: string[] }>({
    title: 'Not served through Cloudflare',
    severity: 'warning',
    cause: 'A URL answered without a `CF-Cache-Status` header.',
    detection: 'at the edge: a GET after the purge, no `CF-Cache-Status` in the answer',
    fix: "Check the URL's host: its DNS record proxied (orange cloud) in this zone, and no other CDN in front.",
    docs: DOCS.proxied,
    message: ({ count: n, examples }) =>
      `${count(n, 'URL answered', 'URLs answered')} without a CF-Cache-Status header, so Cloudflare does not serve ` +
      `${n === 1 ? 'it' : 'them'} and purging changes nothing there: ${listWords(examples)}${more(n, examples)}. ` +
      "The host's DNS record may be grey-clouded (DNS only), another CDN may be in front, or the host may be wrong."
  }),
  'edge-not-cached': entry<{ count: number; examples: string[] }>({
    title: 'Not cached by Cloudflare',
    severity: 'notice',
    cause: 'A URL answered `CF-Cache-Status: DYNAMIC` or `BYPASS` (or `NONE`, `UNKNOWN`).',
    detection: 'at the edge: a GET after the purge, its `CF-Cache-Status`',
    fix: 'Nothing to do for the purge; to cache the URL, add a Cache Rule that makes it eligible.',
    docs: DOCS.cacheStatus,
    message: ({ count: n, examples }) =>
      `Cloudflare does not cache ${count(n, 'URL', 'URLs')}, so purging ${n === 1 ? 'it' : 'them'} changes nothing: ` +
      `${listWords(examples)}${more(n, examples)}. ` +
      'A Cache Rule can make such URLs eligible for caching, if they should be cached.'
  }),
  'edge-unchecked': entry<{ count: number; examples: string[] }>({
    title: 'Could not check at the edge',
    severity: 'warning',
    cause: 'A GET of a purged URL failed (DNS, connection, timeout) or its answer could not be read.',
    detection: 'at the edge: a GET after the purge that got no readable answer',
    fix: 'Check that the runner can reach the URL (and any proxy: HTTPS_PROXY, NO_PROXY); the purge itself was accepted.',
    docs: DOCS.verifyCheck,
    message: ({ count: n, examples }, door) =>
      `${count(n, 'URL', 'URLs')} could not be checked at the edge: ${listWords(examples)}${more(n, examples)}. ` +
      `The purge was accepted; only the check failed. Check that the ${door.machine} can reach these URLs, ` +
      'through the proxy if one is set (HTTPS_PROXY, NO_PROXY).'
  })
} satisfies Record<string, Diagnosis<never>>

export type DiagnosisId = keyof typeof catalogue
type ParamsOf<K extends DiagnosisId> = Parameters<(typeof catalogue)[K]['message']>[0]

/** A reportable finding for one occurrence of a diagnosis: its facts, and its words in the action's. */
export function diagnose<K extends DiagnosisId>(
  id: K,
  ...params: ParamsOf<K> extends Record<string, never> ? [] : [ParamsOf<K>]
): Finding {
  const d = catalogue[id] as Diagnosis<unknown>
  const facts = params[0] ?? {}
  return { id, title: d.title, severity: d.severity, message: d.message(facts, ACTION_DOOR), params: facts }
}

/** The catalogue's entry for a finding, when it comes from the catalogue. */
function entryOf(finding: Finding): Diagnosis<unknown> | undefined {
  return Object.hasOwn(catalogue, finding.id)
    ? (catalogue[finding.id as DiagnosisId] as Diagnosis<unknown>)
    : undefined
}

/** A finding in the words of a front door: from its facts when it comes from the catalogue, else as it is. */
export function render(finding: Finding, door: Door): string {
  const d = entryOf(finding)
  if (!d || !finding.params) return finding.message
  const words = d.message(inDoorWords(finding.params, door), door)
  return finding.tally ? tallied(finding.tally, words, door) : words
}

/** A finding's title in the words of a front door. */
export function heading(finding: Finding, door: Door): string {
  return entryOf(finding)?.heading(door) ?? finding.title
}

/**
 * A finding's facts with the details of lower layers (a client's error, a URL's flaw) in the door's words:
 * such a detail names an input as the action does, in backquotes (`timeout`), and the door names it its way.
 */
function inDoorWords(value: unknown, door: Door): unknown {
  if (typeof value === 'string') return value.replace(/`([a-z_]+)`/g, (_, name: string) => door.input(name))
  if (Array.isArray(value)) return value.map((v) => inDoorWords(v, door))
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, inDoorWords(v, door)]))
  return value
}

/** The message of a failure, after how many items it left: "3 items on example.com not purged (…). <words>" */
export function tallied(t: FindingTally, words: string, door: Door): string {
  return t.eachOnItsOwn && t.items > 1
    ? `${count(t.items, 'item')} on ${t.zone} not ${t.past}: Cloudflare refused each of them on its own (its ` +
        `words for each are in ${door.failedItems}). The first: ${words}`
    : `${count(t.items, 'item')} on ${t.zone} not ${t.past} (listed in ${door.failedItems}). ${words}`
}
