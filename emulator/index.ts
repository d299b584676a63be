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
  RecordedRequest,
  RunningEmulator,
  TokenPermission
} from './types.js'
