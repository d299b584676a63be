// A ready-made world for tests, the demo and the benchmark. Every value is fake but has a valid format.

import type {
  EmulatorAccount,
  EmulatorEnvironment,
  EmulatorGlobalKey,
  EmulatorOptions,
  EmulatorToken,
  EmulatorZone
} from './types.js'

const DAY_MS = 24 * 60 * 60 * 1000

const accountId = 'acc00000000000000000000000000001'
const otherAccountId = 'acc00000000000000000000000000002'

/** The Version Management environments of the enterprise zone (the only plan that has them). */
const environments = {
  production: { name: 'Production', ref: 'e0e00000000000000000000000000001' },
  staging: {
    name: 'Staging',
    ref: 'e0e00000000000000000000000000002',
    expression: '((cf.edge.server_ip in {203.0.113.10})) and (cf.zone.name eq "enterprise.example")'
  },
  development: {
    name: 'Development',
    ref: 'e0e00000000000000000000000000003',
    expression:
      '((any(http.request.cookies["development"][*] eq "true"))) and (cf.zone.name eq "enterprise.example")'
  },
  /** Selects visitors by country: invalidating it by URL answers 1136. */
  geoCanary: {
    name: 'Geo Canary',
    ref: 'e0e00000000000000000000000000004',
    expression: '(ip.src.country in {"NZ"}) and (cf.zone.name eq "enterprise.example")',
    refusesUrlInvalidation: true
  }
} satisfies Record<string, EmulatorEnvironment>

/** Two environments whose names differ only in case: `environment: staging` is ambiguous there. */
const caseTwinEnvironments = [
  { name: 'Production', ref: 'e0e00000000000000000000000000011' },
  { name: 'Staging', ref: 'e0e00000000000000000000000000012' },
  { name: 'staging', ref: 'e0e00000000000000000000000000013' }
] satisfies EmulatorEnvironment[]

const zones = {
  free: { id: 'f00d0000000000000000000000000001', name: 'example.com', plan: 'free', accountId },
  pro: { id: 'f00d0000000000000000000000000002', name: 'pro.example.net', plan: 'pro', accountId },
  business: {
    id: 'f00d0000000000000000000000000003',
    name: 'business.example.org',
    plan: 'business',
    accountId
  },
  /** Uses Version Management; the other zones do not. */
  enterprise: {
    id: 'f00d0000000000000000000000000004',
    name: 'enterprise.example',
    plan: 'enterprise',
    accountId,
    environments: Object.values(environments)
  },
  /** In the other account: hidden from the global key and from the account-owned token. */
  otherAccount: {
    id: 'f00d0000000000000000000000000005',
    name: 'elsewhere.example',
    plan: 'pro',
    accountId: otherAccountId
  },
  /** A subdomain of the free zone that is a zone of its own: its URLs belong to it, not to example.com. */
  blog: { id: 'f00d00000000000000000000000000b1', name: 'blog.example.com', plan: 'free', accountId },
  /** Seen twice by the user token: active here, and a `pending` copy in the other account (twinPending). */
  twinActive: { id: 'f00d00000000000000000000000000c1', name: 'twin.example', plan: 'pro', accountId },
  twinPending: {
    id: 'f00d00000000000000000000000000c2',
    name: 'twin.example',
    plan: 'free',
    accountId: otherAccountId,
    status: 'pending'
  },
  /** Seen twice by the user token, active in both accounts: which one is meant cannot be told. */
  pairMain: { id: 'f00d00000000000000000000000000d1', name: 'pair.example', plan: 'pro', accountId },
  pairOther: {
    id: 'f00d00000000000000000000000000d2',
    name: 'pair.example',
    plan: 'pro',
    accountId: otherAccountId
  },
  /** Version Management with two environments whose names differ only in case. */
  caseTwins: {
    id: 'f00d00000000000000000000000000e1',
    name: 'versions.example',
    plan: 'enterprise',
    accountId,
    environments: caseTwinEnvironments
  }
} satisfies Record<string, EmulatorZone>

const accounts = {
  main: { id: accountId, name: 'Example Account (emulated)' },
  other: { id: otherAccountId, name: 'Other Account (emulated)' }
} satisfies Record<string, EmulatorAccount>

const nextYear = new Date().getUTCFullYear() + 1

const tokens = {
  /** User-owned, every zone, both permissions, may read the main account. Legacy 40-character format. */
  user: {
    value: 'FAKEuserTokenAllPerms0000000000000000001',
    id: 'ad000000000000000000000000000001',
    accountId
  },
  /** Same rights, new format: cfut_ + 40 alphanumerics + 8 hex. */
  userNewFormat: {
    value: 'cfut_FAKEuserTokenNewFormat000000000000000002deadbeef',
    id: 'ad000000000000000000000000000002',
    accountId
  },
  /** Account-owned (cfat_), zones of the main account only; verifies at /accounts/{accountId}/tokens/verify. */
  account: {
    value: 'cfat_FAKEaccountToken000000000000000000000003c0ffee00',
    id: 'ad000000000000000000000000000003',
    owner: 'account',
    accountId
  },
  /** Cache Purge only: cannot look zones up by name. */
  noZoneRead: {
    value: 'FAKEtokenPurgeOnly-000000000000000000004',
    id: 'ad000000000000000000000000000004',
    permissions: ['cache.purge'],
    accountId
  },
  /** Zone Read only: purging answers 10000. */
  noPurge: {
    value: 'FAKEtokenReadOnly_0000000000000000000005',
    id: 'ad000000000000000000000000000005',
    permissions: ['zone.read'],
    accountId
  },
  /** Both permissions, but only on the pro zone: the free zone answers 10000. */
  scopedToOtherZone: {
    value: 'FAKEtokenScopedToPro00000000000000000006',
    id: 'ad000000000000000000000000000006',
    zones: [zones.pro.id],
    accountId
  },
  disabled: {
    value: 'FAKEtokenDisabled00000000000000000000007',
    id: 'ad000000000000000000000000000007',
    status: 'disabled'
  },
  expired: {
    value: 'FAKEtokenExpired000000000000000000000008',
    id: 'ad000000000000000000000000000008',
    status: 'expired',
    expiresOn: '2024-01-01T00:00:00Z'
  },
  /** Not valid before 1 January next year. */
  notYetValid: {
    value: 'FAKEtokenNotYetValid00000000000000000009',
    id: 'ad000000000000000000000000000009',
    notBefore: `${nextYear}-01-01T00:00:00Z`
  },
  /** Verifies as active, but every other call answers 9109 (IP filter). */
  ipRestricted: {
    value: 'FAKEtokenIpRestricted0000000000000000010',
    id: 'ad000000000000000000000000000010',
    ipRestricted: true,
    accountId
  },
  /** Cache Purge and Zone Read, but not Zone Versioning Read: cannot list environments. */
  noVersioningRead: {
    value: 'FAKEtokenNoVersioning0000000000000000012',
    id: 'ad000000000000000000000000000012',
    permissions: ['zone.read', 'cache.purge'],
    accountId
  },
  /** Valid, all permissions, expires three days after the fixture was loaded. */
  expiringSoon: {
    value: 'FAKEtokenExpiringSoon0000000000000000011',
    id: 'ad000000000000000000000000000011',
    expiresOn: new Date(Date.now() + 3 * DAY_MS).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    accountId
  },
  /** Active by Cloudflare's word, with an expires_on in the past, as in the API schema's own example. */
  activePastExpiry: {
    value: 'FAKEtokenActivePastExpiry000000000000012',
    id: 'ad000000000000000000000000000012',
    status: 'active',
    expiresOn: '2020-01-01T00:00:00Z',
    expiryEnforced: false,
    accountId
  }
} satisfies Record<string, EmulatorToken>

/** Global API Key: 37 lowercase hex; sees the zones of the main account only. */
const globalKey = {
  email: 'admin@example.com',
  key: 'c0ffeec0ffeec0ffeec0ffeec0ffeec0ffee0',
  accountIds: [accountId]
} satisfies EmulatorGlobalKey

export const fixture = {
  accountId,
  otherAccountId,
  accounts,
  zones,
  environments,
  tokens,
  globalKey
}

export type Fixture = typeof fixture

/** The fixture world as emulator options; `extra` overrides (replaces) any field. */
export function fixtureOptions(extra: Partial<EmulatorOptions> = {}): EmulatorOptions {
  return {
    zones: Object.values(zones),
    accounts: Object.values(accounts),
    tokens: Object.values(tokens),
    globalKeys: [globalKey],
    ...extra
  }
}
