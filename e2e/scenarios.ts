// End-to-end scenarios as data: successes, every input mistake, every refusal from Cloudflare, and the
// network faults. e2e/faults.test.ts checks the faults in detail; e2e/secrets.test.ts runs them all with
// debug logging on and looks for secrets in everything they print.
import { startEmulator, type EmulatorOptions, type FaultRule } from '../emulator/index.js'
import { fixture, fixtureOptions } from '../emulator/fixtures.js'
import type { DiagnosisId } from '../src/diagnosis/catalogue.js'
import { runAction, type ActionRun } from './run-action.js'

const { zones, tokens, globalKey, accountId } = fixture

export interface Scenario {
  name: string
  inputs: Record<string, string>
  /** Emulator options on top of the fixture world (faults, limits). */
  emulator?: Partial<EmulatorOptions>
  /** Instead of the emulator's URL. */
  apiUrl?: string
  env?: Record<string, string>
  workspaceFiles?: Record<string, string>
  exitCode: 0 | 1
  /** Diagnoses that must be among the annotations (matched by title and level). */
  expects: DiagnosisId[]
  /** The first error annotation's message must match. */
  message?: RegExp
  /** Exactly the items Cloudflare purged (any zone, any order). */
  purged?: string[]
  /** Exactly the items in the failed_items output (any order). */
  failed?: string[]
}

export interface ScenarioRun {
  run: ActionRun
  /** What the emulator saw: every request and the items it purged. */
  requests: Array<{ method: string; path: string; headers: Record<string, string> }>
  purgedItems: unknown[]
  elapsedMs: number
}

/** Starts the emulator world for one scenario, runs the bundled action, and stops the emulator. */
export async function runScenario(
  scenario: Scenario,
  env: Record<string, string> = {}
): Promise<ScenarioRun> {
  const emulator = await startEmulator(fixtureOptions(scenario.emulator ?? {}))
  try {
    const started = Date.now()
    const run = await runAction(
      { api_url: scenario.apiUrl ?? emulator.url, ...scenario.inputs },
      {
        env: { ...scenario.env, ...env },
        ...(scenario.workspaceFiles ? { workspaceFiles: scenario.workspaceFiles } : {})
      }
    )
    return {
      run,
      requests: emulator.requests.map((r) => ({ method: r.method, path: r.path, headers: r.headers })),
      purgedItems: emulator.purgedItems(),
      elapsedMs: Date.now() - started
    }
  } finally {
    await emulator.close()
  }
}

/** The item as failed_items and the report show it. */
export function describePurged(item: unknown): string {
  if (typeof item === 'string') return item
  const { url, headers } = item as { url: string; headers?: Record<string, string> }
  return headers
    ? `${url} [${Object.entries(headers)
        .map(([k, v]) => `${k}: ${v}`)
        .join(', ')}]`
    : url
}

/** Every credential that a scenario uses: none may appear in anything the action prints. */
export const FIXTURE_SECRETS = [
  ...Object.values(tokens).map((t) => t.value),
  globalKey.key,
  globalKey.email,
  `${globalKey.email}:${globalKey.key}`
]

const UNKNOWN_TOKEN = 'FAKEunknownToken0000000000000000000000ab'
const WRONG_KEY = 'deadbeefdeadbeefdeadbeefdeadbeefdeadb'
const base = { zone: zones.free.id, api_token: tokens.user.value, files: 'https://example.com/a' }
const purgePath = (zoneId: string): string => `/zones/${zoneId}/purge_cache`
const fault = (rule: FaultRule): Partial<EmulatorOptions> => ({ faults: [rule] })

// ── Successes ───────────────────────────────────────────────────────────────

export const SUCCESSES: Scenario[] = [
  {
    name: 'files by zone ID with a token',
    inputs: base,
    exitCode: 0,
    expects: [],
    purged: ['https://example.com/a']
  },
  {
    name: 'zone by name, subdomain, tags, hosts, prefixes',
    inputs: {
      zone: 'www.example.com',
      api_token: tokens.userNewFormat.value,
      tags: 'a,b',
      hosts: 'www.example.com',
      prefixes: 'www.example.com/blog/'
    },
    exitCode: 0,
    expects: [],
    purged: ['a', 'b', 'www.example.com', 'www.example.com/blog/']
  },
  {
    name: 'account-owned token',
    inputs: { ...base, api_token: tokens.account.value },
    exitCode: 0,
    expects: [],
    purged: ['https://example.com/a']
  },
  {
    name: 'email and Global API Key',
    inputs: {
      zone: zones.free.id,
      email: globalKey.email,
      global_key: globalKey.key,
      purge_everything: 'true'
    },
    exitCode: 0,
    expects: ['global-key-in-use'],
    purged: ['everything']
  },
  {
    name: 'pasted "Bearer " and padding around the token',
    inputs: { ...base, api_token: ` "Bearer ${tokens.user.value}"\n` },
    exitCode: 0,
    expects: ['bearer-prefix', 'secret-padding'],
    purged: ['https://example.com/a']
  },
  {
    name: 'token together with an email',
    inputs: { ...base, email: globalKey.email },
    exitCode: 0,
    expects: ['email-ignored'],
    purged: ['https://example.com/a']
  },
  {
    name: 'files with headers from files_from, dry run',
    inputs: { zone: 'example.com', api_token: tokens.user.value, files_from: 'urls.json', dry_run: 'true' },
    workspaceFiles: {
      'urls.json': JSON.stringify([{ url: 'https://example.com/a', headers: { 'CF-Device-Type': 'mobile' } }])
    },
    exitCode: 0,
    expects: [],
    purged: [],
    failed: []
  },
  {
    name: 'token that expires soon',
    inputs: { ...base, api_token: tokens.expiringSoon.value },
    exitCode: 0,
    expects: ['token-expiring'],
    purged: ['https://example.com/a']
  },
  {
    name: 'file outside the zone',
    inputs: { ...base, zone: 'example.com', files: 'https://pro.example.net/x' },
    exitCode: 0,
    expects: ['file-outside-zone'],
    purged: ['https://pro.example.net/x']
  },
  {
    name: 'token without Zone Read, zone by ID',
    inputs: { ...base, api_token: tokens.noZoneRead.value },
    exitCode: 0,
    expects: ['zone-unreadable'],
    purged: ['https://example.com/a']
  },
  {
    name: 'batch too large for Cloudflare, split and retried',
    inputs: {
      ...base,
      files: 'https://example.com/1 https://example.com/2 https://example.com/3',
      batch_size: '3'
    },
    emulator: { filesPerRequest: { free: 2 } },
    exitCode: 0,
    expects: ['too-many-items'],
    purged: ['https://example.com/1', 'https://example.com/2', 'https://example.com/3']
  }
]

// ── Input mistakes: found before any request ────────────────────────────────

export const INPUT_ERRORS: Scenario[] = (
  [
    ['no credential', { ...base, api_token: '' }, 'no-credential'],
    ['both credentials', { ...base, email: globalKey.email, global_key: globalKey.key }, 'both-credentials'],
    [
      'global_key without email',
      { ...base, api_token: '', global_key: globalKey.key },
      'incomplete-global-key'
    ],
    [
      'email that is not one',
      { ...base, api_token: '', email: 'admin', global_key: globalKey.key },
      'bad-email'
    ],
    [
      'token with a space inside',
      { ...base, api_token: `${tokens.user.value} ${tokens.account.value}` },
      'secret-inner-space'
    ],
    ['token with odd characters', { ...base, api_token: `${tokens.user.value}!` }, 'secret-bad-characters'],
    ['Global API Key as the token', { ...base, api_token: globalKey.key }, 'global-key-as-token'],
    [
      'token as the Global API Key',
      { ...base, api_token: '', email: globalKey.email, global_key: tokens.user.value },
      'token-as-global-key'
    ],
    ['Origin CA key', { ...base, api_token: 'v1.0-0123456789abcdef-0123456789abcdef' }, 'origin-ca-key'],
    ['zone neither ID nor name', { ...base, zone: 'not a zone!' }, 'bad-zone'],
    ['no zone for tags', { ...base, zone: '', files: '', tags: 'release-1' }, 'no-zone'],
    ['account ID malformed', { ...base, account_id: 'acc-1' }, 'bad-account-id'],
    ['bad boolean', { ...base, dry_run: 'yes' }, 'bad-option'],
    ['nothing to purge', { ...base, files: '' }, 'nothing-to-purge'],
    ['everything with items', { ...base, purge_everything: 'true' }, 'everything-with-items'],
    ['relative URL', { ...base, files: '/a.css' }, 'relative-url'],
    ['wildcard URL', { ...base, files: 'https://example.com/*' }, 'bad-url'],
    ['invalid JSON', { ...base, files: '["https://example.com/a",' }, 'bad-files-json'],
    ['files_from missing', { ...base, files: '', files_from: 'missing.txt' }, 'files-from-unreadable'],
    ['prefix with a scheme', { ...base, files: '', prefixes: 'https://example.com/blog/' }, 'bad-prefix'],
    ['tag with a space', { ...base, files: '', tags: 'two words' }, 'bad-tag'],
    ['host with a path', { ...base, files: '', hosts: 'https://www.example.com/x' }, 'bad-host'],
    ['http api_url elsewhere', { ...base, api_url: 'http://api.example.com/client/v4' }, 'bad-option']
  ] as Array<[string, Record<string, string>, DiagnosisId]>
).map(([name, inputs, id]) => ({
  name,
  inputs,
  ...(inputs.api_url ? { apiUrl: inputs.api_url } : {}),
  exitCode: 1,
  expects: [id],
  purged: [],
  failed: []
}))

// ── Refusals from Cloudflare ────────────────────────────────────────────────

export const REFUSALS: Scenario[] = [
  {
    name: 'unknown token',
    inputs: { ...base, api_token: UNKNOWN_TOKEN, account_id: accountId },
    exitCode: 1,
    expects: ['token-invalid'],
    purged: []
  },
  {
    name: 'disabled token',
    inputs: { ...base, api_token: tokens.disabled.value },
    exitCode: 1,
    expects: ['token-inactive'],
    purged: []
  },
  {
    name: 'expired token',
    inputs: { ...base, api_token: tokens.expired.value },
    exitCode: 1,
    expects: ['token-inactive'],
    purged: []
  },
  {
    name: 'token not valid yet',
    inputs: { ...base, api_token: tokens.notYetValid.value },
    exitCode: 1,
    expects: ['token-not-yet-valid'],
    purged: []
  },
  {
    name: 'token restricted to other IPs',
    inputs: { ...base, api_token: tokens.ipRestricted.value },
    exitCode: 1,
    expects: ['token-ip-restricted'],
    purged: []
  },
  {
    name: 'account token, zone in another account',
    inputs: { ...base, zone: zones.otherAccount.id, api_token: tokens.account.value },
    exitCode: 1,
    expects: ['account-token-no-account'],
    purged: []
  },
  {
    name: 'Global API Key with the wrong key',
    inputs: { ...base, api_token: '', email: globalKey.email, global_key: WRONG_KEY },
    exitCode: 1,
    expects: ['global-key-unknown'],
    purged: []
  },
  {
    name: 'zone outside the token scope',
    inputs: { ...base, api_token: tokens.scopedToOtherZone.value },
    exitCode: 1,
    expects: ['zone-not-visible'],
    purged: [],
    failed: ['https://example.com/a']
  },
  {
    name: 'token may not purge',
    inputs: { ...base, api_token: tokens.noPurge.value },
    exitCode: 1,
    expects: ['purge-not-permitted'],
    purged: [],
    failed: ['https://example.com/a']
  },
  {
    name: 'account ID given as zone',
    inputs: { ...base, zone: accountId },
    exitCode: 1,
    expects: ['zone-is-account-id'],
    purged: [],
    failed: ['https://example.com/a']
  },
  {
    name: 'zone name unknown',
    inputs: { ...base, zone: 'unknown.example', files: 'https://unknown.example/a' },
    exitCode: 1,
    expects: ['zone-name-not-found'],
    purged: [],
    failed: ['https://unknown.example/a']
  },
  {
    name: 'item in none of the zones',
    inputs: { ...base, zone: 'example.com\npro.example.net', files: 'https://elsewhere.example/a' },
    exitCode: 1,
    expects: ['host-in-no-zone'],
    purged: [],
    failed: ['https://elsewhere.example/a']
  },
  {
    name: 'malformed Authorization header (6003/6111)',
    inputs: base,
    emulator: fault({
      path: '/user/tokens/verify',
      action: {
        status: 400,
        body: {
          success: false,
          errors: [
            {
              code: 6003,
              message: 'Invalid request headers',
              error_chain: [{ code: 6111, message: 'Invalid format for Authorization header' }]
            }
          ],
          messages: [],
          result: null
        }
      }
    }),
    exitCode: 1,
    expects: ['bad-auth-header'],
    purged: []
  },
  {
    name: 'zone ID refused as malformed (7003)',
    inputs: base,
    emulator: fault({
      path: `/zones/${zones.free.id}`,
      action: {
        status: 400,
        body: {
          success: false,
          errors: [
            {
              code: 7003,
              message: 'Could not route to /zones/x, perhaps your object identifier is invalid?'
            },
            { code: 7000, message: 'No route for that URI' }
          ],
          messages: [],
          result: null
        }
      }
    }),
    exitCode: 1,
    expects: ['zone-invalid-id'],
    purged: []
  },
  {
    name: 'an error code nobody knows',
    inputs: base,
    emulator: fault({
      path: purgePath(zones.free.id),
      action: {
        status: 400,
        body: {
          success: false,
          errors: [{ code: 99999, message: 'Something new' }],
          messages: [],
          result: null
        }
      }
    }),
    exitCode: 1,
    expects: ['purge-failed'],
    message: /99999 Something new/,
    purged: [],
    failed: ['https://example.com/a']
  }
]

// ── Network faults ──────────────────────────────────────────────────────────

/** Two zones: the free one answers normally, the pro one's purges meet the fault. Tags go to both. */
const twoZones = {
  zone: 'example.com\npro.example.net',
  api_token: tokens.user.value,
  files: 'https://example.com/a https://pro.example.net/b',
  tags: 'release-1',
  timeout: '3'
}
const FREE_PURGED = ['https://example.com/a', 'release-1']
const PRO_FAILED = ['https://pro.example.net/b', 'release-1']
const onProPurge = (action: FaultRule['action'], times?: number): Partial<EmulatorOptions> => ({
  faults: [{ method: 'POST', path: purgePath(zones.pro.id), action, ...(times ? { times } : {}) }]
})
const errorPage = (status: number, title: string): string =>
  `<!DOCTYPE html><html><head><title>${title}</title></head><body><h1>${title}</h1>` +
  `<p>cloudflare</p>${'<!-- padding -->'.repeat(50)}</body></html>`
const envelope = (result: unknown): object => ({ success: true, errors: [], messages: [], result })

export const FAULTS: Scenario[] = [
  {
    name: 'HTTP 500 with an HTML page',
    inputs: { ...twoZones, timeout: '5' },
    emulator: onProPurge({ status: 500, body: errorPage(500, '500 Internal Server Error') }),
    exitCode: 1,
    expects: ['network-error'],
    message: /HTTP 500 with an HTML page "500 Internal Server Error".*after \d attempts/,
    purged: FREE_PURGED,
    failed: PRO_FAILED
  },
  {
    name: 'HTTP 502 with an HTML page',
    inputs: twoZones,
    emulator: onProPurge({ status: 502, body: errorPage(502, 'example.com | 502: Bad gateway') }),
    exitCode: 1,
    expects: ['network-error'],
    message: /HTTP 502 with an HTML page "example\.com \| 502: Bad gateway"/,
    purged: FREE_PURGED,
    failed: PRO_FAILED
  },
  {
    name: 'HTTP 503 with an HTML page and Retry-After',
    inputs: twoZones,
    emulator: onProPurge({
      status: 503,
      body: errorPage(503, '503 Service Temporarily Unavailable'),
      headers: { 'retry-after': '1' }
    }),
    exitCode: 1,
    expects: ['network-error'],
    message: /HTTP 503 with an HTML page "503 Service Temporarily Unavailable"/,
    purged: FREE_PURGED,
    failed: PRO_FAILED
  },
  {
    name: 'JSON cut short in the body',
    inputs: twoZones,
    emulator: onProPurge({
      status: 200,
      body: '{"success":true,"errors":[],"result":{"id":"ab',
      headers: { 'content-type': 'application/json' }
    }),
    exitCode: 1,
    expects: ['unreadable-answer'],
    message: /HTTP 200 with a body that is not JSON \(perhaps cut short\)/,
    purged: FREE_PURGED,
    failed: PRO_FAILED
  },
  {
    name: 'connection closed in the middle of the body',
    inputs: twoZones,
    emulator: onProPurge({ status: 200, body: envelope({ id: 'a'.repeat(32) }), cutAfterBytes: 12 }),
    exitCode: 1,
    expects: ['network-error'],
    message: /the connection was closed before a complete answer arrived/,
    purged: FREE_PURGED,
    failed: PRO_FAILED
  },
  {
    name: 'a body that is not JSON',
    inputs: twoZones,
    emulator: onProPurge({
      status: 200,
      body: 'upstream connect error or disconnect/reset before headers',
      headers: { 'content-type': 'text/plain' }
    }),
    exitCode: 1,
    expects: ['unreadable-answer'],
    message: /a body that is not JSON/,
    purged: FREE_PURGED,
    failed: PRO_FAILED
  },
  {
    name: 'success: true with result: null',
    inputs: twoZones,
    emulator: onProPurge({ status: 200, body: envelope(null) }),
    exitCode: 1,
    expects: ['unreadable-answer'],
    message: /reported success but its answer did not contain a purge ID/,
    purged: FREE_PURGED,
    failed: PRO_FAILED
  },
  {
    name: 'connection reset',
    inputs: { ...twoZones, timeout: '5' },
    emulator: onProPurge({ reset: true }),
    exitCode: 1,
    expects: ['network-error'],
    message: /the connection was (reset|closed before a complete answer arrived).*after \d attempts/,
    purged: FREE_PURGED,
    failed: PRO_FAILED
  },
  {
    name: 'a server that never answers the purge',
    inputs: { ...twoZones, timeout: '3' },
    emulator: onProPurge({ hang: true }),
    exitCode: 1,
    expects: ['network-error'],
    message: /no answer before the time allowed by `timeout` ran out/,
    purged: FREE_PURGED,
    failed: PRO_FAILED
  },
  {
    name: 'a 429 storm longer than the retry budget',
    inputs: { ...twoZones, timeout: '4' },
    emulator: onProPurge({ status: 429, headers: { 'retry-after': '1' } }),
    exitCode: 1,
    expects: ['rate-limited'],
    message:
      /kept answering 429 "Please wait and consider throttling your request speed" \(\d answers\)\. Cloudflare asks to wait 1 s; the timeout leaves \d s/,
    purged: FREE_PURGED,
    failed: PRO_FAILED
  },
  {
    name: 'an answer larger than 1 MiB',
    inputs: twoZones,
    emulator: onProPurge({ status: 200, body: envelope({ id: 'a', padding: 'x'.repeat(1_100_000) }) }),
    exitCode: 1,
    // Named as the answer it was, not as Cloudflare out of reach.
    expects: ['unreadable-answer'],
    message: /answer \(HTTP 200\) was larger than 1 MiB/,
    purged: FREE_PURGED,
    failed: PRO_FAILED
  },
  {
    name: 'HTTP 500 on verify: nothing purged',
    inputs: { ...twoZones, timeout: '5' },
    emulator: fault({
      path: '/user/tokens/verify',
      action: { status: 500, body: errorPage(500, 'Internal Server Error') }
    }),
    exitCode: 1,
    expects: ['network-error'],
    message:
      /HTTP 500 with an HTML page "Internal Server Error" instead of JSON \(GET \/user\/tokens\/verify after \d attempts\)/,
    purged: [],
    failed: ['https://example.com/a', 'https://pro.example.net/b', 'release-1']
  },
  {
    name: 'a server that never answers at all',
    inputs: { ...twoZones, timeout: '2' },
    emulator: fault({ action: { hang: true } }),
    exitCode: 1,
    expects: ['network-error'],
    message: /no answer before the time allowed by `timeout` ran out/,
    purged: [],
    failed: ['https://example.com/a', 'https://pro.example.net/b', 'release-1']
  },
  {
    name: 'every connection reset',
    inputs: twoZones,
    emulator: fault({ action: { reset: true } }),
    exitCode: 1,
    expects: ['network-error'],
    message: /the connection was (reset|closed before a complete answer arrived)/,
    purged: [],
    failed: ['https://example.com/a', 'https://pro.example.net/b', 'release-1']
  },
  {
    name: 'success: true with result: null on verify',
    inputs: base,
    emulator: fault({ path: '/user/tokens/verify', action: { status: 200, body: envelope(null) } }),
    exitCode: 1,
    expects: ['unreadable-answer'],
    message: /did not contain the token status/,
    purged: [],
    failed: ['https://example.com/a']
  },
  {
    name: 'DNS failure for api_url',
    inputs: { ...base, timeout: '10' },
    apiUrl: 'https://nonexistent.invalid/client/v4',
    exitCode: 1,
    expects: ['network-error'],
    message: /could not be resolved \(DNS/,
    purged: [],
    failed: ['https://example.com/a']
  },
  {
    name: 'a redirect from the API',
    inputs: base,
    emulator: fault({
      path: '/user/tokens/verify',
      action: { status: 302, headers: { location: 'http://127.0.0.1:9/collect' }, body: '' }
    }),
    exitCode: 1,
    expects: ['network-error'],
    message: /redirect to http:\/\/127\.0\.0\.1:9\/collect, which is not followed with credentials/,
    purged: [],
    failed: ['https://example.com/a']
  },
  {
    name: 'one HTTP 502, then an answer',
    inputs: { ...twoZones, timeout: '10' },
    emulator: onProPurge({ status: 502, body: errorPage(502, 'Bad gateway') }, 2),
    exitCode: 0,
    expects: [],
    purged: [...FREE_PURGED, ...PRO_FAILED],
    failed: []
  },
  {
    name: 'one connection reset, then an answer',
    inputs: { ...twoZones, timeout: '10' },
    emulator: onProPurge({ reset: true }, 2),
    exitCode: 0,
    expects: [],
    purged: [...FREE_PURGED, ...PRO_FAILED],
    failed: []
  },
  {
    name: 'one 429, then an answer',
    inputs: { ...twoZones, timeout: '10' },
    emulator: onProPurge({ status: 429, headers: { 'retry-after': '1' } }, 2),
    exitCode: 0,
    expects: [],
    purged: [...FREE_PURGED, ...PRO_FAILED],
    failed: []
  }
]

// ── Cloudflare's answers quoting the secret back ────────────────────────────

const echo = (secret: string): object => ({
  success: false,
  errors: [
    {
      code: 99998,
      message: `Invalid credential ${secret}`,
      error_chain: [{ code: 99997, message: `X-Auth: ${secret}; Authorization: Bearer ${secret}` }]
    }
  ],
  messages: [{ code: 1, message: secret }],
  result: null
})

export const ECHOES: Scenario[] = [
  {
    name: 'error message quoting the token',
    inputs: base,
    emulator: fault({
      path: purgePath(zones.free.id),
      action: { status: 400, body: echo(tokens.user.value) }
    }),
    exitCode: 1,
    expects: ['purge-failed'],
    purged: [],
    failed: ['https://example.com/a']
  },
  {
    name: 'error message quoting the Global API Key and email',
    inputs: { zone: zones.free.id, email: globalKey.email, global_key: globalKey.key, tags: 't' },
    emulator: fault({
      path: '/user',
      action: { status: 403, body: echo(`${globalKey.email}:${globalKey.key}`) }
    }),
    exitCode: 1,
    expects: ['cloudflare-error'],
    purged: []
  },
  {
    name: 'HTML page whose title quotes the token',
    inputs: base,
    emulator: fault({
      path: '/user/tokens/verify',
      action: { status: 502, body: `<html><title>Bad token ${tokens.user.value}</title></html>` }
    }),
    exitCode: 1,
    expects: ['network-error'],
    purged: []
  },
  {
    name: 'redirect whose Location quotes the token',
    inputs: base,
    emulator: fault({
      path: '/user/tokens/verify',
      action: {
        status: 301,
        headers: { location: `https://collector.invalid/?t=${tokens.user.value}` },
        body: ''
      }
    }),
    exitCode: 1,
    expects: ['network-error'],
    purged: []
  },
  {
    name: 'retried 429 whose message quotes the token as pasted, with padding',
    inputs: { ...base, api_token: `  ${tokens.userNewFormat.value}  ` },
    emulator: fault({
      method: 'POST',
      path: purgePath(zones.free.id),
      times: 1,
      action: { status: 429, body: echo(tokens.userNewFormat.value) }
    }),
    exitCode: 0,
    expects: ['secret-padding'],
    purged: ['https://example.com/a']
  }
]

export const ALL_SCENARIOS: Scenario[] = [...SUCCESSES, ...INPUT_ERRORS, ...REFUSALS, ...FAULTS, ...ECHOES]

/** Runs scenarios a few at a time (most of their time is spent waiting on timers and child processes). */
export async function runAll<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items]
  await Promise.all(
    Array.from({ length: Math.min(limit, queue.length) }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await fn(item)
    })
  )
}
