// The end-to-end scenarios, as one table: successes, every input mistake, every refusal from Cloudflare,
// the network faults, and answers that quote a secret back. e2e/scenarios.test.ts runs each one against
// the emulator with the runner's debug logging on, checks what it declares (annotations and their key
// words, exit code, how far it got, what was and was not purged), and scans everything it wrote for
// secrets; it also checks that every diagnosis in the catalogue, and every one the code raises, has one.
import { expect } from '@jest/globals'
import {
  startEdge,
  type EmulatorOptions,
  type FaultRule,
  type RunningEdge,
  type RunningEmulator
} from '../emulator/index.js'
import { fixture } from '../emulator/fixtures.js'
import { catalogue, type DiagnosisId } from '../src/diagnosis/catalogue.js'
import { secretForms } from '../src/report/redactor.js'
import { deadUrl, envelopeError, withEmulator } from './emulator-setup.js'
import { failedItemsOf } from './expectations.js'
import { runAction, type ActionRun } from './run-action.js'

const { zones, tokens, globalKey, accountId } = fixture

export interface Scenario {
  name: string
  inputs: Record<string, string>
  /** Emulator options on top of the fixture world (tokens, faults, limits). */
  emulator?: Partial<EmulatorOptions>
  /** Instead of the emulator's URL; 'dead': the URL of an emulator that was started and closed. */
  apiUrl?: string
  env?: Record<string, string>
  workspaceFiles?: Record<string, string>
  /**
   * Diagnoses that must be among the annotations (matched by title and level), each with key words that
   * the messages of its annotations must contain.
   */
  expects: Partial<Record<DiagnosisId, RegExp[]>>
  /** Default: 1 when an expected diagnosis is an error, otherwise 0 (and then no error annotation at all). */
  exitCode?: 0 | 1
  /** The first error annotation's message must match. */
  message?: RegExp
  /** How far the run got: no request at all, no purge (or invalidate) request, or some (accepted or not). */
  reached?: 'nothing' | 'no-purge' | 'purge'
  /** Exactly the items Cloudflare purged (any zone, any order), and the purged_count output. */
  purged?: string[]
  /** Exactly the items in the failed_items output (any order), and the failed_count output. */
  failed?: string[]
  /** Further checks on the run and on what the emulator saw. */
  then?: (run: ActionRun, cf: RunningEmulator) => void
  /**
   * The edge stand-in (emulator/edge.ts), set up for the run and reached as its proxy: for `verify`.
   * Without it, no proxy is set.
   */
  edge?: (edge: RunningEdge) => void
}

export interface ScenarioRun {
  run: ActionRun
  /** The emulator after the run (closed): every request it saw and what it purged. */
  cf: RunningEmulator
  elapsedMs: number
}

/** The exit code a scenario expects. */
export function exitCodeOf(scenario: Scenario): 0 | 1 {
  if (scenario.exitCode !== undefined) return scenario.exitCode
  const ids = Object.keys(scenario.expects) as DiagnosisId[]
  return ids.some((id) => catalogue[id].severity === 'error') ? 1 : 0
}

/**
 * Starts the world of one scenario: the emulator, and the edge stand-in when the scenario sets one up;
 * gives `work` the emulator, the API URL and the environment that reaches the edge; stops them after.
 */
export async function withScenarioWorld<T>(
  scenario: Scenario,
  work: (cf: RunningEmulator, apiUrl: string, env: Record<string, string>) => Promise<T>
): Promise<T> {
  return withEmulator(scenario.emulator ?? {}, async (cf) => {
    const apiUrl = scenario.apiUrl === 'dead' ? await deadUrl() : (scenario.apiUrl ?? cf.url)
    if (!scenario.edge) return work(cf, apiUrl, { ...scenario.env })
    const edge = await startEdge(cf)
    try {
      scenario.edge(edge)
      const proxy = {
        HTTPS_PROXY: edge.proxyUrl,
        HTTP_PROXY: edge.proxyUrl,
        NODE_EXTRA_CA_CERTS: edge.caFile
      }
      return await work(cf, apiUrl, { ...proxy, ...scenario.env })
    } finally {
      await edge.close()
    }
  })
}

/** Starts the world for one scenario, runs the bundled action, and stops the world. */
export async function runScenario(
  scenario: Scenario,
  env: Record<string, string> = {}
): Promise<ScenarioRun> {
  return withScenarioWorld(scenario, async (cf, apiUrl, worldEnv) => {
    const started = Date.now()
    const run = await runAction(
      { api_url: apiUrl, ...scenario.inputs },
      {
        env: { ...worldEnv, ...env },
        ...(scenario.workspaceFiles ? { workspaceFiles: scenario.workspaceFiles } : {})
      }
    )
    return { run, cf, elapsedMs: Date.now() - started }
  })
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

/** Every credential of the fixture world: none may appear in anything the action prints. */
export const FIXTURE_SECRETS = [
  ...Object.values(tokens).map((t) => t.value),
  globalKey.key,
  globalKey.email,
  `${globalKey.email}:${globalKey.key}`
]

/**
 * The secrets a scenario must never show: the fixture's, each credential input in every form the action
 * masks, and every word of eight characters or more of them.
 */
export function secretsOf(scenario: Scenario): string[] {
  const given = ['api_token', 'global_key', 'email']
    .map((name) => scenario.inputs[name] ?? '')
    .filter((v) => v.trim() !== '')
  const words = given.flatMap((v) => v.split(/[\s"]+/)).filter((w) => w.length >= 8)
  return [...new Set([...FIXTURE_SECRETS, ...given.flatMap(secretForms), ...words])]
}

/** Entries whose scenarios need more than the emulator (a GitHub stand-in, a zone-by-zone token). */
export const TESTED_ELSEWHERE: Partial<Record<DiagnosisId, string>> = {
  'zone-name-unknown': './zones.test.ts',
  'changes-api-error': './changed-files.test.ts',
  'changes-too-many': './changed-files.test.ts',
  'nothing-changed': './changed-files.test.ts',
  'purge-not-sent': './scale.test.ts',
  'bad-changed-url': './items.test.ts',
  'api-budget-exhausted': './failures.test.ts'
}

/** Made-up credentials the fixture world does not know, in each format. */
const unknown = {
  legacyToken: 'FAKEunknownToken0000000000000000000000ab',
  userToken: `cfut_${'FAKEunknownUserToken'.padEnd(40, '0')}0badf00d`,
  accountTokenNoZoneRead: `cfat_${'FAKEaccountTokenNoZoneRead'.padEnd(40, '0')}c0ffee01`,
  originCaKey: `v1.0-${'0123456789abcdef01234567'}-${'ab'.repeat(73)}`
}
/** An account-owned token that may purge but not read zones, so its account cannot be learnt. */
const ACCOUNT_TOKEN_WORLD: Partial<EmulatorOptions> = {
  tokens: [
    ...Object.values(tokens),
    { value: unknown.accountTokenNoZoneRead, owner: 'account', accountId, permissions: ['cache.purge'] }
  ]
}
const WRONG_KEY = 'deadbeefdeadbeefdeadbeefdeadbeefdeadb'
const FREE = { zone: zones.free.id, api_token: tokens.user.value, files: 'https://example.com/a' }
const OTHER_ZONE_NAMES = [zones.pro.name, zones.business.name, zones.enterprise.name, zones.otherAccount.name]
const purgePath = (zoneId: string): string => `/zones/${zoneId}/purge_cache`
const fault = (rule: FaultRule): Partial<EmulatorOptions> => ({ faults: [rule] })
const envelope = (result: unknown): object => ({ success: true, errors: [], messages: [], result })
const errorPage = (status: number, title: string): string =>
  `<!DOCTYPE html><html><head><title>${title}</title></head><body><h1>${title}</h1>` +
  `<p>cloudflare</p>${'<!-- padding -->'.repeat(50)}</body></html>`

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

/** An error answer that quotes a secret in its message, its chain and its messages. */
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

export const SCENARIOS: Scenario[] = [
  // ── Successes ─────────────────────────────────────────────────────────────
  {
    name: 'files by zone ID with a token',
    inputs: FREE,
    expects: {},
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
    expects: {},
    purged: ['a', 'b', 'www.example.com', 'www.example.com/blog/']
  },
  {
    name: 'account-owned token',
    inputs: { ...FREE, api_token: tokens.account.value },
    expects: {},
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
    expects: { 'global-key-in-use': [] },
    purged: ['everything']
  },
  {
    name: 'pasted "Bearer " and padding around the token',
    inputs: { ...FREE, api_token: ` "Bearer ${tokens.user.value}"\n` },
    expects: { 'bearer-prefix': [], 'secret-padding': [] },
    purged: ['https://example.com/a']
  },
  {
    name: 'files with headers from files_from, dry run',
    inputs: { zone: 'example.com', api_token: tokens.user.value, files_from: 'urls.json', dry_run: 'true' },
    workspaceFiles: {
      'urls.json': JSON.stringify([{ url: 'https://example.com/a', headers: { 'CF-Device-Type': 'mobile' } }])
    },
    expects: {},
    purged: [],
    failed: []
  },
  {
    name: 'file outside the zone',
    inputs: { ...FREE, zone: 'example.com', files: 'https://pro.example.net/x' },
    expects: { 'outside-zone': [] },
    purged: ['https://pro.example.net/x']
  },
  {
    name: 'batch too large for Cloudflare, split and retried',
    inputs: {
      ...FREE,
      files: 'https://example.com/1 https://example.com/2 https://example.com/3',
      batch_size: '3'
    },
    emulator: { filesPerRequest: { free: 2 } },
    expects: { 'too-many-items': [] },
    purged: ['https://example.com/1', 'https://example.com/2', 'https://example.com/3']
  },
  // ── Inputs: found before any request ──────────────────────────────────────
  // An input error stops the run before any request; failed_items lists the valid items it was asked to
  // purge (never an invalid one), so that a later step knows what is still cached.
  {
    name: 'no credential',
    inputs: { ...FREE, api_token: '' },
    expects: { 'no-credential': [/No Cloudflare credential/, /secrets\.CLOUDFLARE_API_TOKEN/] },
    reached: 'nothing',
    purged: [],
    failed: ['https://example.com/a']
  },
  {
    name: 'token and global key together',
    inputs: { ...FREE, email: globalKey.email, global_key: globalKey.key },
    expects: { 'both-credentials': [/Both `api_token` and `global_key`/, /Keep `api_token`/] },
    reached: 'nothing',
    purged: [],
    failed: ['https://example.com/a']
  },
  {
    name: 'global_key without email',
    inputs: { ...FREE, api_token: '', global_key: globalKey.key },
    expects: { 'incomplete-global-key': [/`email` is empty/, /set `email`/] },
    reached: 'nothing',
    purged: [],
    failed: ['https://example.com/a']
  },
  {
    name: 'email that is not an email',
    inputs: { ...FREE, api_token: '', email: 'admin.example.com', global_key: globalKey.key },
    expects: { 'bad-email': [/not an email address/, /name@example\.com/] },
    reached: 'nothing'
  },
  {
    name: 'email without a domain',
    inputs: { ...FREE, api_token: '', email: 'admin', global_key: globalKey.key },
    expects: { 'bad-email': [] },
    reached: 'nothing',
    purged: [],
    failed: ['https://example.com/a']
  },
  {
    name: '"Bearer " pasted in front of the token, twice',
    inputs: { ...FREE, api_token: `Bearer Bearer ${tokens.user.value}` },
    expects: { 'bearer-prefix': [/`api_token` starts with "Bearer "/, /removed/, /Store only the token/] },
    reached: 'purge',
    then: (run, cf) => {
      expect(run.warnings.filter((w) => w.title === catalogue['bearer-prefix'].title)).toHaveLength(1)
      expect(cf.purgeRequests()[0]?.headers.authorization).toBe(`Bearer ${tokens.user.value}`)
    }
  },
  {
    name: 'token in quotes with a trailing line break',
    inputs: { ...FREE, api_token: `"${tokens.user.value}"\n` },
    expects: { 'secret-padding': [/quotes, spaces or a line break around it/, /save the secret again/] },
    reached: 'purge',
    then: (run, cf) =>
      expect(cf.purgeRequests()[0]?.headers.authorization).toBe(`Bearer ${tokens.user.value}`)
  },
  {
    name: 'line break inside the token',
    inputs: { ...FREE, api_token: `${tokens.user.value.slice(0, 20)}\n${tokens.user.value.slice(20)}` },
    expects: { 'secret-inner-space': [/spaces or a line break inside it/, /Copy it again/] },
    reached: 'nothing'
  },
  {
    name: 'two tokens with a space between them',
    inputs: { ...FREE, api_token: `${tokens.user.value} ${tokens.account.value}` },
    expects: { 'secret-inner-space': [] },
    reached: 'nothing',
    purged: [],
    failed: ['https://example.com/a']
  },
  {
    name: 'characters no credential has',
    inputs: { ...FREE, api_token: 'FAKEtoken$with%odd!characters00000000000' },
    expects: { 'secret-bad-characters': [/characters that Cloudflare API tokens and keys never contain/] },
    reached: 'nothing'
  },
  {
    name: 'a real token with an odd character after it',
    inputs: { ...FREE, api_token: `${tokens.user.value}!` },
    expects: { 'secret-bad-characters': [] },
    reached: 'nothing',
    purged: [],
    failed: ['https://example.com/a']
  },
  {
    name: 'Global API Key given as api_token',
    inputs: { ...FREE, api_token: globalKey.key },
    expects: {
      'global-key-as-token': [
        /looks like a Global API Key/,
        /Cache Purge → Purge/,
        /`global_key` together with `email`/
      ]
    },
    reached: 'nothing',
    purged: [],
    failed: ['https://example.com/a']
  },
  {
    name: 'new-format Global API Key (cfk_) given as api_token',
    inputs: { ...FREE, api_token: `cfk_${'FAKEglobalKeyNewFormat'.padEnd(40, '0')}deadbeef` },
    expects: { 'global-key-as-token': [/looks like a Global API Key/] },
    reached: 'nothing'
  },
  {
    name: 'API token given as global_key',
    inputs: { ...FREE, api_token: '', email: globalKey.email, global_key: tokens.userNewFormat.value },
    expects: { 'token-as-global-key': [/`global_key` looks like an API token/, /Pass it as `api_token`/] },
    reached: 'nothing'
  },
  {
    name: 'legacy API token given as global_key',
    inputs: { ...FREE, api_token: '', email: globalKey.email, global_key: tokens.user.value },
    expects: { 'token-as-global-key': [] },
    reached: 'nothing',
    purged: [],
    failed: ['https://example.com/a']
  },
  {
    name: 'Origin CA key given as api_token',
    inputs: { ...FREE, api_token: unknown.originCaKey },
    expects: { 'origin-ca-key': [/`api_token` is an Origin CA key/, /cannot purge/, /Create an API token/] },
    reached: 'nothing'
  },
  {
    name: 'Origin CA key given as global_key',
    inputs: { ...FREE, api_token: '', email: globalKey.email, global_key: unknown.originCaKey },
    expects: { 'origin-ca-key': [/`global_key` is an Origin CA key/] },
    reached: 'nothing'
  },
  {
    name: 'short Origin CA key given as api_token',
    inputs: { ...FREE, api_token: 'v1.0-0123456789abcdef-0123456789abcdef' },
    expects: { 'origin-ca-key': [] },
    reached: 'nothing',
    purged: [],
    failed: ['https://example.com/a']
  },
  {
    name: 'Account ID given as api_token',
    inputs: { ...FREE, api_token: accountId },
    expects: { 'id-as-secret': [/`api_token` is 32 hex characters/, /an ID/, /the Zone ID in `zone`/] },
    reached: 'nothing'
  },
  {
    name: 'Zone ID given as global_key',
    inputs: { zone: 'example.com', files: FREE.files, email: globalKey.email, global_key: zones.pro.id },
    expects: { 'id-as-secret': [/`global_key` is 32 hex characters/, /Global API Key itself/] },
    reached: 'nothing'
  },
  {
    name: 'zone given as a URL',
    inputs: { ...FREE, zone: 'https://example.com/blog' },
    expects: { 'bad-zone': [/is a URL; write just the domain "example\.com"/] },
    reached: 'nothing'
  },
  {
    name: 'zone neither ID nor name',
    inputs: { ...FREE, zone: 'not a zone!' },
    expects: { 'bad-zone': [] },
    reached: 'nothing',
    purged: [],
    failed: ['https://example.com/a']
  },
  {
    name: 'zone empty with tags only',
    inputs: { ...FREE, zone: '', files: '', tags: 'release-1' },
    expects: { 'no-zone': [/`zone` is empty and cache tags belong to no hostname/, /Zone ID/] },
    reached: 'nothing',
    purged: [],
    failed: ['release-1']
  },
  {
    name: 'files is an empty JSON list',
    inputs: { ...FREE, files: '[]' },
    expects: { 'lists-empty': [/hold no item/, /no request was sent/] },
    reached: 'nothing'
  },
  {
    name: 'changed_paths line without =>',
    inputs: { ...FREE, files: '', changed_paths: 'public/ -> https://example.com/' },
    expects: {
      'bad-changed-paths': [
        /changed_paths line "public\/ -> https:\/\/example\.com\/"/,
        /public\/ => https:\/\/example\.com\//
      ]
    },
    reached: 'nothing'
  },
  {
    name: 'changed_paths with github_token emptied',
    inputs: { ...FREE, files: '', changed_paths: 'public/ => https://example.com/', github_token: '' },
    expects: { 'no-github-token': [/`github_token` is empty/, /workflow token/] },
    reached: 'nothing'
  },
  {
    name: 'base without changed_paths',
    inputs: { ...FREE, base: 'v1.0.0' },
    expects: { 'refs-ignored': [/`changed_paths` is empty/, /ignored/] },
    reached: 'purge'
  },
  {
    name: 'changed_paths on a workflow_dispatch run without base',
    inputs: {
      ...FREE,
      files: '',
      changed_paths: 'public/ => https://example.com/',
      github_token: 'ghs_FAKE000000000000000000000000000000001'
    },
    env: { GITHUB_EVENT_NAME: 'workflow_dispatch', GITHUB_REPOSITORY: 'octo-org/site' },
    expects: {
      'changes-no-range': [
        /triggered by "workflow_dispatch", not by a push/,
        /never falls back to purging everything/,
        /set `base`/
      ]
    },
    reached: 'nothing'
  },
  {
    name: 'account_id not an ID',
    inputs: { ...FREE, account_id: 'my-account' },
    expects: { 'bad-account-id': [/account_id "my-account" is not an Account ID/] },
    reached: 'nothing'
  },
  {
    name: 'account_id too short',
    inputs: { ...FREE, account_id: 'acc-1' },
    expects: { 'bad-account-id': [] },
    reached: 'nothing',
    purged: [],
    failed: ['https://example.com/a']
  },
  {
    name: 'timeout not a number',
    inputs: { ...FREE, timeout: 'soon' },
    expects: { 'bad-option': [/`timeout` is "soon"/, /whole number/] },
    reached: 'nothing'
  },
  {
    name: 'dry_run not a boolean',
    inputs: { ...FREE, dry_run: 'yes' },
    expects: { 'bad-option': [] },
    reached: 'nothing',
    purged: [],
    failed: []
  },
  {
    name: 'plain http api_url that is not loopback',
    inputs: { ...FREE, api_url: 'http://api.example.com/client/v4' },
    expects: { 'bad-option': [] },
    reached: 'nothing',
    purged: [],
    failed: ['https://example.com/a']
  },
  {
    name: 'nothing listed',
    inputs: { ...FREE, files: '' },
    expects: { 'nothing-to-purge': [/Nothing to purge/, /purge_everything: true/] },
    reached: 'nothing',
    purged: [],
    failed: []
  },
  {
    name: 'purge_everything with files',
    inputs: { ...FREE, purge_everything: 'true' },
    expects: { 'everything-with-items': [/remove the item lists/] },
    reached: 'nothing',
    purged: [],
    failed: ['everything']
  },
  {
    name: 'a path instead of a URL, with the full URL it would be',
    inputs: { ...FREE, zone: 'example.com', files: '/testing/test' },
    expects: {
      'relative-url': [/"\/testing\/test" is not a full URL/, /write "https:\/\/example\.com\/testing\/test"/]
    },
    reached: 'nothing'
  },
  {
    name: 'a path with the zone given by ID: the form of the full URL',
    inputs: { ...FREE, files: '/testing/test' },
    expects: { 'relative-url': [/write "https:\/\/<your domain>\/testing\/test"/] },
    reached: 'nothing'
  },
  {
    name: 'a path of a file instead of its URL',
    inputs: { ...FREE, files: '/a.css' },
    expects: { 'relative-url': [] },
    reached: 'nothing',
    purged: [],
    failed: []
  },
  {
    name: 'ftp URL',
    inputs: { ...FREE, files: 'ftp://example.com/a' },
    expects: { 'bad-url': [/cannot be purged as a file/, /http/] },
    reached: 'nothing'
  },
  {
    name: 'a wildcard in a URL',
    inputs: { ...FREE, files: 'https://example.com/*' },
    expects: { 'bad-url': [] },
    reached: 'nothing',
    purged: [],
    failed: []
  },
  {
    name: 'broken JSON list',
    inputs: { ...FREE, files: '["https://example.com/a",' },
    expects: { 'bad-files-json': [/read as JSON/, /not valid JSON/] },
    reached: 'nothing',
    purged: [],
    failed: []
  },
  {
    name: 'files_from names a missing file',
    inputs: { ...FREE, files: '', files_from: 'urls.txt' },
    expects: { 'files-from-unreadable': [/files_from "urls\.txt" cannot be read/, /GITHUB_WORKSPACE/] },
    reached: 'nothing',
    purged: [],
    failed: []
  },
  {
    name: 'prefix with a scheme',
    inputs: { ...FREE, files: '', prefixes: 'https://example.com/blog/' },
    expects: { 'bad-prefix': [/write "example\.com\/blog\/"/] },
    reached: 'nothing',
    purged: [],
    failed: []
  },
  {
    name: 'tag with a space',
    inputs: { ...FREE, files: '', tags: 'two words' },
    expects: { 'bad-tag': [/tag "two words"/, /without spaces/] },
    reached: 'nothing',
    purged: [],
    failed: []
  },
  {
    name: 'host with a path',
    inputs: { ...FREE, files: '', hosts: 'https://www.example.com/x' },
    expects: { 'bad-host': [/write "www\.example\.com"/] },
    reached: 'nothing',
    purged: [],
    failed: []
  },
  {
    name: 'files joined by commas, as typed into a one-line form field',
    inputs: { ...FREE, files: 'https://example.com/a,https://example.com/b' },
    expects: {
      'urls-joined-by-commas': [
        /"https:\/\/example\.com\/a,https:\/\/example\.com\/b" is several URLs joined by commas/,
        /one URL per line/
      ]
    },
    reached: 'nothing',
    purged: [],
    failed: []
  },
  {
    name: 'hosts separated by spaces',
    inputs: { ...FREE, files: '', hosts: 'www.example.com cdn.example.com' },
    expects: {
      'items-joined-by-spaces': [
        /separated by commas or newlines, not spaces/,
        /Write "www\.example\.com, cdn\.example\.com"/
      ]
    },
    reached: 'nothing',
    purged: [],
    failed: []
  },
  {
    name: 'a comment after a URL on the same line',
    inputs: { ...FREE, files: 'https://example.com/a # the home page\n' },
    expects: {
      'inline-comment': [/"https:\/\/example\.com\/a # the home page"/, /on a line of its own/]
    },
    reached: 'nothing',
    purged: [],
    // The URL before the comment is valid: listed as not purged.
    failed: ['https://example.com/a']
  },
  {
    name: 'tags on one line that starts with #',
    inputs: { ...FREE, files: '', tags: '#blog, news' },
    expects: { 'comment-only-input': [/`tags` is "#blog, news"/, /"news, #blog"/] },
    reached: 'nothing',
    purged: [],
    failed: []
  },
  {
    name: 'a URL with a user name and password',
    inputs: { ...FREE, files: 'https://editor:Hunter2-pass@example.com/b' },
    expects: {
      'url-credentials': [
        /"https:\/\/\*\*\*@example\.com\/b" has a user name or password/,
        /write "https:\/\/example\.com\/b"/
      ]
    },
    reached: 'nothing',
    purged: [],
    failed: [],
    then: (run) => {
      expect(run.everything).not.toContain('Hunter2-pass')
      expect(run.everything).not.toContain('editor:')
    }
  },
  {
    name: 'URLs with fragments: one notice, purged without them',
    inputs: { ...FREE, files: 'https://example.com/a#top https://example.com/b#x' },
    expects: { 'url-fragment': [/2 URLs have a fragment/, /is purged as "https:\/\/example\.com\/a"/] },
    reached: 'purge',
    purged: ['https://example.com/a', 'https://example.com/b'],
    then: (run) => {
      expect(run.notices.filter((n) => n.title === catalogue['url-fragment'].title)).toHaveLength(1)
    }
  },
  // ── Found once the zones are known ────────────────────────────────────────
  {
    name: 'a URL in none of several zones',
    inputs: { ...FREE, zone: `example.com, ${zones.pro.name}`, files: 'https://other.org/a' },
    expects: {
      'host-in-no-zone': [/"other\.org" is not in any of the zones given/, /Add its zone to `zone`/]
    },
    reached: 'no-purge'
  },
  {
    name: 'item in none of the zones',
    inputs: { ...FREE, zone: 'example.com\npro.example.net', files: 'https://elsewhere.example/a' },
    expects: { 'host-in-no-zone': [] },
    purged: [],
    failed: ['https://elsewhere.example/a']
  },
  {
    name: 'zone empty, a URL on a domain in no visible zone',
    inputs: { ...FREE, zone: '', files: 'https://example.com/a https://www.nowhere-at-all.org/a' },
    expects: {
      'host-in-no-visible-zone': [
        /No zone visible to this credential holds "www\.nowhere-at-all\.org"/,
        /"nowhere-at-all\.org"/,
        /nothing was purged/
      ]
    },
    reached: 'no-purge'
  },
  {
    name: 'URLs on another domain: one warning per host',
    inputs: {
      ...FREE,
      zone: 'example.com',
      files: 'https://example.com/a https://other.org/a https://other.org/b'
    },
    expects: {
      'outside-zone': [
        /2 URLs on other\.org \(such as "https:\/\/other\.org\/a"\) are not on example\.com/,
        /does nothing/
      ]
    },
    reached: 'purge',
    then: (run, cf) => {
      expect(run.warnings.filter((w) => w.title === catalogue['outside-zone'].title)).toHaveLength(1)
      expect(cf.purgedItems(zones.free.id)).toHaveLength(3)
    }
  },
  {
    name: 'a host and prefixes on another domain: warned like URLs, still sent',
    inputs: {
      ...FREE,
      zone: 'example.com',
      files: '',
      hosts: 'www.example.com, cdn.other.org',
      prefixes: 'other.org/blog/\nother.org/news/'
    },
    expects: {
      'outside-zone': [
        /host "cdn\.other\.org" is not on example\.com/,
        /2 prefixes on other\.org \(such as "other\.org\/blog\/"\) are not on example\.com/
      ]
    },
    reached: 'purge',
    purged: ['www.example.com', 'cdn.other.org', 'other.org/blog/', 'other.org/news/'],
    then: (run) => {
      expect(run.warnings.filter((w) => w.title === catalogue['outside-zone'].title)).toHaveLength(2)
    }
  },
  // ── Credential verification ───────────────────────────────────────────────
  {
    name: 'unknown token: asks for account_id only as a possibility',
    inputs: { ...FREE, api_token: unknown.legacyToken },
    expects: {
      'token-invalid': [
        /does not recognise this API token as a user token/,
        /set `account_id`/,
        /deleted, rolled/
      ]
    },
    reached: 'no-purge'
  },
  {
    name: 'unknown token at both verify endpoints',
    inputs: { ...FREE, api_token: unknown.legacyToken, account_id: accountId },
    expects: {
      'token-invalid': [
        /neither as a user token nor under account acc0+1/,
        /check `account_id`/,
        /Invalid API Token/
      ]
    },
    reached: 'no-purge',
    then: (_run, cf) =>
      expect(cf.requests.map((r) => r.path)).toEqual(
        expect.arrayContaining(['/user/tokens/verify', `/accounts/${accountId}/tokens/verify`])
      ),
    purged: []
  },
  {
    name: 'unknown user token (cfut_): no account needed to say so',
    inputs: { ...FREE, api_token: unknown.userToken },
    expects: {
      'token-invalid': [/does not recognise this API token \("Invalid API Token"\)/, /Create a token/]
    },
    reached: 'no-purge',
    then: (_run, cf) =>
      expect(
        cf.requests.some((r) => r.path.endsWith('/tokens/verify') && r.path !== '/user/tokens/verify')
      ).toBe(false)
  },
  {
    name: 'disabled token',
    inputs: { ...FREE, api_token: tokens.disabled.value },
    expects: { 'token-inactive': [/This API token is disabled/, /Enable it/] },
    reached: 'no-purge',
    purged: []
  },
  {
    name: 'expired token, with the date',
    inputs: { ...FREE, api_token: tokens.expired.value },
    expects: { 'token-inactive': [/This API token expired on 2024-01-01/, /Create a new token/] },
    reached: 'no-purge',
    purged: []
  },
  {
    name: 'token valid only from next year',
    inputs: { ...FREE, api_token: tokens.notYetValid.value },
    expects: {
      'token-not-yet-valid': [
        new RegExp(`only becomes valid on ${new Date().getUTCFullYear() + 1}-01-01 00:00 UTC`),
        /TTL/
      ]
    },
    reached: 'no-purge',
    purged: []
  },
  {
    name: 'token that expires in three days: the date, in the log and the job summary',
    inputs: { ...FREE, api_token: tokens.expiringSoon.value },
    expects: {
      'token-expiring': [
        new RegExp(`expires on ${tokens.expiringSoon.expiresOn.slice(0, 10)} \\(in 3 days\\)`),
        /Extend it/
      ]
    },
    reached: 'purge',
    purged: ['https://example.com/a'],
    then: (run) =>
      expect(run.summary).toContain(
        `API token expires soon: This API token expires on ${tokens.expiringSoon.expiresOn.slice(0, 10)} (in 3 days)`
      )
  },
  {
    name: "active by Cloudflare's word, expires_on in the past (the API schema's own example)",
    inputs: { ...FREE, api_token: tokens.activePastExpiry.value },
    expects: {
      'token-expiry-passed': [
        /Cloudflare says this API token is active/,
        /expiry date, 2020-01-01, has passed by this runner's clock/
      ]
    },
    reached: 'purge',
    purged: ['https://example.com/a'],
    then: (run) => expect(run.summary).toMatch(/API token past its expiry date: .*2020-01-01/)
  },
  {
    name: 'IP-filtered token: found at the zone lookup, before the purge',
    inputs: { ...FREE, api_token: tokens.ipRestricted.value },
    expects: {
      'token-ip-restricted': [
        /although it is active/,
        /9109 Cannot use the access token from location: 203\.0\.113\.7/,
        /IP Address Filter/,
        /GitHub-hosted runners change address/
      ]
    },
    reached: 'no-purge',
    purged: []
  },
  {
    name: 'IP-filtered token with a zone name: not mistaken for a missing zone',
    inputs: { ...FREE, zone: 'www.example.com', api_token: tokens.ipRestricted.value },
    expects: { 'token-ip-restricted': [/IP Address Filter/] },
    reached: 'no-purge',
    then: (run) =>
      expect(run.errors.map((e) => e.title)).not.toContain(catalogue['zone-name-not-found'].title)
  },
  {
    name: '9109 on the purge after a good verify',
    inputs: FREE,
    emulator: {
      faults: [
        {
          method: 'POST',
          path: `/zones/${zones.free.id}/purge_cache`,
          action: envelopeError(403, [{ code: 9109, message: 'Invalid access token' }])
        }
      ]
    },
    expects: {
      'token-ip-restricted': [
        /9109 Invalid access token \(HTTP 403 on POST/,
        /GitHub-hosted runners change address/
      ]
    },
    reached: 'purge',
    then: (_run, cf) => expect(cf.purgedItems()).toEqual([])
  },
  {
    name: 'account-owned token that cannot read the zone, without account_id',
    emulator: ACCOUNT_TOKEN_WORLD,
    inputs: { ...FREE, api_token: unknown.accountTokenNoZoneRead },
    expects: {
      'account-token-no-account': [/account-owned API token \(it starts with "cfat_"\)/, /Set `account_id`/]
    },
    reached: 'no-purge'
  },
  {
    name: 'account token, zone in another account',
    inputs: { ...FREE, zone: zones.otherAccount.id, api_token: tokens.account.value },
    expects: { 'account-token-no-account': [] },
    purged: []
  },
  {
    name: 'account-owned token with the Account ID as zone: the zone is the real problem',
    emulator: ACCOUNT_TOKEN_WORLD,
    inputs: { ...FREE, zone: accountId, api_token: unknown.accountTokenNoZoneRead },
    expects: { 'zone-is-account-id': [/is an Account ID, not a Zone ID/] },
    reached: 'no-purge',
    then: (run) => expect(run.errors.map((e) => e.title)).toEqual([catalogue['zone-is-account-id'].title])
  },
  {
    name: 'Global API Key with the wrong email (9103)',
    inputs: { ...FREE, api_token: '', email: 'someone@example.org', global_key: globalKey.key },
    expects: {
      'global-key-unknown': [
        /do(es)? not know this email and Global API Key together/,
        /Unknown X-Auth-Key or X-Auth-Email/
      ]
    },
    reached: 'no-purge'
  },
  {
    name: 'Global API Key with the wrong key',
    inputs: { ...FREE, api_token: '', email: globalKey.email, global_key: WRONG_KEY },
    expects: { 'global-key-unknown': [] },
    purged: []
  },
  {
    name: 'email set together with api_token',
    inputs: { ...FREE, email: globalKey.email },
    expects: { 'email-ignored': [/only works with `global_key`/, /Remove it/] },
    reached: 'purge',
    purged: ['https://example.com/a']
  },
  {
    name: 'Global API Key works, and a token is recommended',
    inputs: { ...FREE, api_token: '', email: globalKey.email, global_key: globalKey.key },
    expects: {
      'global-key-in-use': [/Global API Key, which can change anything/, /Cache Purge → Purge/, /`api_token`/]
    },
    reached: 'purge'
  },
  {
    name: 'global_key of no known shape: Cloudflare quoted',
    inputs: { ...FREE, api_token: '', email: globalKey.email, global_key: 'not-a-global-key-at-all' },
    expects: {
      'bad-auth-header': [
        /6003 Invalid request headers; 6103 Invalid format for X-Auth-Key header \(HTTP 400 on GET/
      ]
    },
    reached: 'no-purge'
  },
  {
    name: 'malformed Authorization header (6003/6111)',
    inputs: FREE,
    emulator: fault({
      path: '/user/tokens/verify',
      action: envelopeError(400, [
        {
          code: 6003,
          message: 'Invalid request headers',
          error_chain: [{ code: 6111, message: 'Invalid format for Authorization header' }]
        }
      ])
    }),
    expects: { 'bad-auth-header': [] },
    purged: []
  },
  // ── Zone ──────────────────────────────────────────────────────────────────
  {
    name: 'Cloudflare cannot route the zone ID (7003)',
    inputs: FREE,
    emulator: {
      faults: [
        {
          method: 'GET',
          path: `/zones/${zones.free.id}`,
          action: envelopeError(404, [
            {
              code: 7003,
              message: `Could not route to /zones/${zones.free.id}, perhaps your object identifier is invalid?`
            },
            { code: 7000, message: 'No route for that URI' }
          ])
        }
      ]
    },
    expects: { 'zone-invalid-id': [/no zone with the ID f00d0+1/, /Overview page/] },
    reached: 'no-purge'
  },
  {
    name: 'zone ID refused as malformed (7003)',
    inputs: FREE,
    emulator: fault({
      path: `/zones/${zones.free.id}`,
      action: envelopeError(400, [
        { code: 7003, message: 'Could not route to /zones/x, perhaps your object identifier is invalid?' },
        { code: 7000, message: 'No route for that URI' }
      ])
    }),
    expects: { 'zone-invalid-id': [] },
    purged: []
  },
  {
    name: 'Account ID given as zone',
    inputs: { ...FREE, zone: accountId },
    expects: { 'zone-is-account-id': [/acc0+1 is an Account ID, not a Zone ID/, /copy the Zone ID/] },
    reached: 'no-purge',
    then: (_run, cf) => expect(cf.requests.map((r) => r.path)).toContain(`/accounts/${accountId}`),
    purged: [],
    failed: ['https://example.com/a']
  },
  {
    name: "zone outside the token's Zone Resources",
    inputs: { ...FREE, api_token: tokens.scopedToOtherZone.value },
    expects: { 'zone-not-visible': [/cannot reach zone f00d0+1/, /Zone Resources do not include this zone/] },
    reached: 'purge',
    then: (run, cf) => {
      expect(cf.purgedItems()).toEqual([])
      expect(run.outputs.failed_count).toBe('1')
    },
    purged: [],
    failed: ['https://example.com/a']
  },
  {
    name: 'zone name with a token that lacks Zone Read: lists what was tried',
    inputs: { ...FREE, zone: 'www.example.com', api_token: tokens.noZoneRead.value },
    expects: {
      'zone-name-not-found': [
        /No zone named "www\.example\.com" or "example\.com"/,
        /Zone → Zone → Read/,
        /not a zone in this account/
      ]
    },
    reached: 'no-purge'
  },
  {
    name: 'zone name the token cannot see: never names the zones it can see',
    inputs: { ...FREE, zone: 'example.com', api_token: tokens.scopedToOtherZone.value },
    expects: {
      'zone-name-not-found': [/No zone named "example\.com"/, /Zone Resources/, /Include → Specific zone/]
    },
    reached: 'no-purge',
    then: (run) => {
      for (const name of OTHER_ZONE_NAMES) expect(run.everything).not.toContain(name)
    }
  },
  {
    name: 'a listing that ignores the name filter never picks another zone to purge',
    inputs: { ...FREE, zone: 'example.com' },
    emulator: {
      faults: [
        {
          method: 'GET',
          path: '/zones',
          action: {
            status: 200,
            body: {
              success: true,
              errors: [],
              messages: [],
              result: [
                {
                  id: zones.pro.id,
                  name: zones.pro.name,
                  plan: { legacy_id: 'pro' },
                  account: { id: accountId }
                }
              ]
            }
          }
        }
      ]
    },
    expects: { 'zone-name-not-found': [/No zone named "example\.com"/] },
    reached: 'no-purge',
    then: (run) => {
      for (const name of OTHER_ZONE_NAMES) expect(run.everything).not.toContain(name)
    }
  },
  {
    name: 'zone name unknown',
    inputs: { ...FREE, zone: 'unknown.example', files: 'https://unknown.example/a' },
    expects: { 'zone-name-not-found': [] },
    purged: [],
    failed: ['https://unknown.example/a']
  },
  {
    name: 'token without Zone Read, zone by ID: safe limits, purge goes on',
    inputs: { ...FREE, api_token: tokens.noZoneRead.value },
    expects: {
      'zone-unreadable': [
        /did not show zone f00d0+1/,
        /normal for a token without Zone → Zone → Read/,
        /no more URLs than every plan accepts/
      ]
    },
    reached: 'purge',
    then: (run, cf) => {
      expect(cf.purgedItems(zones.free.id)).toEqual([FREE.files])
      // No figure that the plans have outgrown (30 URLs was the limit before April 2025).
      expect(run.notices.map((n) => n.message).join('\n')).not.toMatch(/30 URLs/)
    },
    purged: ['https://example.com/a']
  },
  {
    name: 'a zone ID that no zone has, with a token without Zone Read: the notice allows for it, the purge says it',
    inputs: { ...FREE, zone: 'f00d00000000000000000000000000ff', api_token: tokens.noZoneRead.value },
    expects: {
      'zone-unreadable': [/did not show zone f00d0+ff/, /when no zone has this ID/],
      'zone-not-visible': [/cannot reach zone f00d0+ff/, /Either the ID is wrong/]
    },
    reached: 'purge',
    purged: [],
    failed: ['https://example.com/a']
  },
  // ── Purge ─────────────────────────────────────────────────────────────────
  {
    name: 'token without Cache Purge',
    inputs: { ...FREE, zone: 'example.com', api_token: tokens.noPurge.value },
    expects: {
      'purge-not-permitted': [/valid and can see zone example\.com/, /lacks Zone → Cache Purge → Purge/]
    },
    reached: 'purge',
    then: (_run, cf) => expect(cf.purgedItems()).toEqual([])
  },
  {
    name: 'token may not purge',
    inputs: { ...FREE, api_token: tokens.noPurge.value },
    expects: { 'purge-not-permitted': [] },
    purged: [],
    failed: ['https://example.com/a']
  },
  {
    name: 'rate limited beyond the timeout: the wait and the plan limit',
    emulator: {
      rateLimits: { free: { filesPerSecond: 800, requestsPerSecond: 1 / 60, bucket: 1 } }
    },
    inputs: { ...FREE, files: '', tags: 'release-1', hosts: 'www.example.com', timeout: '20' },
    expects: {
      'rate-limited': [
        /429 "Please wait and consider throttling your request speed"/,
        /Cloudflare asks to wait 60 s; the timeout leaves 1\d s/,
        /Free plan: 5 requests per minute \(bursts up to 25\)/,
        /Run again after that wait/
      ]
    },
    reached: 'purge',
    then: (run, cf) => {
      expect(cf.count429()).toBe(1)
      expect(run.outputs.purged_count).toBe('1')
      expect(run.outputs.failed_count).toBe('1')
    }
  },
  {
    name: 'a zone that takes fewer URLs than documented: split and retried',
    emulator: { filesPerRequest: { free: 30 } },
    inputs: {
      ...FREE,
      files: Array.from({ length: 35 }, (_, i) => `https://example.com/${i}`).join('\n')
    },
    expects: { 'too-many-items': [/rejected 35 files in one request/, /split to 30/, /nothing was lost/] },
    reached: 'purge',
    then: (run, cf) => {
      expect(cf.purgedItems(zones.free.id)).toHaveLength(35)
      expect(run.outputs.purged_count).toBe('35')
    }
  },
  {
    name: "batch_size above the plan's documented limit: used, with a warning to remove it",
    emulator: { filesPerRequest: { free: 200 } },
    inputs: {
      ...FREE,
      batch_size: '200',
      files: Array.from({ length: 150 }, (_, i) => `https://example.com/${i}`).join('\n')
    },
    expects: {
      'batch-size-above-limit': [
        /`batch_size: 200` is above the 100 URLs per request/,
        /Free plan of example\.com/,
        /Remove `batch_size`/
      ]
    },
    reached: 'purge',
    then: (run, cf) => {
      // An override all the same: this zone takes 200, so the 150 URLs go in one request.
      expect(cf.purgeRequests()).toHaveLength(1)
      expect(run.outputs.purged_count).toBe('150')
    }
  },
  {
    name: 'one URL Cloudflare will not purge: isolated, the others purged',
    emulator: { refuseItems: [{ item: 'https://example.com/7' }] },
    inputs: { ...FREE, files: Array.from({ length: 20 }, (_, i) => `https://example.com/${i}`).join('\n') },
    expects: {
      'purge-item-refused': [
        /^1 item on f00d0+1 not purged/,
        /Cloudflare refused this item on its own: 1016 Unable to purge https:\/\/example\.com\/7, which is an invalid URL\./,
        /The other items sent with it were purged without it/
      ]
    },
    reached: 'purge',
    failed: ['https://example.com/7'],
    then: (_run, cf) => expect(cf.purgedItems(zones.free.id)).toHaveLength(19)
  },
  {
    name: 'a purge answered success: true with errors beside it',
    inputs: FREE,
    emulator: {
      faults: [
        {
          method: 'POST',
          path: `/zones/${zones.free.id}/purge_cache`,
          action: {
            status: 200,
            body: {
              success: true,
              errors: [{ code: 1234, message: 'Something to know' }],
              messages: [],
              result: { id: 'a'.repeat(32) }
            }
          }
        }
      ]
    },
    expects: {
      'success-with-errors': [
        /answered POST \/zones\/f00d0+1\/purge_cache with success/,
        /1234 Something to know/,
        /counts as done/
      ]
    },
    reached: 'purge',
    then: (run) => expect(run.outputs.purged_count).toBe('1')
  },
  {
    name: 'an unknown refusal of the purge, quoted verbatim',
    inputs: FREE,
    emulator: {
      faults: [
        {
          method: 'POST',
          path: `/zones/${zones.free.id}/purge_cache`,
          action: envelopeError(400, [{ code: 1234, message: 'An answer the action does not know' }])
        }
      ]
    },
    expects: {
      'purge-failed': [
        /1 item on f00d0+1 not purged/,
        new RegExp(
          `1234 An answer the action does not know \\(HTTP 400 on POST /zones/${zones.free.id}/purge_cache\\)`
        )
      ]
    },
    reached: 'purge',
    then: (run, cf) => {
      expect(cf.purgedItems()).toEqual([])
      expect(failedItemsOf(run)).toHaveLength(1)
    }
  },
  {
    name: 'an error code nobody knows',
    inputs: FREE,
    emulator: fault({
      path: purgePath(zones.free.id),
      action: envelopeError(400, [{ code: 99999, message: 'Something new' }])
    }),
    expects: { 'purge-failed': [] },
    message: /99999 Something new/,
    purged: [],
    failed: ['https://example.com/a']
  },
  {
    name: 'an unknown error at verify, with its chain, status and endpoint',
    inputs: FREE,
    emulator: {
      faults: [
        {
          method: 'GET',
          path: '/user/tokens/verify',
          action: envelopeError(400, [
            { code: 1234, message: 'Something unusual', error_chain: [{ code: 5678, message: 'The reason' }] }
          ])
        }
      ]
    },
    expects: {
      'cloudflare-error': [
        /1234 Something unusual; 5678 The reason \(HTTP 400 on GET \/user\/tokens\/verify\)/
      ]
    },
    reached: 'no-purge'
  },
  {
    name: 'a purge answered 200 with a body cut short',
    // The retries of a body cut short are not the point: a short timeout ends them in a few seconds.
    inputs: { ...FREE, timeout: '6' },
    emulator: {
      faults: [
        {
          method: 'POST',
          path: `/zones/${zones.free.id}/purge_cache`,
          action: { status: 200, body: '{"success":true,"errors":[],"result":{"id":"ab' }
        }
      ]
    },
    expects: {
      'unreadable-answer': [
        /could not be read/,
        /not JSON/,
        /may or may not have been purged/,
        /running again purges them again/
      ]
    },
    reached: 'purge'
  },
  {
    name: 'API unreachable within the timeout',
    inputs: { ...FREE, timeout: '2' },
    apiUrl: 'dead',
    expects: { 'network-error': [/connection was refused/, /Check `api_url`/] },
    reached: 'nothing'
  },
  {
    name: 'the job summary cannot be written after a purge: outputs keep the real counts',
    inputs: FREE,
    env: { GITHUB_STEP_SUMMARY: '/nonexistent-directory/summary' },
    expects: {
      'unexpected-error': [/not an answer from Cloudflare/, /Unable to access summary file/, /debug logging/]
    },
    reached: 'purge',
    then: (run) => {
      expect(run.outputs.purged_count).toBe('1')
      expect(run.outputs.purge_ids).toMatch(/^[0-9a-f]{32}$/)
    }
  },
  // ── Invalidation and Version Management environments ──────────────────────
  {
    name: 'an environment name the zone does not have',
    inputs: { zone: 'enterprise.example', api_token: tokens.user.value, environment: 'QA', tags: 'a' },
    expects: {
      'environment-unknown': [
        /no environment named "QA"/,
        /"Production", "Staging", "Development" and "Geo Canary"/
      ]
    },
    reached: 'no-purge'
  },
  {
    name: 'an environment on a zone without Version Management',
    inputs: { ...FREE, environment: 'Staging' },
    expects: {
      'environments-not-enabled': [
        /Zone example\.com does not use Version Management/,
        /Enterprise feature/,
        /Enable versioning/
      ]
    },
    reached: 'no-purge'
  },
  {
    name: 'environments answered with an empty list (graceful: no Version Management)',
    inputs: { ...FREE, zone: 'example.com', environment: 'Staging' },
    emulator: fault({
      method: 'GET',
      path: `/zones/${zones.free.id}/environments`,
      action: { status: 200, body: envelope({ environments: [] }) }
    }),
    expects: { 'environments-not-enabled': [/does not use Version Management/, /it lists no environments/] },
    reached: 'no-purge'
  },
  {
    name: 'a token without Zone Versioning Read',
    inputs: {
      zone: 'enterprise.example',
      api_token: tokens.noVersioningRead.value,
      environment: 'Staging',
      tags: 'a'
    },
    expects: {
      'environments-not-readable': [
        /may not list the Version Management environments of enterprise\.example/,
        /Zone Versioning → Read/
      ]
    },
    reached: 'no-purge'
  },
  {
    name: 'no invalidate endpoint (a routing error)',
    inputs: { ...FREE, mode: 'invalidate' },
    emulator: { invalidation: false },
    expects: {
      'invalidate-unavailable': [
        /1 item on f00d0+1 not invalidated/,
        /no invalidate endpoint/,
        /`mode: purge`/
      ]
    },
    reached: 'purge',
    failed: ['https://example.com/a'],
    then: (_run, cf) => expect(cf.requests.at(-1)?.path).toBe(`/zones/${zones.free.id}/invalidate_cache`)
  },
  {
    name: 'invalidating URLs in an environment that selects by country (1136)',
    inputs: {
      zone: 'enterprise.example',
      api_token: tokens.user.value,
      mode: 'invalidate',
      environment: 'Geo Canary',
      files: 'https://enterprise.example/a'
    },
    expects: {
      'invalidate-url-refused': [
        /environment Geo Canary of zone enterprise\.example \(code 1136\)/,
        /`tags`, `hosts` or `prefixes`/
      ]
    },
    reached: 'purge'
  },
  // ── At the edge (verify) ──────────────────────────────────────────────────
  {
    name: 'warm without verify',
    inputs: { ...FREE, warm: 'true' },
    expects: { 'verify-off': [/`warm` works on the URLs checked at the edge/, /Add `verify: true`/] },
    reached: 'nothing'
  },
  {
    name: 'verify after a purge by tag, with no URL to check',
    inputs: { zone: zones.free.id, api_token: tokens.user.value, tags: 'release-1', verify: 'true' },
    expects: { 'verify-no-urls': [/this purge names no URL/, /`verify_urls`/] },
    reached: 'purge',
    purged: ['release-1']
  },
  {
    name: 'verify finds a copy the purge did not reach',
    inputs: { ...FREE, verify: 'true' },
    edge: (edge) => {
      edge.prime('https://example.com/a', { age: 3600 })
      edge.purgeMisses('https://example.com/a')
    },
    expects: {
      'edge-stale': [/1 URL was still served from a copy cached before the purge/, /\(HIT, Age 36\d\d s\)/]
    },
    reached: 'purge',
    purged: ['https://example.com/a'],
    failed: [],
    then: (run) => expect(JSON.parse(run.outputs.verified ?? '')).toMatchObject({ checked: 1, stale: 1 })
  },
  {
    name: 'verify meets a host not served through Cloudflare',
    inputs: { ...FREE, verify: 'true' },
    edge: (edge) => edge.notProxied('example.com'),
    expects: { 'edge-not-proxied': [/without a CF-Cache-Status header/, /https:\/\/example\.com\/a/] },
    reached: 'purge',
    purged: ['https://example.com/a']
  },
  {
    name: 'verify meets a URL Cloudflare does not cache',
    inputs: { ...FREE, verify: 'true' },
    edge: (edge) => edge.dynamic('https://example.com/a'),
    expects: { 'edge-not-cached': [/does not cache 1 URL/, /https:\/\/example\.com\/a \(DYNAMIC\)/] },
    reached: 'purge',
    purged: ['https://example.com/a']
  },
  {
    name: 'verify gets no answer at the edge',
    inputs: { ...FREE, verify: 'true' },
    edge: (edge) => edge.refuse('https://example.com/a'),
    expects: { 'edge-unchecked': [/1 URL could not be checked at the edge/, /The purge was accepted/] },
    reached: 'purge',
    purged: ['https://example.com/a']
  },
  // ── Network faults: one zone meets the fault, the other is purged ─────────
  {
    name: 'HTTP 500 with an HTML page',
    inputs: { ...twoZones, timeout: '5' },
    emulator: onProPurge({ status: 500, body: errorPage(500, '500 Internal Server Error') }),
    expects: { 'network-error': [] },
    message: /HTTP 500 with an HTML page "500 Internal Server Error".*after \d attempts/,
    purged: FREE_PURGED,
    failed: PRO_FAILED
  },
  {
    name: 'HTTP 502 with an HTML page',
    inputs: twoZones,
    emulator: onProPurge({ status: 502, body: errorPage(502, 'example.com | 502: Bad gateway') }),
    expects: { 'network-error': [] },
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
    expects: { 'network-error': [] },
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
    expects: { 'unreadable-answer': [] },
    message: /HTTP 200 with a body that is not JSON \(perhaps cut short\)/,
    purged: FREE_PURGED,
    failed: PRO_FAILED
  },
  {
    name: 'connection closed in the middle of the body',
    inputs: twoZones,
    emulator: onProPurge({ status: 200, body: envelope({ id: 'a'.repeat(32) }), cutAfterBytes: 12 }),
    expects: { 'network-error': [] },
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
    expects: { 'unreadable-answer': [] },
    message: /a body that is not JSON/,
    purged: FREE_PURGED,
    failed: PRO_FAILED
  },
  {
    name: 'success: true with result: null',
    inputs: twoZones,
    emulator: onProPurge({ status: 200, body: envelope(null) }),
    expects: { 'unreadable-answer': [] },
    message: /reported success but its answer did not contain a purge ID/,
    purged: FREE_PURGED,
    failed: PRO_FAILED
  },
  {
    name: 'connection reset',
    inputs: { ...twoZones, timeout: '5' },
    emulator: onProPurge({ reset: true }),
    expects: { 'network-error': [] },
    message: /the connection was (reset|closed before a complete answer arrived).*after \d attempts/,
    purged: FREE_PURGED,
    failed: PRO_FAILED
  },
  {
    name: 'a server that never answers the purge',
    inputs: { ...twoZones, timeout: '3' },
    emulator: onProPurge({ hang: true }),
    expects: { 'network-error': [] },
    message: /no answer before the time allowed by `timeout` ran out/,
    purged: FREE_PURGED,
    failed: PRO_FAILED
  },
  {
    name: 'a 429 storm longer than the retry budget',
    inputs: { ...twoZones, timeout: '4' },
    emulator: onProPurge({ status: 429, headers: { 'retry-after': '1' } }),
    expects: { 'rate-limited': [] },
    message:
      /kept answering 429 "Please wait and consider throttling your request speed" \(\d answers\)\. Cloudflare asks to wait 1 s; the timeout leaves \d s/,
    purged: FREE_PURGED,
    failed: PRO_FAILED
  },
  {
    name: 'an answer larger than 1 MiB',
    inputs: twoZones,
    emulator: onProPurge({ status: 200, body: envelope({ id: 'a', padding: 'x'.repeat(1_100_000) }) }),
    // Named as the answer it was, not as Cloudflare out of reach.
    expects: { 'unreadable-answer': [/answer \(HTTP 200\) was larger than 1 MiB/] },
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
    expects: { 'network-error': [] },
    message:
      /HTTP 500 with an HTML page "Internal Server Error" instead of JSON \(GET \/user\/tokens\/verify after \d attempts\)/,
    purged: [],
    failed: ['https://example.com/a', 'https://pro.example.net/b', 'release-1']
  },
  {
    name: 'a server that never answers at all',
    inputs: { ...twoZones, timeout: '2' },
    emulator: fault({ action: { hang: true } }),
    expects: { 'network-error': [] },
    message: /no answer before the time allowed by `timeout` ran out/,
    purged: [],
    failed: ['https://example.com/a', 'https://pro.example.net/b', 'release-1']
  },
  {
    name: 'every connection reset',
    inputs: twoZones,
    emulator: fault({ action: { reset: true } }),
    expects: { 'network-error': [] },
    message: /the connection was (reset|closed before a complete answer arrived)/,
    purged: [],
    failed: ['https://example.com/a', 'https://pro.example.net/b', 'release-1']
  },
  {
    name: 'success: true with result: null on verify',
    inputs: FREE,
    emulator: fault({ path: '/user/tokens/verify', action: { status: 200, body: envelope(null) } }),
    expects: { 'unreadable-answer': [] },
    message: /did not contain the token status/,
    purged: [],
    failed: ['https://example.com/a']
  },
  {
    name: 'DNS failure for api_url',
    inputs: { ...FREE, timeout: '10' },
    apiUrl: 'https://nonexistent.invalid/client/v4',
    expects: { 'network-error': [] },
    message: /could not be resolved \(DNS/,
    purged: [],
    failed: ['https://example.com/a']
  },
  {
    name: 'a redirect from the API',
    inputs: FREE,
    emulator: fault({
      path: '/user/tokens/verify',
      action: { status: 302, headers: { location: 'http://127.0.0.1:9/collect' }, body: '' }
    }),
    expects: { 'network-error': [] },
    message: /redirect to http:\/\/127\.0\.0\.1:9\/collect, which is not followed with credentials/,
    purged: [],
    failed: ['https://example.com/a']
  },
  {
    name: 'one HTTP 502, then an answer',
    inputs: { ...twoZones, timeout: '10' },
    emulator: onProPurge({ status: 502, body: errorPage(502, 'Bad gateway') }, 2),
    expects: {},
    purged: [...FREE_PURGED, ...PRO_FAILED],
    failed: []
  },
  {
    name: 'one connection reset, then an answer',
    inputs: { ...twoZones, timeout: '10' },
    emulator: onProPurge({ reset: true }, 2),
    expects: {},
    purged: [...FREE_PURGED, ...PRO_FAILED],
    failed: []
  },
  {
    name: 'one 429, then an answer',
    inputs: { ...twoZones, timeout: '10' },
    emulator: onProPurge({ status: 429, headers: { 'retry-after': '1' } }, 2),
    expects: {},
    purged: [...FREE_PURGED, ...PRO_FAILED],
    failed: []
  },
  // ── Cloudflare's answers quoting the secret back ──────────────────────────
  {
    name: 'error message quoting the token',
    inputs: FREE,
    emulator: fault({
      path: purgePath(zones.free.id),
      action: { status: 400, body: echo(tokens.user.value) }
    }),
    expects: { 'purge-failed': [] },
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
    expects: { 'cloudflare-error': [] },
    purged: []
  },
  {
    name: 'HTML page whose title quotes the token',
    inputs: { ...FREE, timeout: '6' }, // a few retries are enough to show the page is never echoed
    emulator: fault({
      path: '/user/tokens/verify',
      action: { status: 502, body: `<html><title>Bad token ${tokens.user.value}</title></html>` }
    }),
    expects: { 'network-error': [] },
    purged: []
  },
  {
    name: 'redirect whose Location quotes the token',
    inputs: FREE,
    emulator: fault({
      path: '/user/tokens/verify',
      action: {
        status: 301,
        headers: { location: `https://collector.invalid/?t=${tokens.user.value}` },
        body: ''
      }
    }),
    expects: { 'network-error': [] },
    purged: []
  },
  {
    name: 'retried 429 whose message quotes the token as pasted, with padding',
    inputs: { ...FREE, api_token: `  ${tokens.userNewFormat.value}  ` },
    emulator: fault({
      method: 'POST',
      path: purgePath(zones.free.id),
      times: 1,
      action: { status: 429, body: echo(tokens.userNewFormat.value) }
    }),
    expects: { 'secret-padding': [] },
    purged: ['https://example.com/a']
  }
]
