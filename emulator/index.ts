// Local Cloudflare API v4 emulator for end-to-end tests, the demo and the benchmark. See README.md.

export { startEmulator } from './server.js'
export type {
  EmulatorAccount,
  EmulatorEnvironment,
  EmulatorGlobalKey,
  EmulatorOptions,
  EmulatorToken,
  EmulatorZone,
  FaultAction,
  FaultRule,
  GlobalRateLimitSpec,
  ItemRefusal,
  Plan,
  RateLimitSpec,
  RecordedPurge,
  RecordedRequest,
  RunningEmulator,
  TokenPermission,
  UrlCounting
} from './types.js'
export { URL_COUNTINGS } from './state.js'
export { startEdge, CACHE_KEY_HEADERS } from './edge.js'
export type { EdgeOptions, EdgeRequest, RunningEdge } from './edge.js'
