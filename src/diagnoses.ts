// The catalogue of every mistake and failure the action knows how to explain.
// Each entry is data: the code looks entries up by id, the tests check them, and the README's
// Troubleshooting table is generated from them (scripts/troubleshooting.ts).
import type { Finding } from './types.js'

export type Severity = 'error' | 'warning' | 'notice'

export interface Diagnosis<P> {
  title: string
  severity: Severity
  /** When it happens, in a line, for the README. */
  cause: string
  /** How it is found: from the input's shape before any request, or from Cloudflare's answer. */
  detection: string
  /** What to do, in a line, for the README. */
  fix: string
  docs?: string
  /** The annotation's text for one occurrence. */
  message: (p: P) => string
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
  originCa: 'https://developers.cloudflare.com/ssl/origin-configuration/origin-ca/'
} as const

const TOKEN_PERMISSIONS = 'Zone → Cache Purge → Purge (and Zone → Zone → Read to use zone names)'

function entry<P = Record<string, never>>(d: Diagnosis<P>): Diagnosis<P> {
  return d
}

export const catalogue = {
  // ── Inputs ────────────────────────────────────────────────────────────────
  'no-credential': entry({
    title: 'Missing credential',
    severity: 'error',
    cause: 'Neither `api_token` nor `email` + `global_key` is set.',
    detection: 'input, before any request',
    fix: 'Pass an API token from a secret: `api_token: ${{ secrets.CLOUDFLARE_API_TOKEN }}`.',
    docs: DOCS.createToken,
    message: () =>
      'No Cloudflare credential was given. Set `api_token` to an API token with ' +
      `${TOKEN_PERMISSIONS}, passed from a secret: \`api_token: \${{ secrets.CLOUDFLARE_API_TOKEN }}\`. ` +
      'If the secret is set but arrives empty, check its name and that the workflow may read it ' +
      '(secrets are not passed to workflows triggered from forks).'
  }),
  'both-credentials': entry({
    title: 'Two credentials given',
    severity: 'error',
    cause: '`api_token` and `global_key` are both set.',
    detection: 'input, before any request',
    fix: 'Keep one: preferably `api_token`, and remove `email` and `global_key`.',
    message: () =>
      'Both `api_token` and `global_key` are set, so it is unclear which one to use. Keep `api_token` ' +
      '(a scoped token is safer) and remove `email` and `global_key`, or the reverse.'
  }),
  'incomplete-global-key': entry<{ missing: 'email' | 'global_key' }>({
    title: 'Incomplete Global API Key credential',
    severity: 'error',
    cause: '`email` without `global_key`, or `global_key` without `email`.',
    detection: 'input, before any request',
    fix: 'Set both `email` and `global_key`, or use `api_token` instead.',
    docs: DOCS.keys,
    message: ({ missing }) =>
      missing === 'email'
        ? '`global_key` is set but `email` is empty. A Global API Key only works together with the email ' +
          'address of the Cloudflare account it belongs to: set `email`, or better use `api_token`.'
        : '`email` is set but `global_key` is empty. Set `global_key` to the Global API Key of that ' +
          'account, or drop `email` and use `api_token`.'
  }),
  'bad-email': entry({
    title: 'Invalid input: email',
    severity: 'error',
    cause: '`email` is not an email address.',
    detection: 'input, before any request',
    fix: 'Set `email` to the address you log in to Cloudflare with.',
    docs: DOCS.keys,
    message: () =>
      '`email` is not an email address (expected something like name@example.com). The Global API Key ' +
      'is sent with the email address you log in to Cloudflare with.'
  }),
  'bearer-prefix': entry<{ input: string }>({
    title: 'Token starts with "Bearer "',
    severity: 'warning',
    cause: 'The secret holds `Bearer <token>` rather than the token alone.',
    detection: 'input, before any request; the action strips it and goes on',
    fix: 'Store only the token in the secret; the action adds `Bearer` itself.',
    docs: DOCS.createToken,
    message: ({ input }) =>
      `\`${input}\` starts with "Bearer ". The action adds that word itself, so it was removed and the ` +
      'run goes on. Store only the token in the secret to silence this warning.'
  }),
  'secret-padding': entry<{ input: string }>({
    title: 'Spaces or quotes around a secret',
    severity: 'warning',
    cause: 'The secret was pasted with surrounding quotes, spaces or a line break.',
    detection: 'input, before any request; the action trims it and goes on',
    fix: 'Save the secret again without quotes, spaces or a trailing line break.',
    message: ({ input }) =>
      `\`${input}\` has quotes, spaces or a line break around it (often from copying out of a terminal). ` +
      'They were removed and the run goes on; save the secret again without them.'
  }),
  'secret-inner-space': entry<{ input: string }>({
    title: 'Secret contains spaces',
    severity: 'error',
    cause: 'The secret has whitespace or a line break inside it, so it cannot be the credential.',
    detection: 'input, before any request',
    fix: 'Copy the credential again from the Cloudflare dashboard; it is one word.',
    message: ({ input }) =>
      `\`${input}\` contains spaces or a line break inside it, so it is not a single credential (perhaps ` +
      'two values were pasted, or a label was copied along). Copy it again from the Cloudflare dashboard.'
  }),
  'secret-bad-characters': entry<{ input: string }>({
    title: 'Secret has unexpected characters',
    severity: 'error',
    cause: 'The secret has characters that Cloudflare credentials never contain.',
    detection: 'input, before any request',
    fix: 'Copy the credential again from the Cloudflare dashboard.',
    message: ({ input }) =>
      `\`${input}\` contains characters that Cloudflare API tokens and keys never contain (they use ` +
      'only letters, digits, "-" and "_"). Copy the credential again from the Cloudflare dashboard.'
  }),
  'global-key-as-token': entry({
    title: 'Global API Key given as api_token',
    severity: 'error',
    cause: '`api_token` holds what looks like a Global API Key (37–45 hex characters, or `cfk_…`).',
    detection: 'input, before any request',
    fix: 'Create an API token and use it as `api_token`, or move the key to `global_key` with `email`.',
    docs: DOCS.createToken,
    message: () =>
      '`api_token` looks like a Global API Key, not an API token, and Cloudflare would answer ' +
      '"Invalid format for Authorization header". Create an API token with ' +
      `${TOKEN_PERMISSIONS} and pass that as \`api_token\`; or, if you mean to use the legacy key, ` +
      'pass it as `global_key` together with `email`.'
  }),
  'token-as-global-key': entry({
    title: 'API token given as global_key',
    severity: 'error',
    cause: '`global_key` holds what looks like an API token.',
    detection: 'input, before any request',
    fix: 'Pass it as `api_token` and remove `email` and `global_key`.',
    docs: DOCS.createToken,
    message: () =>
      '`global_key` looks like an API token, not a Global API Key, and Cloudflare would answer ' +
      '"Invalid format for X-Auth-Key header". Pass it as `api_token` instead and remove `email` and `global_key`.'
  }),
  'origin-ca-key': entry<{ input: string }>({
    title: 'Origin CA key given',
    severity: 'error',
    cause: 'A secret starts with `v1.0-`: an Origin CA key, which can only manage origin certificates.',
    detection: 'input, before any request',
    fix: 'Create an API token with Zone → Cache Purge → Purge and use it as `api_token`.',
    docs: DOCS.originCa,
    message: ({ input }) =>
      `\`${input}\` is an Origin CA key (it starts with "v1.0-"). Those keys only manage origin ` +
      `certificates and cannot purge the cache. Create an API token with ${TOKEN_PERMISSIONS} and pass it ` +
      'as `api_token`.'
  }),
  'bad-zone': entry<{ value: string; reason: string }>({
    title: 'Invalid input: zone',
    severity: 'error',
    cause: '`zone` is neither a zone ID (32 hex characters) nor a domain name.',
    detection: 'input, before any request',
    fix: "Use the Zone ID from the zone's Overview page in the dashboard, or the domain name.",
    docs: DOCS.ids,
    message: ({ value, reason }) =>
      `zone "${value}" ${reason}. Use the Zone ID shown on the zone's Overview page (32 hex characters), ` +
      'or the domain name such as example.com.'
  }),
  'no-zone': entry({
    title: 'Missing input: zone',
    severity: 'error',
    cause: '`zone` is empty.',
    detection: 'input, before any request',
    fix: 'Set `zone` to the Zone ID or the domain name.',
    docs: DOCS.ids,
    message: () =>
      "`zone` is empty. Set it to the Zone ID (32 hex characters, on the zone's Overview page) or to the " +
      'domain name, such as example.com.'
  }),
  'bad-account-id': entry<{ value: string }>({
    title: 'Invalid input: account_id',
    severity: 'error',
    cause: '`account_id` is not 32 hex characters.',
    detection: 'input, before any request',
    fix: 'Copy the Account ID from the dashboard, or leave `account_id` empty.',
    docs: DOCS.ids,
    message: ({ value }) =>
      `account_id "${value}" is not an Account ID (32 hex characters). Copy it from the dashboard's ` +
      'account home, or leave `account_id` empty: it is only needed for account-owned tokens.'
  }),
  'bad-option': entry<{ input: string; value: string; expected: string }>({
    title: 'Invalid input',
    severity: 'error',
    cause:
      'An option such as `purge_everything`, `dry_run`, `batch_size`, `timeout` or `api_url` has a value of the wrong form.',
    detection: 'input, before any request',
    fix: 'Use the form given in the message.',
    message: ({ input, value, expected }) => `\`${input}\` is "${value}", but it must be ${expected}.`
  }),
  'nothing-to-purge': entry({
    title: 'Nothing to purge',
    severity: 'error',
    cause: 'No `files`, `tags`, `hosts` or `prefixes`, and `purge_everything` is not `true`.',
    detection: 'input, before any request',
    fix: 'Give the items to purge, or set `purge_everything: true` to purge the whole zone.',
    docs: DOCS.purge,
    message: () =>
      'Nothing to purge: `files`, `files_from`, `tags`, `hosts` and `prefixes` are all empty. List what to purge, ' +
      'or set `purge_everything: true` to purge the whole zone (never implied). If the list comes from an ' +
      'earlier step, check that step produced it.'
  }),
  'everything-with-items': entry({
    title: 'purge_everything with items',
    severity: 'error',
    cause: '`purge_everything: true` together with files, tags, hosts or prefixes.',
    detection: 'input, before any request',
    fix: 'Remove either `purge_everything` or the item lists.',
    docs: DOCS.purge,
    message: () =>
      '`purge_everything` is true and items are listed too. Purging everything already removes them; ' +
      'remove the item lists, or remove `purge_everything` to purge only the listed items.'
  }),
  'relative-url': entry<{ value: string; suggestion?: string }>({
    title: 'Invalid input: files',
    severity: 'error',
    cause: 'A file is a path or a URL without a scheme; Cloudflare needs full URLs.',
    detection: 'input, before any request',
    fix: 'Write each file as a full URL with scheme, such as `https://example.com/app.css`.',
    docs: DOCS.purgeFiles,
    message: ({ value, suggestion }) =>
      `"${value}" is not a full URL. Cloudflare purges files by their full URL including the scheme, ` +
      `because the scheme is part of the cache key${suggestion ? `: write "${suggestion}"` : ', such as https://example.com/app.css'}.`
  }),
  'bad-url': entry<{ value: string; reason: string }>({
    title: 'Invalid input: files',
    severity: 'error',
    cause: 'A file is not a valid http(s) URL, or uses a wildcard.',
    detection: 'input, before any request',
    fix: 'Use full http(s) URLs; to purge a folder, use `prefixes`.',
    docs: DOCS.purgeFiles,
    message: ({ value, reason }) => `"${value}" cannot be purged as a file: ${reason}.`
  }),
  'bad-files-json': entry<{ input: string; reason: string }>({
    title: 'Invalid input: files',
    severity: 'error',
    cause:
      '`files` (or the `files_from` file) starts with `[` but is not a valid JSON array of URLs and `{url, headers}` objects.',
    detection: 'input, before any request',
    fix: 'Fix the JSON, or list plain URLs one per line.',
    docs: DOCS.purgeFiles,
    message: ({ input, reason }) =>
      `${input} starts with "[" so it was read as JSON, but ${reason}. Expected a JSON array whose items are ` +
      'URL strings or objects like {"url": "https://example.com/a", "headers": {"CF-IPCountry": "US"}}; ' +
      'or list plain URLs, one per line.'
  }),
  'files-from-unreadable': entry<{ path: string; reason: string }>({
    title: 'Invalid input: files_from',
    severity: 'error',
    cause: 'The file named by `files_from` is missing or unreadable.',
    detection: 'input, before any request',
    fix: 'Check the path (relative to the workspace) and that an earlier step wrote the file.',
    message: ({ path, reason }) =>
      `files_from "${path}" cannot be read (${reason}). The path is relative to the workspace ` +
      '(GITHUB_WORKSPACE); check that an earlier step wrote the file and that the job checked out the repository.'
  }),
  'bad-prefix': entry<{ value: string; reason: string; suggestion?: string }>({
    title: 'Invalid input: prefixes',
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
    title: 'Invalid input: tags',
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
    title: 'Invalid input: hosts',
    severity: 'error',
    cause: 'A host is not a bare hostname (it has a scheme, a path or a port, or is not a valid name).',
    detection: 'input, before any request',
    fix: 'Write hosts as bare hostnames, such as `www.example.com`.',
    docs: DOCS.purge,
    message: ({ value, reason, suggestion }) =>
      `host "${value}" ${reason}. Hosts are bare hostnames` +
      (suggestion ? `: write "${suggestion}".` : ', such as www.example.com.')
  }),
  'host-in-no-zone': entry<{ host: string; zones: string }>({
    title: 'Host in none of the zones',
    severity: 'error',
    cause: "With several zones, an item's host belongs to none of them.",
    detection: 'input, once the zone names are known',
    fix: 'Add the zone that holds the host to `zone`, or correct the item.',
    message: ({ host, zones }) =>
      `"${host}" is not in any of the zones given (${zones}), so it is not known where to purge it. Add its ` +
      'zone to `zone`, or correct the item.'
  }),
  'file-outside-zone': entry<{ url: string; zone: string }>({
    title: 'URL not on this zone',
    severity: 'warning',
    cause: "A file's host is neither the zone's domain nor a subdomain of it.",
    detection: 'input, once the zone name is known',
    fix: 'Check the URL and the zone; Cloudflare accepts such URLs but purges nothing useful.',
    docs: DOCS.purgeFiles,
    message: ({ url, zone }) =>
      `"${url}" is not on ${zone} or one of its subdomains. Cloudflare accepts the request but the URL ` +
      'is not cached in this zone, so purging it does nothing. Check the URL or the zone.'
  }),

  // ── Credential verification ───────────────────────────────────────────────
  'token-invalid': entry({
    title: 'API token not recognised',
    severity: 'error',
    cause: 'Cloudflare answers 1000 "Invalid API Token" at both token verify endpoints.',
    detection: 'Cloudflare: `/user/tokens/verify` (and the account endpoint) answer 1000',
    fix: 'Create a new token (it may have been deleted or rolled) and update the secret.',
    docs: DOCS.createToken,
    message: () =>
      'Cloudflare does not recognise this API token ("Invalid API Token"): it was deleted, rolled, or ' +
      'copied incompletely. Create a token with ' +
      `${TOKEN_PERMISSIONS} under My Profile → API Tokens and update the secret.`
  }),
  'token-inactive': entry<{ status: string; date?: string }>({
    title: 'API token not active',
    severity: 'error',
    cause: 'The token is disabled or expired.',
    detection: 'Cloudflare: token verify answers status `disabled` or `expired`',
    fix: 'Enable the token, extend its expiry, or roll a new one in the dashboard.',
    docs: DOCS.createToken,
    message: ({ status, date }) =>
      status === 'expired'
        ? `This API token expired${date ? ` on ${date}` : ''}. Create a new token (or edit its TTL) and update the secret.`
        : `This API token is ${status}. Enable it in My Profile → API Tokens, or create a new one and update the secret.`
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
  'token-expiring': entry<{ date: string; days: number }>({
    title: 'API token expires soon',
    severity: 'warning',
    cause: 'The token expires within 7 days.',
    detection: 'Cloudflare: token verify answers `expires_on` within 7 days',
    fix: 'Roll or extend the token before it expires.',
    docs: DOCS.createToken,
    message: ({ date, days }) =>
      `This API token expires on ${date} (in ${days} day${days === 1 ? '' : 's'}); purges will fail after that. ` +
      'Extend it or create a new one and update the secret.'
  }),
  'token-ip-restricted': entry<{ detail: string }>({
    title: 'API token refused from this runner',
    severity: 'error',
    cause: 'The token verifies, but Cloudflare answers 9109 "Invalid access token" to the request itself.',
    detection: 'Cloudflare: 9109 after a successful verify',
    fix: "Remove the token's Client IP Address Filtering, or run on a runner with a fixed address.",
    docs: DOCS.createToken,
    message: ({ detail }) =>
      `Cloudflare refused the token for this request (${detail}) although it is active. The token probably ` +
      'has a Client IP Address Filter that excludes this runner; GitHub-hosted runners change address on ' +
      'every run. Remove the filter, or use a self-hosted runner whose address the filter allows.'
  }),
  'account-token-no-account': entry({
    title: 'Account-owned token: account unknown',
    severity: 'error',
    cause: 'The token is not a user token and the account it belongs to could not be found to verify it.',
    detection: 'Cloudflare: 1000 at `/user/tokens/verify`, and the zone could not be read for its account',
    fix: 'Set `account_id` to the Account ID that owns the token.',
    docs: DOCS.accountTokens,
    message: () =>
      'Cloudflare does not know this API token as a user token. If it is an account-owned token (created ' +
      'under Manage Account → API Tokens), set `account_id` to the Account ID that owns it, or give it ' +
      'Zone → Zone → Read so the action can learn the account from the zone. Otherwise the token is invalid: ' +
      'deleted, rolled or copied incompletely; create a new one and update the secret.'
  }),
  'global-key-unknown': entry({
    title: 'Email and Global API Key do not match',
    severity: 'error',
    cause: 'Cloudflare answers 9103 "Unknown X-Auth-Key or X-Auth-Email".',
    detection: 'Cloudflare: 9103 at `/user`',
    fix: 'Use the email you log in with and the Global API Key of that same user; or switch to an API token.',
    docs: DOCS.keys,
    message: () =>
      'Cloudflare does not know this email and Global API Key together ("Unknown X-Auth-Key or X-Auth-Email"). ' +
      'The key belongs to one user: use the email address that user logs in with, and check the key was not ' +
      'regenerated. Better still, create a scoped API token and pass it as `api_token`.'
  }),
  'email-ignored': entry({
    title: 'email ignored',
    severity: 'warning',
    cause: '`email` is set together with `api_token`.',
    detection: 'input, before any request',
    fix: 'Remove `email`; it is only used with `global_key`.',
    message: () =>
      '`email` is set but only works with `global_key`; it is ignored because `api_token` is used. Remove it.'
  }),
  'global-key-in-use': entry({
    title: 'Consider an API token',
    severity: 'notice',
    cause: 'The run uses the Global API Key, which can do anything the user can.',
    detection: 'input',
    fix: 'Create an API token with only Zone → Cache Purge → Purge and use `api_token`.',
    docs: DOCS.createToken,
    message: () =>
      'This run uses the Global API Key, which can change anything in the account. An API token limited to ' +
      `${TOKEN_PERMISSIONS} on this zone is safer: pass it as \`api_token\` and remove \`email\` and \`global_key\`.`
  }),
  'bad-auth-header': entry<{ detail: string }>({
    title: 'Credential rejected as malformed',
    severity: 'error',
    cause: 'Cloudflare answers 6003 "Invalid request headers" (6111, 6102 or 6103 in its chain).',
    detection: 'Cloudflare: 6003 with 6111 / 6102 / 6103',
    fix: 'Check which secret goes in which input: token in `api_token`, key in `global_key`.',
    docs: DOCS.createToken,
    message: ({ detail }) =>
      `Cloudflare could not read the credential (${detail}). A token goes in \`api_token\`, a Global API ` +
      'Key in `global_key` with `email`; check that the secret holds only the credential.'
  }),

  // ── Zone ──────────────────────────────────────────────────────────────────
  'zone-invalid-id': entry<{ zone: string }>({
    title: 'Zone ID not recognised',
    severity: 'error',
    cause: 'Cloudflare answers 7003 "Could not route to /zones/…".',
    detection: 'Cloudflare: 7003 / 7000 on the zone',
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
    detection: 'Cloudflare: 10000 on the zone, then `GET /accounts/{id}` finds an account',
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
      "Cloudflare answers 10000 for the zone: it does not exist, or is not in the token's zone resources.",
    detection: 'Cloudflare: 10000 on `GET /zones/{id}` and on the purge',
    fix: "Add the zone to the token's Zone Resources, or check the Zone ID.",
    docs: DOCS.createToken,
    message: ({ zone }) =>
      `This credential cannot reach zone ${zone} ("Authentication error"). Either the ID is wrong (copy it ` +
      "from the zone's Overview page), or the token's Zone Resources do not include this zone: edit the " +
      'token and include it (Include → Specific zone, or All zones).'
  }),
  'zone-name-not-found': entry<{ tried: string[] }>({
    title: 'Zone not found',
    severity: 'error',
    cause: 'Looking the name up returns no zone.',
    detection: 'Cloudflare: `GET /zones?name=` answers an empty list for every candidate',
    fix: 'Give the token Zone → Zone → Read on the zone, or use the Zone ID instead of the name.',
    docs: DOCS.createToken,
    message: ({ tried }) =>
      `No zone named ${tried.map((n) => `"${n}"`).join(' or ')} is visible to this credential. Either the ` +
      'token lacks Zone → Zone → Read (needed to look zones up by name; or pass the Zone ID instead), or ' +
      'the domain is not a zone in this account.'
  }),
  'zone-unreadable': entry<{ zone: string }>({
    title: 'Zone details not readable',
    severity: 'notice',
    cause: "The zone's plan cannot be read (no Zone → Zone → Read), so safe batch sizes are used.",
    detection: 'Cloudflare: `GET /zones/{id}` refused while the purge may still be allowed',
    fix: 'Nothing needed; add Zone → Zone → Read or set `batch_size` for larger batches on Enterprise.',
    message: ({ zone }) =>
      `Could not read the plan of zone ${zone} (the token has no Zone → Zone → Read), so the safe limits ` +
      'are used: 30 URLs per request. On Enterprise, set `batch_size: 500` or grant Zone Read.'
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
  'rate-limited': entry<{ waitSeconds?: number; limit: string }>({
    title: 'Rate limited by Cloudflare',
    severity: 'error',
    cause: 'Cloudflare kept answering 429 / 971 beyond the retry budget.',
    detection: 'Cloudflare: 429 with code 971 after every retry',
    fix: 'Run again later, raise `timeout`, or purge fewer items (prefixes or tags instead of URLs).',
    docs: DOCS.limits,
    message: ({ waitSeconds, limit }) =>
      'Cloudflare kept answering "Please wait and consider throttling your request speed"' +
      `${waitSeconds !== undefined ? ` and last asked to wait ${waitSeconds} s` : ''}. The limit that applies: ` +
      `${limit}. Other jobs using the same account share it. Run again later, raise \`timeout\`, or purge by ` +
      'prefix or tag to send fewer requests.'
  }),
  'too-many-items': entry<{ type: string; size: number; limit: number }>({
    title: 'Batch too large; split',
    severity: 'warning',
    cause: 'Cloudflare rejected a request for carrying too many items.',
    detection: 'Cloudflare: 1094 / 1101 / 1111 or a "too many" message on `purge_cache`',
    fix: 'Nothing needed; set `batch_size` to the limit of your plan to save the extra requests.',
    docs: DOCS.purge,
    message: ({ type, size, limit }) =>
      `Cloudflare rejected ${size} ${type} in one request as too many, so batches were split to ${limit} and ` +
      "retried; nothing was lost. Set `batch_size` to your plan's limit to avoid the extra requests."
  }),
  'purge-not-sent': entry<{ limit: string }>({
    title: 'Time ran out',
    severity: 'error',
    cause: 'The `timeout` ran out before the rate limit let every purge request go.',
    detection: 'pacing: the next allowed send time is past the deadline set by `timeout`',
    fix: 'Raise `timeout`, or purge by prefix or tag to send fewer requests.',
    docs: DOCS.limits,
    message: ({ limit }) =>
      `They were never sent: the time allowed by \`timeout\` ran out before the rate limit (${limit}) ` +
      'let them go. Raise `timeout`, or purge by prefix or tag to send fewer requests.'
  }),
  'purge-failed': entry<{ detail: string }>({
    title: 'Purge failed',
    severity: 'error',
    cause: 'Cloudflare refused a purge request for another reason.',
    detection: 'Cloudflare: any other error on `purge_cache`, quoted verbatim',
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
    message: ({ detail }) => `Cloudflare answered an error: ${detail}.`
  }),
  'network-error': entry<{ detail: string }>({
    title: 'Cannot reach Cloudflare',
    severity: 'error',
    cause: 'The API could not be reached, or kept failing (timeouts, resets, 5xx) beyond the retry budget.',
    detection: 'network errors, timeouts, 5xx and HTML error pages after every retry',
    fix: 'Check `api_url`, proxy settings and https://www.cloudflarestatus.com/; run again.',
    message: ({ detail }) =>
      `Could not get an answer from the Cloudflare API: ${detail}. Check \`api_url\` and any proxy ` +
      '(HTTPS_PROXY / NO_PROXY), and https://www.cloudflarestatus.com/ for incidents; then run again.'
  })
} satisfies Record<string, Diagnosis<never>>

export type DiagnosisId = keyof typeof catalogue
type ParamsOf<K extends DiagnosisId> = Parameters<(typeof catalogue)[K]['message']>[0]

/** A reportable finding for one occurrence of a diagnosis. */
export function diagnose<K extends DiagnosisId>(
  id: K,
  ...params: ParamsOf<K> extends Record<string, never> ? [] : [ParamsOf<K>]
): Finding {
  const d = catalogue[id] as Diagnosis<unknown>
  return { id, title: d.title, severity: d.severity, message: d.message(params[0] ?? {}) }
}
