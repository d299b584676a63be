// Cloudflare's JSON envelope and the errors the emulator answers with.

export interface CfError {
  code: number
  message: string
  error_chain?: CfError[]
}

export interface CfMessage {
  code: number
  message: string
  type: string | null
}

export interface ResultInfo {
  page: number
  per_page: number
  count: number
  total_count: number
  total_pages: number
}

/** An answer before serialisation: an object body is sent as JSON, a string verbatim. */
export interface Reply {
  status: number
  headers: Record<string, string>
  body: object | string
}

export function ok(result: unknown, extra: { messages?: CfMessage[]; resultInfo?: ResultInfo } = {}): Reply {
  const body: Record<string, unknown> = {
    success: true,
    errors: [],
    messages: extra.messages ?? [],
    result
  }
  if (extra.resultInfo) body.result_info = extra.resultInfo
  return { status: 200, headers: {}, body }
}

export function fail(status: number, errors: CfError[], headers: Record<string, string> = {}): Reply {
  return { status, headers, body: { success: false, errors, messages: [], result: null } }
}

export function error(code: number, message: string, chain?: CfError[]): CfError {
  return chain ? { code, message, error_chain: chain } : { code, message }
}

// The errors the emulator uses more than once.

export const noRoute = (): Reply => fail(404, [error(7000, 'No route for that URI')])

export const authenticationError = (): Reply => fail(403, [error(10000, 'Authentication error')])

export const invalidApiToken = (): Reply => fail(401, [error(1000, 'Invalid API Token')])

export const invalidAccessToken = (message = 'Invalid access token'): Reply =>
  fail(403, [error(9109, message)])

export const badIdentifier = (kind: 'zones' | 'accounts', id: string): Reply =>
  fail(400, [
    error(7003, `Could not route to /${kind}/${id}, perhaps your object identifier is invalid?`),
    error(7000, 'No route for that URI')
  ])

export const rateLimited = (retryAfterSeconds: number): Reply =>
  fail(429, [error(971, 'Please wait and consider throttling your request speed')], {
    'retry-after': String(retryAfterSeconds)
  })

/** Whole seconds, at least 1, for a Retry-After header. */
export function retryAfterSeconds(waitSeconds: number): number {
  return Math.max(1, Math.ceil(waitSeconds - 1e-9))
}

export const PAYLOAD_TOO_LARGE_HTML =
  '<html>\r\n<head><title>413 Request Entity Too Large</title></head>\r\n<body>\r\n' +
  '<center><h1>413 Request Entity Too Large</h1></center>\r\n<hr><center>cloudflare</center>\r\n' +
  '</body>\r\n</html>\r\n'
