// The API routes: authentication, then the endpoint itself.

import { randomBytes } from 'node:crypto'
import { authenticate } from './auth.js'
import {
  authenticationError,
  badIdentifier,
  error,
  fail,
  invalidAccessToken,
  invalidApiToken,
  noRoute,
  ok,
  rateLimited,
  retryAfterSeconds,
  type CfMessage,
  type Reply
} from './envelope.js'
import { checkPurgeBody, type PurgeKind } from './purge.js'
import {
  type Credential,
  type EmulatorState,
  hexDigest,
  ID_PATTERN,
  IP_RESTRICTED_LOCATION,
  tokenCondition,
  tokenId,
  tokenOwner,
  zonePlan
} from './state.js'
import type { EmulatorEnvironment, EmulatorToken, EmulatorZone, Plan } from './types.js'

export interface ApiRequest {
  method: string
  /** After the /client/v4 base. */
  path: string
  query: Record<string, string>
  headers: Record<string, string>
  body: unknown
  malformedBody: boolean
  now: number
}

export type CacheAction = 'purge' | 'invalidate'

export interface ApiOutcome {
  reply: Reply
  /** Set when a purge or an invalidation really happened. */
  purged?: {
    zoneId: string
    zoneName: string
    kind: PurgeKind
    items: unknown[]
    action: CacheAction
    environment?: string
  }
}

type Route =
  | { name: 'userVerify' }
  | { name: 'accountVerify'; accountId: string }
  | { name: 'account'; accountId: string }
  | { name: 'user' }
  | { name: 'zones' }
  | { name: 'zone'; zoneId: string }
  | { name: 'environments'; zoneId: string }
  | { name: 'purge'; zoneId: string; action: CacheAction; environment?: string }

function matchRoute(method: string, path: string, invalidation: boolean): Route | undefined {
  const parts = path.split('/').slice(1)
  const [first, second, third, fourth] = parts
  if (method === 'GET') {
    if (parts.length === 3 && first === 'user' && second === 'tokens' && third === 'verify') {
      return { name: 'userVerify' }
    }
    if (parts.length === 4 && first === 'accounts' && second && third === 'tokens' && fourth === 'verify') {
      return { name: 'accountVerify', accountId: second }
    }
    if (parts.length === 2 && first === 'accounts' && second) return { name: 'account', accountId: second }
    if (parts.length === 1 && first === 'user') return { name: 'user' }
    if (parts.length === 1 && first === 'zones') return { name: 'zones' }
    if (parts.length === 2 && first === 'zones' && second) return { name: 'zone', zoneId: second }
  }
  if (method === 'GET' && parts.length === 3 && first === 'zones' && second && third === 'environments') {
    return { name: 'environments', zoneId: second }
  }
  if (method === 'POST' && first === 'zones' && second) {
    const verb = parts[parts.length - 1]
    const action = verb === 'purge_cache' ? 'purge' : verb === 'invalidate_cache' ? 'invalidate' : undefined
    // Without the invalidate endpoints, their paths are unknown routes, as on an API that lacks them.
    if (!action || (action === 'invalidate' && !invalidation)) return undefined
    if (parts.length === 3) return { name: 'purge', zoneId: second, action }
    if (parts.length === 5 && third === 'environments' && fourth) {
      return { name: 'purge', zoneId: second, action, environment: fourth }
    }
  }
  return undefined
}

const PLAN_NAMES: Record<Plan, string> = {
  free: 'Free Website',
  pro: 'Pro Website',
  business: 'Business Website',
  enterprise: 'Enterprise Website'
}

const PLAN_PRICES: Record<Plan, number> = { free: 0, pro: 20, business: 200, enterprise: 0 }

export function handleApi(request: ApiRequest, state: EmulatorState): ApiOutcome {
  const route = matchRoute(request.method, request.path, state.invalidation)
  if (!route) return { reply: noRoute() }

  const verify = route.name === 'userVerify' || route.name === 'accountVerify'
  const auth = authenticate(request.headers, state, verify)
  if (!auth.ok) return { reply: auth.reply }
  const credential = auth.credential

  const wait = state.takeGlobal(credential.key, request.now)
  const limitHeaders = state.globalHeaders(credential.key, request.now) ?? {}
  if (wait > 0) {
    const reply = rateLimited(retryAfterSeconds(wait))
    return { reply: { ...reply, headers: { ...limitHeaders, ...reply.headers } } }
  }

  const outcome = dispatch(route, request, state, credential)
  outcome.reply = { ...outcome.reply, headers: { ...limitHeaders, ...outcome.reply.headers } }
  return outcome
}

function dispatch(
  route: Route,
  request: ApiRequest,
  state: EmulatorState,
  credential: Credential
): ApiOutcome {
  if (route.name === 'userVerify' || route.name === 'accountVerify') {
    return { reply: verifyToken(route, credential) }
  }

  if (credential.kind === 'token') {
    const refusal = tokenRefusal(credential.token)
    if (refusal) return { reply: refusal }
  }

  switch (route.name) {
    case 'user':
      return { reply: user(state, credential) }
    case 'account':
      return { reply: account(state, credential, route.accountId) }
    case 'zones':
      return { reply: listZones(state, credential, request.query) }
    case 'zone':
      return { reply: getZone(state, credential, route.zoneId) }
    case 'environments':
      return { reply: listEnvironments(state, credential, route.zoneId) }
    case 'purge':
      return purge(state, credential, route, request)
  }
}

function verifyToken(
  route: { name: 'userVerify' } | { name: 'accountVerify'; accountId: string },
  credential: Credential
): Reply {
  if (credential.kind !== 'token') return invalidApiToken()
  const token = credential.token
  const owner = tokenOwner(token)
  if (route.name === 'userVerify' && owner !== 'user') return invalidApiToken()
  if (route.name === 'accountVerify') {
    if (owner !== 'account' || token.accountId !== route.accountId) return invalidApiToken()
  }

  const condition = tokenCondition(token)
  const status = condition === 'disabled' || condition === 'expired' ? condition : 'active'
  const result: Record<string, string> = { id: tokenId(token), status }
  if (token.expiresOn !== undefined) result.expires_on = token.expiresOn
  if (token.notBefore !== undefined) result.not_before = token.notBefore
  const text: Record<typeof condition, string> = {
    active: 'This API Token is valid and active',
    disabled: 'This API Token is disabled',
    expired: 'This API Token has expired',
    notYetValid: 'This API Token is not valid yet'
  }
  const messages: CfMessage[] = [{ code: 10000, message: text[condition], type: null }]
  return ok(result, { messages })
}

/** 9109 for a token that exists but may not be used now. */
function tokenRefusal(token: EmulatorToken): Reply | undefined {
  if (tokenCondition(token) !== 'active') return invalidAccessToken()
  if (token.ipRestricted) {
    return invalidAccessToken(`Cannot use the access token from location: ${IP_RESTRICTED_LOCATION}`)
  }
  return undefined
}

function user(state: EmulatorState, credential: Credential): Reply {
  if (credential.kind === 'globalKey') {
    const email = credential.globalKey.email
    return ok({ id: hexDigest(`user:${email.toLowerCase()}`), email })
  }
  if (tokenOwner(credential.token) === 'account') return authenticationError()
  const email = state.globalKeys[0]?.email ?? 'user@example.com'
  return ok({ id: hexDigest(`user:${email.toLowerCase()}`), email })
}

function account(state: EmulatorState, credential: Credential, accountId: string): Reply {
  if (!ID_PATTERN.test(accountId)) return badIdentifier('accounts', accountId)
  if (!state.accounts.has(accountId) || !state.canReadAccount(credential, accountId)) {
    return authenticationError()
  }
  return ok({
    id: accountId,
    name: state.accountName(accountId),
    type: 'standard',
    settings: { enforce_twofactor: false, abuse_contact_email: null },
    created_on: '2020-01-01T00:00:00.000000Z'
  })
}

function zoneView(state: EmulatorState, zone: EmulatorZone): Record<string, unknown> {
  const plan = zonePlan(zone)
  return {
    id: zone.id,
    name: zone.name,
    status: zone.status ?? 'active',
    paused: false,
    type: 'full',
    development_mode: 0,
    name_servers: ['ada.ns.cloudflare.com', 'bob.ns.cloudflare.com'],
    original_name_servers: null,
    original_registrar: null,
    created_on: '2020-01-01T00:00:00.000000Z',
    modified_on: '2020-01-01T00:00:00.000000Z',
    activated_on: '2020-01-01T00:00:00.000000Z',
    account: { id: zone.accountId, name: state.accountName(zone.accountId) },
    plan: {
      id: plan === 'free' ? '0feeeeeeeeeeeeeeeeeeeeeeeeeeeeee' : hexDigest(`plan:${plan}`),
      name: PLAN_NAMES[plan],
      price: PLAN_PRICES[plan],
      currency: 'USD',
      frequency: plan === 'free' ? '' : 'monthly',
      is_subscribed: true,
      can_subscribe: false,
      legacy_id: plan,
      legacy_discount: false,
      externally_managed: false
    }
  }
}

function readableZone(state: EmulatorState, credential: Credential, zone: EmulatorZone): boolean {
  return state.zoneInScope(credential, zone) && state.hasPermission(credential, 'zone.read')
}

function listZones(state: EmulatorState, credential: Credential, query: Record<string, string>): Reply {
  const name = query['name']?.toLowerCase()
  const accountId = query['account.id']
  const status = query['status']
  const zones = [...state.zones.values()].filter(
    (zone) =>
      readableZone(state, credential, zone) &&
      (name === undefined || zone.name.toLowerCase() === name) &&
      (accountId === undefined || zone.accountId === accountId) &&
      (status === undefined || (zone.status ?? 'active') === status)
  )
  zones.sort((a, b) => a.name.localeCompare(b.name))
  const perPage = clamp(integer(query['per_page']) ?? 20, 5, 50)
  const page = Math.max(1, integer(query['page']) ?? 1)
  const slice = zones.slice((page - 1) * perPage, page * perPage)
  return ok(
    slice.map((zone) => zoneView(state, zone)),
    {
      resultInfo: {
        page,
        per_page: perPage,
        count: slice.length,
        total_count: zones.length,
        total_pages: Math.ceil(zones.length / perPage)
      }
    }
  )
}

function integer(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d+$/.test(text)) return undefined
  return Number(text)
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value))
}

/** The zone when it exists and is in the credential's scope; otherwise the reply. */
function zoneFor(
  state: EmulatorState,
  credential: Credential,
  zoneId: string
): { zone: EmulatorZone } | { reply: Reply } {
  if (!ID_PATTERN.test(zoneId)) return { reply: badIdentifier('zones', zoneId) }
  const zone = state.zones.get(zoneId)
  if (!zone || !state.zoneInScope(credential, zone)) return { reply: authenticationError() }
  return { zone }
}

function getZone(state: EmulatorState, credential: Credential, zoneId: string): Reply {
  const found = zoneFor(state, credential, zoneId)
  if ('reply' in found) return found.reply
  if (!state.hasPermission(credential, 'zone.read')) return authenticationError()
  return ok(zoneView(state, found.zone))
}

/**
 * Cloudflare's answers for a zone without Version Management and for an unknown environment are not
 * documented: these codes and messages are invented (see README.md).
 */
const versioningNotEnabled = (): Reply =>
  fail(400, [error(1140, 'Zone versioning is not enabled for this zone')])
const environmentNotFound = (): Reply => fail(404, [error(1141, 'Environment not found')])
/** Cloudflare documents the code; the message is the emulator's own. */
const urlInvalidationRefused = (): Reply =>
  fail(400, [error(1136, 'Invalidating by URL is not supported for this environment')])

/** Environment IDs are at most 32 characters in Cloudflare's schema. */
const ENVIRONMENT_REF = /^[A-Za-z0-9_-]{1,32}$/

function listEnvironments(state: EmulatorState, credential: Credential, zoneId: string): Reply {
  const found = zoneFor(state, credential, zoneId)
  if ('reply' in found) return found.reply
  if (!state.hasPermission(credential, 'zone.versioning.read')) return authenticationError()
  const zone = found.zone
  if (!zone.environments) return versioningNotEnabled()
  const environments = zone.environments.map((environment, i, all) => ({
    name: environment.name,
    ref: environment.ref,
    version: 0,
    expression: environment.expression ?? `(cf.zone.name eq "${zone.name}")`,
    locked_on_deployment: false,
    // The first environment is Production; each one points at its neighbours, as Cloudflare lists them.
    position: {
      ...(all[i + 1] ? { before: all[i + 1]!.ref } : {}),
      ...(all[i - 1] ? { after: all[i - 1]!.ref } : {})
    }
  }))
  return ok({ environments })
}

function purge(
  state: EmulatorState,
  credential: Credential,
  route: Extract<Route, { name: 'purge' }>,
  request: ApiRequest
): ApiOutcome {
  const found = zoneFor(state, credential, route.zoneId)
  if ('reply' in found) return { reply: found.reply }
  const zone = found.zone
  if (!state.hasPermission(credential, 'cache.purge')) return { reply: authenticationError() }

  let environment: EmulatorEnvironment | undefined
  if (route.environment !== undefined) {
    if (!ENVIRONMENT_REF.test(route.environment)) {
      return {
        reply: fail(400, [
          error(
            7003,
            `Could not route to /zones/${zone.id}/environments/${route.environment}, perhaps your object identifier is invalid?`
          ),
          error(7000, 'No route for that URI')
        ])
      }
    }
    if (!zone.environments) return { reply: versioningNotEnabled() }
    environment = zone.environments.find((e) => e.ref === route.environment)
    if (!environment) return { reply: environmentNotFound() }
  }

  const check = checkPurgeBody(
    request.body,
    request.malformedBody,
    zonePlan(zone),
    state,
    zone.filesPerRequest,
    state.refusedItems
  )
  if (!check.ok) return { reply: check.reply }
  if (route.action === 'invalidate' && environment?.refusesUrlInvalidation && check.fileCount !== undefined) {
    return { reply: urlInvalidationRefused() }
  }

  // Invalidations share the purge limits (Cloudflare: "same limits"); whether they share the very same
  // budget is not documented, so the stricter reading is modelled.
  const wait = state.takePurge(zone, check.fileCount, request.now)
  if (wait > 0) return { reply: rateLimited(retryAfterSeconds(wait)) }

  return {
    reply: ok({ id: randomBytes(16).toString('hex') }),
    purged: {
      zoneId: zone.id,
      zoneName: zone.name,
      kind: check.kind,
      items: check.items,
      action: route.action,
      ...(environment ? { environment: environment.ref } : {})
    }
  }
}
