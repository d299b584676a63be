// Every entry of the diagnosis catalogue, provoked against the emulator, as data: e2e/diagnoses.test.ts
// checks each annotation, and e2e/secrets.test.ts counts them as covered by its secret scan (they run
// with debug logging on and check every secret form themselves).
import { expect } from '@jest/globals'
import {
  startEmulator,
  type EmulatorOptions,
  type FaultRule,
  type RunningEmulator
} from '../emulator/index.js'
import { fixture, fixtureOptions } from '../emulator/fixtures.js'
import { catalogue, type DiagnosisId } from '../src/diagnosis/catalogue.js'
import { runAction, type ActionRun } from './run-action.js'

const { zones, tokens, globalKey, accountId } = fixture

/** Made-up credentials the fixture world does not know, in each format. */
const unknown = {
  legacyToken: 'FAKEunknownToken0000000000000000000000ab',
  userToken: `cfut_${'FAKEunknownUserToken'.padEnd(40, '0')}0badf00d`,
  accountTokenNoZoneRead: `cfat_${'FAKEaccountTokenNoZoneRead'.padEnd(40, '0')}c0ffee01`,
  originCaKey: `v1.0-${'0123456789abcdef01234567'}-${'ab'.repeat(73)}`
}
/** An account-owned token that may purge but not read zones, so its account cannot be learnt. */
const accountTokenWorld = fixtureOptions({
  tokens: [
    ...Object.values(tokens),
    {
      value: unknown.accountTokenNoZoneRead,
      owner: 'account',
      accountId,
      permissions: ['cache.purge']
    }
  ]
})

const DEBUG = { ACTIONS_STEP_DEBUG: 'true', RUNNER_DEBUG: '1' }
const FIXTURE_SECRETS = [...Object.values(tokens).map((t) => t.value), globalKey.key, globalKey.email]
const FREE = { zone: zones.free.id, api_token: tokens.user.value, files: 'https://example.com/a' }
const OTHER_ZONE_NAMES = [zones.pro.name, zones.business.name, zones.enterprise.name, zones.otherAccount.name]

export interface DiagnosisScenario {
  id: DiagnosisId
  name: string
  inputs: Record<string, string>
  /** Default: the fixture world. */
  world?: EmulatorOptions
  faults?: FaultRule[]
  env?: Record<string, string>
  /** Key words of the annotation's message. */
  says: RegExp[]
  /** How far the run got: no request at all, no purge request, or purge requests (accepted or not). */
  reached: 'nothing' | 'no-purge' | 'purge'
  /** Default: 1 for an error, 0 for a warning or notice. */
  exitCode?: number
  then?: (run: ActionRun, cf: RunningEmulator) => void
}

/** Entries whose scenarios need more than the emulator (a GitHub stand-in, a zone-by-zone token). */
export const TESTED_ELSEWHERE: Partial<Record<DiagnosisId, string>> = {
  'zone-name-unknown': './zones.test.ts',
  'changes-api-error': './changed-files.test.ts',
  'changes-too-many': './changed-files.test.ts',
  'nothing-changed': './changed-files.test.ts',
  'purge-not-sent': './scale.test.ts'
}

const envelopeError = (status: number, errors: unknown[]): FaultRule['action'] => ({
  status,
  body: { success: false, errors, messages: [], result: null }
})

export const scenarios: DiagnosisScenario[] = [
  // ── Inputs: found before any request ──────────────────────────────────────
  {
    id: 'no-credential',
    name: 'no credential',
    inputs: { ...FREE, api_token: '' },
    says: [/No Cloudflare credential/, /secrets\.CLOUDFLARE_API_TOKEN/],
    reached: 'nothing'
  },
  {
    id: 'both-credentials',
    name: 'token and global key together',
    inputs: { ...FREE, email: globalKey.email, global_key: globalKey.key },
    says: [/Both `api_token` and `global_key`/, /Keep `api_token`/],
    reached: 'nothing'
  },
  {
    id: 'incomplete-global-key',
    name: 'global_key without email',
    inputs: { ...FREE, api_token: '', global_key: globalKey.key },
    says: [/`email` is empty/, /set `email`/],
    reached: 'nothing'
  },
  {
    id: 'bad-email',
    name: 'email that is not an email',
    inputs: { ...FREE, api_token: '', email: 'admin.example.com', global_key: globalKey.key },
    says: [/not an email address/, /name@example\.com/],
    reached: 'nothing'
  },
  {
    id: 'bearer-prefix',
    name: '"Bearer " pasted in front of the token, twice',
    inputs: { ...FREE, api_token: `Bearer Bearer ${tokens.user.value}` },
    says: [/`api_token` starts with "Bearer "/, /removed/, /Store only the token/],
    reached: 'purge',
    then: (run, cf) => {
      expect(run.warnings.filter((w) => w.title === catalogue['bearer-prefix'].title)).toHaveLength(1)
      expect(cf.purgeRequests()[0]?.headers.authorization).toBe(`Bearer ${tokens.user.value}`)
    }
  },
  {
    id: 'secret-padding',
    name: 'token in quotes with a trailing line break',
    inputs: { ...FREE, api_token: `"${tokens.user.value}"\n` },
    says: [/quotes, spaces or a line break around it/, /save the secret again/],
    reached: 'purge',
    then: (run, cf) =>
      expect(cf.purgeRequests()[0]?.headers.authorization).toBe(`Bearer ${tokens.user.value}`)
  },
  {
    id: 'secret-inner-space',
    name: 'line break inside the token',
    inputs: { ...FREE, api_token: `${tokens.user.value.slice(0, 20)}\n${tokens.user.value.slice(20)}` },
    says: [/spaces or a line break inside it/, /Copy it again/],
    reached: 'nothing'
  },
  {
    id: 'secret-bad-characters',
    name: 'characters no credential has',
    inputs: { ...FREE, api_token: 'FAKEtoken$with%odd!characters00000000000' },
    says: [/characters that Cloudflare API tokens and keys never contain/],
    reached: 'nothing'
  },
  {
    id: 'global-key-as-token',
    name: 'Global API Key given as api_token',
    inputs: { ...FREE, api_token: globalKey.key },
    says: [/looks like a Global API Key/, /Cache Purge → Purge/, /`global_key` together with `email`/],
    reached: 'nothing'
  },
  {
    id: 'global-key-as-token',
    name: 'new-format Global API Key (cfk_) given as api_token',
    inputs: { ...FREE, api_token: `cfk_${'FAKEglobalKeyNewFormat'.padEnd(40, '0')}deadbeef` },
    says: [/looks like a Global API Key/],
    reached: 'nothing'
  },
  {
    id: 'token-as-global-key',
    name: 'API token given as global_key',
    inputs: { ...FREE, api_token: '', email: globalKey.email, global_key: tokens.userNewFormat.value },
    says: [/`global_key` looks like an API token/, /Pass it as `api_token`/],
    reached: 'nothing'
  },
  {
    id: 'origin-ca-key',
    name: 'Origin CA key given as api_token',
    inputs: { ...FREE, api_token: unknown.originCaKey },
    says: [/`api_token` is an Origin CA key/, /cannot purge/, /Create an API token/],
    reached: 'nothing'
  },
  {
    id: 'origin-ca-key',
    name: 'Origin CA key given as global_key',
    inputs: { ...FREE, api_token: '', email: globalKey.email, global_key: unknown.originCaKey },
    says: [/`global_key` is an Origin CA key/],
    reached: 'nothing'
  },
  {
    id: 'id-as-secret',
    name: 'Account ID given as api_token',
    inputs: { ...FREE, api_token: accountId },
    says: [/`api_token` is 32 hex characters/, /an ID/, /the Zone ID in `zone`/],
    reached: 'nothing'
  },
  {
    id: 'id-as-secret',
    name: 'Zone ID given as global_key',
    inputs: { zone: 'example.com', files: FREE.files, email: globalKey.email, global_key: zones.pro.id },
    says: [/`global_key` is 32 hex characters/, /Global API Key itself/],
    reached: 'nothing'
  },
  {
    id: 'bad-zone',
    name: 'zone given as a URL',
    inputs: { ...FREE, zone: 'https://example.com/blog' },
    says: [/is a URL; write just the domain "example\.com"/],
    reached: 'nothing'
  },
  {
    id: 'no-zone',
    name: 'zone empty with tags only',
    inputs: { ...FREE, zone: '', files: '', tags: 'release-1' },
    says: [/`zone` is empty and cache tags belong to no hostname/, /Zone ID/],
    reached: 'nothing'
  },
  {
    id: 'lists-empty',
    name: 'files is an empty JSON list',
    inputs: { ...FREE, files: '[]' },
    says: [/hold no item/, /no request was sent/],
    reached: 'nothing'
  },
  {
    id: 'bad-changed-paths',
    name: 'changed_paths line without =>',
    inputs: { ...FREE, files: '', changed_paths: 'public/ -> https://example.com/' },
    says: [
      /changed_paths line "public\/ -> https:\/\/example\.com\/"/,
      /public\/ => https:\/\/example\.com\//
    ],
    reached: 'nothing'
  },
  {
    id: 'no-github-token',
    name: 'changed_paths with github_token emptied',
    inputs: { ...FREE, files: '', changed_paths: 'public/ => https://example.com/', github_token: '' },
    says: [/`github_token` is empty/, /workflow token/],
    reached: 'nothing'
  },
  {
    id: 'refs-ignored',
    name: 'base without changed_paths',
    inputs: { ...FREE, base: 'v1.0.0' },
    says: [/`changed_paths` is empty/, /ignored/],
    reached: 'purge'
  },
  {
    id: 'changes-no-range',
    name: 'changed_paths on a workflow_dispatch run without base',
    inputs: {
      ...FREE,
      files: '',
      changed_paths: 'public/ => https://example.com/',
      github_token: 'ghs_FAKE000000000000000000000000000000001'
    },
    env: { GITHUB_EVENT_NAME: 'workflow_dispatch', GITHUB_REPOSITORY: 'octo-org/site' },
    says: [
      /triggered by "workflow_dispatch", not by a push/,
      /never falls back to purging everything/,
      /set `base`/
    ],
    reached: 'nothing'
  },
  {
    id: 'bad-account-id',
    name: 'account_id not an ID',
    inputs: { ...FREE, account_id: 'my-account' },
    says: [/account_id "my-account" is not an Account ID/],
    reached: 'nothing'
  },
  {
    id: 'bad-option',
    name: 'timeout not a number',
    inputs: { ...FREE, timeout: 'soon' },
    says: [/`timeout` is "soon"/, /whole number/],
    reached: 'nothing'
  },
  {
    id: 'nothing-to-purge',
    name: 'nothing listed',
    inputs: { ...FREE, files: '' },
    says: [/Nothing to purge/, /purge_everything: true/],
    reached: 'nothing'
  },
  {
    id: 'everything-with-items',
    name: 'purge_everything with files',
    inputs: { ...FREE, purge_everything: 'true' },
    says: [/remove the item lists/],
    reached: 'nothing'
  },
  {
    id: 'relative-url',
    name: 'a path instead of a URL, with the full URL it would be',
    inputs: { ...FREE, zone: 'example.com', files: '/testing/test' },
    says: [/"\/testing\/test" is not a full URL/, /write "https:\/\/example\.com\/testing\/test"/],
    reached: 'nothing'
  },
  {
    id: 'relative-url',
    name: 'a path with the zone given by ID: the form of the full URL',
    inputs: { ...FREE, files: '/testing/test' },
    says: [/write "https:\/\/<your domain>\/testing\/test"/],
    reached: 'nothing'
  },
  {
    id: 'bad-url',
    name: 'ftp URL',
    inputs: { ...FREE, files: 'ftp://example.com/a' },
    says: [/cannot be purged as a file/, /http/],
    reached: 'nothing'
  },
  {
    id: 'bad-files-json',
    name: 'broken JSON list',
    inputs: { ...FREE, files: '["https://example.com/a",' },
    says: [/read as JSON/, /not valid JSON/],
    reached: 'nothing'
  },
  {
    id: 'files-from-unreadable',
    name: 'files_from names a missing file',
    inputs: { ...FREE, files: '', files_from: 'urls.txt' },
    says: [/files_from "urls\.txt" cannot be read/, /GITHUB_WORKSPACE/],
    reached: 'nothing'
  },
  {
    id: 'bad-prefix',
    name: 'prefix with a scheme',
    inputs: { ...FREE, files: '', prefixes: 'https://example.com/blog/' },
    says: [/write "example\.com\/blog\/"/],
    reached: 'nothing'
  },
  {
    id: 'bad-tag',
    name: 'tag with a space',
    inputs: { ...FREE, files: '', tags: 'two words' },
    says: [/tag "two words"/, /without spaces/],
    reached: 'nothing'
  },
  {
    id: 'bad-host',
    name: 'host with a path',
    inputs: { ...FREE, files: '', hosts: 'https://www.example.com/x' },
    says: [/write "www\.example\.com"/],
    reached: 'nothing'
  },

  // ── Found once the zones are known ────────────────────────────────────────
  {
    id: 'host-in-no-zone',
    name: 'a URL in none of several zones',
    inputs: { ...FREE, zone: `example.com, ${zones.pro.name}`, files: 'https://other.org/a' },
    says: [/"other\.org" is not in any of the zones given/, /Add its zone to `zone`/],
    reached: 'no-purge'
  },
  {
    id: 'host-in-no-visible-zone',
    name: 'zone empty, a URL on a domain in no visible zone',
    inputs: { ...FREE, zone: '', files: 'https://example.com/a https://www.nowhere-at-all.org/a' },
    says: [
      /No zone visible to this credential holds "www\.nowhere-at-all\.org"/,
      /"nowhere-at-all\.org"/,
      /nothing was purged/
    ],
    reached: 'no-purge'
  },
  {
    id: 'file-outside-zone',
    name: 'URLs on another domain: one warning per host',
    inputs: {
      ...FREE,
      zone: 'example.com',
      files: 'https://example.com/a https://other.org/a https://other.org/b'
    },
    says: [
      /2 URLs on other\.org \(such as "https:\/\/other\.org\/a"\) are not on example\.com/,
      /does nothing/
    ],
    reached: 'purge',
    then: (run, cf) => {
      expect(run.warnings.filter((w) => w.title === catalogue['file-outside-zone'].title)).toHaveLength(1)
      expect(cf.purgedItems(zones.free.id)).toHaveLength(3)
    }
  },

  // ── Credential verification ───────────────────────────────────────────────
  {
    id: 'token-invalid',
    name: 'unknown token: asks for account_id only as a possibility',
    inputs: { ...FREE, api_token: unknown.legacyToken },
    says: [/does not recognise this API token as a user token/, /set `account_id`/, /deleted, rolled/],
    reached: 'no-purge'
  },
  {
    id: 'token-invalid',
    name: 'unknown token at both verify endpoints',
    inputs: { ...FREE, api_token: unknown.legacyToken, account_id: accountId },
    says: [/neither as a user token nor under account acc0+1/, /check `account_id`/, /Invalid API Token/],
    reached: 'no-purge',
    then: (_run, cf) =>
      expect(cf.requests.map((r) => r.path)).toEqual(
        expect.arrayContaining(['/user/tokens/verify', `/accounts/${accountId}/tokens/verify`])
      )
  },
  {
    id: 'token-invalid',
    name: 'unknown user token (cfut_): no account needed to say so',
    inputs: { ...FREE, api_token: unknown.userToken },
    says: [/does not recognise this API token \("Invalid API Token"\)/, /Create a token/],
    reached: 'no-purge',
    then: (_run, cf) =>
      expect(
        cf.requests.some((r) => r.path.endsWith('/tokens/verify') && r.path !== '/user/tokens/verify')
      ).toBe(false)
  },
  {
    id: 'token-inactive',
    name: 'disabled token',
    inputs: { ...FREE, api_token: tokens.disabled.value },
    says: [/This API token is disabled/, /Enable it/],
    reached: 'no-purge'
  },
  {
    id: 'token-inactive',
    name: 'expired token, with the date',
    inputs: { ...FREE, api_token: tokens.expired.value },
    says: [/This API token expired on 2024-01-01/, /Create a new token/],
    reached: 'no-purge'
  },
  {
    id: 'token-not-yet-valid',
    name: 'token valid only from next year',
    inputs: { ...FREE, api_token: tokens.notYetValid.value },
    says: [new RegExp(`only becomes valid on ${new Date().getUTCFullYear() + 1}-01-01 00:00 UTC`), /TTL/],
    reached: 'no-purge'
  },
  {
    id: 'token-expiring',
    name: 'token that expires in three days: the date, in the log and the job summary',
    inputs: { ...FREE, api_token: tokens.expiringSoon.value },
    says: [
      new RegExp(`expires on ${tokens.expiringSoon.expiresOn.slice(0, 10)} \\(in 3 days\\)`),
      /Extend it/
    ],
    reached: 'purge',
    then: (run, cf) => {
      expect(cf.purgedItems(zones.free.id)).toEqual([FREE.files])
      expect(run.summary).toContain(
        `API token expires soon**: This API token expires on ${tokens.expiringSoon.expiresOn.slice(0, 10)} (in 3 days)`
      )
    }
  },
  {
    id: 'token-expiry-passed',
    name: "active by Cloudflare's word, expires_on in the past (the API schema's own example)",
    inputs: { ...FREE, api_token: tokens.activePastExpiry.value },
    says: [
      /Cloudflare says this API token is active/,
      /expiry date, 2020-01-01, has passed by this runner's clock/
    ],
    reached: 'purge',
    then: (run, cf) => {
      expect(cf.purgedItems(zones.free.id)).toEqual([FREE.files])
      expect(run.outputs.purged_count).toBe('1')
      expect(run.summary).toMatch(/API token past its expiry date.*2020-01-01/)
    }
  },
  {
    id: 'token-ip-restricted',
    name: 'IP-filtered token: found at the zone lookup, before the purge',
    inputs: { ...FREE, api_token: tokens.ipRestricted.value },
    says: [
      /although it is active/,
      /9109 Cannot use the access token from location: 203\.0\.113\.7/,
      /IP Address Filter/,
      /GitHub-hosted runners change address/
    ],
    reached: 'no-purge'
  },
  {
    id: 'token-ip-restricted',
    name: 'IP-filtered token with a zone name: not mistaken for a missing zone',
    inputs: { ...FREE, zone: 'www.example.com', api_token: tokens.ipRestricted.value },
    says: [/IP Address Filter/],
    reached: 'no-purge',
    then: (run) =>
      expect(run.errors.map((e) => e.title)).not.toContain(catalogue['zone-name-not-found'].title)
  },
  {
    id: 'token-ip-restricted',
    name: '9109 on the purge after a good verify',
    inputs: FREE,
    faults: [
      {
        method: 'POST',
        path: `/zones/${zones.free.id}/purge_cache`,
        action: envelopeError(403, [{ code: 9109, message: 'Invalid access token' }])
      }
    ],
    says: [/9109 Invalid access token \(HTTP 403 on POST/, /GitHub-hosted runners change address/],
    reached: 'purge',
    then: (_run, cf) => expect(cf.purgedItems()).toEqual([])
  },
  {
    id: 'account-token-no-account',
    name: 'account-owned token that cannot read the zone, without account_id',
    world: accountTokenWorld,
    inputs: { ...FREE, api_token: unknown.accountTokenNoZoneRead },
    says: [/account-owned API token \(it starts with "cfat_"\)/, /Set `account_id`/],
    reached: 'no-purge'
  },
  {
    id: 'zone-is-account-id',
    name: 'account-owned token with the Account ID as zone: the zone is the real problem',
    world: accountTokenWorld,
    inputs: { ...FREE, zone: accountId, api_token: unknown.accountTokenNoZoneRead },
    says: [/is an Account ID, not a Zone ID/],
    reached: 'no-purge',
    then: (run) => expect(run.errors.map((e) => e.title)).toEqual([catalogue['zone-is-account-id'].title])
  },
  {
    id: 'global-key-unknown',
    name: 'Global API Key with the wrong email (9103)',
    inputs: { ...FREE, api_token: '', email: 'someone@example.org', global_key: globalKey.key },
    says: [/do(es)? not know this email and Global API Key together/, /Unknown X-Auth-Key or X-Auth-Email/],
    reached: 'no-purge'
  },
  {
    id: 'email-ignored',
    name: 'email set together with api_token',
    inputs: { ...FREE, email: globalKey.email },
    says: [/only works with `global_key`/, /Remove it/],
    reached: 'purge'
  },
  {
    id: 'global-key-in-use',
    name: 'Global API Key works, and a token is recommended',
    inputs: { ...FREE, api_token: '', email: globalKey.email, global_key: globalKey.key },
    says: [/Global API Key, which can change anything/, /Cache Purge → Purge/, /`api_token`/],
    reached: 'purge'
  },
  {
    id: 'bad-auth-header',
    name: 'global_key of no known shape: Cloudflare quoted',
    inputs: { ...FREE, api_token: '', email: globalKey.email, global_key: 'not-a-global-key-at-all' },
    says: [/6003 Invalid request headers; 6103 Invalid format for X-Auth-Key header \(HTTP 400 on GET/],
    reached: 'no-purge'
  },

  // ── Zone ──────────────────────────────────────────────────────────────────
  {
    id: 'zone-invalid-id',
    name: 'Cloudflare cannot route the zone ID (7003)',
    inputs: FREE,
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
    ],
    says: [/no zone with the ID f00d0+1/, /Overview page/],
    reached: 'no-purge'
  },
  {
    id: 'zone-is-account-id',
    name: 'Account ID given as zone',
    inputs: { ...FREE, zone: accountId },
    says: [/acc0+1 is an Account ID, not a Zone ID/, /copy the Zone ID/],
    reached: 'no-purge',
    then: (_run, cf) => expect(cf.requests.map((r) => r.path)).toContain(`/accounts/${accountId}`)
  },
  {
    id: 'zone-not-visible',
    name: "zone outside the token's Zone Resources",
    inputs: { ...FREE, api_token: tokens.scopedToOtherZone.value },
    says: [/cannot reach zone f00d0+1/, /Zone Resources do not include this zone/],
    reached: 'purge',
    then: (run, cf) => {
      expect(cf.purgedItems()).toEqual([])
      expect(run.outputs.failed_count).toBe('1')
    }
  },
  {
    id: 'zone-name-not-found',
    name: 'zone name with a token that lacks Zone Read: lists what was tried',
    inputs: { ...FREE, zone: 'www.example.com', api_token: tokens.noZoneRead.value },
    says: [
      /No zone named "www\.example\.com" or "example\.com"/,
      /Zone → Zone → Read/,
      /not a zone in this account/
    ],
    reached: 'no-purge'
  },
  {
    id: 'zone-name-not-found',
    name: 'zone name the token cannot see: never names the zones it can see',
    inputs: { ...FREE, zone: 'example.com', api_token: tokens.scopedToOtherZone.value },
    says: [/No zone named "example\.com"/],
    reached: 'no-purge',
    then: (run) => {
      for (const name of OTHER_ZONE_NAMES) expect(run.everything).not.toContain(name)
    }
  },
  {
    id: 'zone-name-not-found',
    name: 'a listing that ignores the name filter never picks another zone to purge',
    inputs: { ...FREE, zone: 'example.com' },
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
    ],
    says: [/No zone named "example\.com"/],
    reached: 'no-purge',
    then: (run) => {
      for (const name of OTHER_ZONE_NAMES) expect(run.everything).not.toContain(name)
    }
  },
  {
    id: 'zone-unreadable',
    name: 'token without Zone Read, zone by ID: safe limits, purge goes on',
    inputs: { ...FREE, api_token: tokens.noZoneRead.value },
    says: [/Could not read the plan of zone f00d0+1/, /100 URLs per request/],
    reached: 'purge',
    then: (_run, cf) => expect(cf.purgedItems(zones.free.id)).toEqual([FREE.files])
  },

  // ── Purge ─────────────────────────────────────────────────────────────────
  {
    id: 'purge-not-permitted',
    name: 'token without Cache Purge',
    inputs: { ...FREE, zone: 'example.com', api_token: tokens.noPurge.value },
    says: [/valid and can see zone example\.com/, /lacks Zone → Cache Purge → Purge/],
    reached: 'purge',
    then: (_run, cf) => expect(cf.purgedItems()).toEqual([])
  },
  {
    id: 'rate-limited',
    name: 'rate limited beyond the timeout: the wait and the plan limit',
    world: fixtureOptions({
      rateLimits: { free: { filesPerSecond: 800, requestsPerSecond: 1 / 60, bucket: 1 } }
    }),
    inputs: { ...FREE, files: '', tags: 'release-1', hosts: 'www.example.com', timeout: '20' },
    says: [
      /429 "Please wait and consider throttling your request speed"/,
      /asked to wait 60 seconds/,
      /Free plan: 5 requests per minute \(bursts up to 25\)/,
      /Run again after that wait/
    ],
    reached: 'purge',
    then: (run, cf) => {
      expect(cf.count429()).toBe(1)
      expect(run.outputs.purged_count).toBe('1')
      expect(run.outputs.failed_count).toBe('1')
    }
  },
  {
    id: 'too-many-items',
    name: 'a zone that takes fewer URLs than documented: split and retried',
    world: fixtureOptions({ filesPerRequest: { free: 30 } }),
    inputs: {
      ...FREE,
      files: Array.from({ length: 35 }, (_, i) => `https://example.com/${i}`).join('\n')
    },
    says: [/rejected 35 files in one request/, /split to 30/, /nothing was lost/],
    reached: 'purge',
    then: (run, cf) => {
      expect(cf.purgedItems(zones.free.id)).toHaveLength(35)
      expect(run.outputs.purged_count).toBe('35')
    }
  },
  {
    id: 'batch-size-above-limit',
    name: "batch_size above the plan's documented limit: used, with a warning to remove it",
    world: fixtureOptions({ filesPerRequest: { free: 200 } }),
    inputs: {
      ...FREE,
      batch_size: '200',
      files: Array.from({ length: 150 }, (_, i) => `https://example.com/${i}`).join('\n')
    },
    says: [
      /`batch_size: 200` is above the 100 URLs per request/,
      /Free plan of example\.com/,
      /Remove `batch_size`/
    ],
    reached: 'purge',
    then: (run, cf) => {
      // An override all the same: the zone here takes 200, so the 150 URLs go in one request.
      expect(cf.purgeRequests()).toHaveLength(1)
      expect(run.outputs.purged_count).toBe('150')
      expect(run.summary).toMatch(/batch_size above the plan's limit/)
    }
  },
  {
    id: 'purge-failed',
    name: 'an unknown refusal of the purge, quoted verbatim',
    inputs: FREE,
    faults: [
      {
        method: 'POST',
        path: `/zones/${zones.free.id}/purge_cache`,
        action: envelopeError(400, [{ code: 1234, message: 'An answer the action does not know' }])
      }
    ],
    says: [
      /1 item on f00d0+1 not purged/,
      new RegExp(
        `1234 An answer the action does not know \\(HTTP 400 on POST /zones/${zones.free.id}/purge_cache\\)`
      )
    ],
    reached: 'purge',
    then: (run, cf) => {
      expect(cf.purgedItems()).toEqual([])
      expect(JSON.parse(run.outputs.failed_items ?? '[]')).toHaveLength(1)
    }
  },
  {
    id: 'cloudflare-error',
    name: 'an unknown error at verify, with its chain, status and endpoint',
    inputs: FREE,
    faults: [
      {
        method: 'GET',
        path: '/user/tokens/verify',
        action: envelopeError(400, [
          { code: 1234, message: 'Something unusual', error_chain: [{ code: 5678, message: 'The reason' }] }
        ])
      }
    ],
    says: [/1234 Something unusual; 5678 The reason \(HTTP 400 on GET \/user\/tokens\/verify\)/],
    reached: 'no-purge'
  },
  {
    id: 'unreadable-answer',
    name: 'a purge answered 200 with a body cut short',
    inputs: FREE,
    faults: [
      {
        method: 'POST',
        path: `/zones/${zones.free.id}/purge_cache`,
        action: { status: 200, body: '{"success":true,"errors":[],"result":{"id":"ab' }
      }
    ],
    says: [
      /could not be read/,
      /not JSON/,
      /may or may not have been purged/,
      /running again purges them again/
    ],
    reached: 'purge'
  },
  {
    id: 'network-error',
    name: 'API unreachable within the timeout',
    inputs: { ...FREE, api_url: 'DEAD_URL', timeout: '2' },
    says: [/connection was refused/, /Check `api_url`/],
    reached: 'nothing'
  },
  {
    id: 'unexpected-error',
    name: 'the job summary cannot be written after a purge: outputs keep the real counts',
    inputs: FREE,
    env: { GITHUB_STEP_SUMMARY: '/nonexistent-directory/summary' },
    says: [/not an answer from Cloudflare/, /Unable to access summary file/, /debug logging/],
    reached: 'purge',
    then: (run) => {
      expect(run.outputs.purged_count).toBe('1')
      expect(run.outputs.purge_ids).toMatch(/^[0-9a-f]{32}$/)
    }
  }
]

/** The URL of an emulator that was started and closed: nothing answers there. */
async function deadUrl(): Promise<string> {
  const dead = await startEmulator(fixtureOptions())
  await dead.close()
  return dead.url
}

/** The secret as given and every word of it: none may appear anywhere the user can read. */
export function secretsOf(inputs: Record<string, string>): string[] {
  const given = [inputs.api_token, inputs.global_key].filter((v): v is string => Boolean(v?.trim()))
  const words = given.flatMap((v) => v.split(/[\s"]+/)).filter((w) => w.length >= 8)
  return [...FIXTURE_SECRETS, ...given.map((v) => v.trim()), ...words]
}

/** Each scenario gets a world of its own, so that scenarios can run at the same time. */
export async function play(scenario: DiagnosisScenario): Promise<{ run: ActionRun; cf: RunningEmulator }> {
  const cf = await startEmulator(scenario.world ?? fixtureOptions())
  try {
    for (const fault of scenario.faults ?? []) cf.addFault(fault)
    const apiUrl = scenario.inputs.api_url === 'DEAD_URL' ? await deadUrl() : cf.url
    // With the runner's debug logging on, so that debug lines are searched for secrets too.
    const run = await runAction(
      { ...scenario.inputs, api_url: apiUrl },
      { env: { ...DEBUG, ...scenario.env } }
    )
    return { run, cf }
  } finally {
    await cf.close()
  }
}
