// Lists the files that a push, or a range of commits, changed, with GitHub's compare API.
// @actions/github is loaded here only, and only in this mode, so other runs never pay for it.
import { readFileSync } from 'node:fs'
import { urlsForChanges, type ChangedFile, type ListedChanges } from '../inputs/changed-urls.js'
import { attemptTimeoutFor } from '../cloudflare/http-client.js'
import { diagnose, shortDuration } from '../diagnosis/catalogue.js'
import { DiagnosedFailure } from '../diagnosis/failure.js'
import type { ChangeSettings, Finding } from '../types.js'

export interface CommitRange {
  base: string
  head: string
}

/** What the run knows about its trigger: GitHub's environment variables and the `base`/`head` inputs. */
export interface ChangeSource {
  base?: string
  head?: string
  eventName?: string
  eventPath?: string
  sha?: string
}

export interface ListOptions {
  token: string
  /** `owner/repo`. */
  repository?: string
  /** Epoch ms after which no request starts and running ones are cut. */
  deadline: number
  userAgent: string
  onRetry?: (reason: string) => void
  /** How long one attempt waits for GitHub's answer; by default from the time left, at most 30 s. */
  attemptTimeoutMs?: number
}

/**
 * The files changed by this run's push (or between `base` and `head`), listed with GitHub's compare and
 * mapped to the URLs to purge; throws a DiagnosedFailure when they cannot be listed.
 */
export async function listChanges(
  changes: ChangeSettings,
  env: NodeJS.ProcessEnv,
  options: Omit<ListOptions, 'token' | 'repository'>
): Promise<ListedChanges> {
  const range = commitRange({
    ...(changes.base ? { base: changes.base } : {}),
    ...(changes.head ? { head: changes.head } : {}),
    eventName: env.GITHUB_EVENT_NAME,
    eventPath: env.GITHUB_EVENT_PATH,
    sha: env.GITHUB_SHA
  })
  if (!('base' in range)) throw new DiagnosedFailure([range])
  const files = await listChangedFiles(range, {
    ...options,
    token: changes.githubToken,
    repository: env.GITHUB_REPOSITORY
  })
  const { urls, unmapped, errors } = urlsForChanges(files, changes.mappings)
  return { range: describeRange(range), files: files.length, unmapped, urls, errors }
}

/** GitHub lists at most this many files in one comparison; a list this long may have been cut. */
export const COMPARE_FILE_LIMIT = 300
const MAX_ATTEMPTS = 3
const NO_COMMIT = /^0+$/
/**
 * GitHub asks to wait at least a minute after a secondary rate limit that names no time:
 * https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#exceeding-the-rate-limit
 */
const SECONDARY_LIMIT_WAIT_MS = 60_000

/** The commits to compare: `base`/`head` when given, otherwise the push's `before` and `after`. */
export function commitRange(
  source: ChangeSource,
  readPayload: (path: string) => string = (p) => readFileSync(p, 'utf8')
): CommitRange | Finding {
  const noRange = (reason: string): Finding => diagnose('changes-no-range', { reason })
  if (source.base) {
    const head = source.head || source.sha
    if (!head)
      return noRange('`head` is empty and GITHUB_SHA is not set, so there is no commit to compare to')
    return { base: source.base, head }
  }
  if (source.eventName !== 'push') {
    return noRange(
      source.eventName
        ? `this run was triggered by "${source.eventName}", not by a push, and \`base\` is empty`
        : 'GITHUB_EVENT_NAME is not set (is this running outside GitHub Actions?) and `base` is empty'
    )
  }
  let payload: { before?: unknown; after?: unknown; deleted?: unknown }
  try {
    if (!source.eventPath) throw new Error('GITHUB_EVENT_PATH is not set')
    payload = JSON.parse(readPayload(source.eventPath)) as typeof payload
    if (typeof payload !== 'object' || payload === null) throw new Error('not a JSON object')
  } catch (error) {
    return noRange(`the push event payload cannot be read (${(error as Error).message})`)
  }
  const { before, after } = payload
  if (payload.deleted === true || (typeof after === 'string' && NO_COMMIT.test(after))) {
    return noRange('the push deleted the branch or tag, so nothing was deployed from it')
  }
  if (typeof after !== 'string' || after === '') {
    return noRange('the push event payload has no "after" commit')
  }
  if (typeof before !== 'string' || before === '' || NO_COMMIT.test(before)) {
    return noRange('the push created the branch or tag, so there is no earlier commit to compare with')
  }
  return { base: before, head: after }
}

/** A commit as people read it: seven characters of a SHA, a ref name as it is. */
export function describeRange(range: CommitRange): string {
  const short = (ref: string): string => (/^[0-9a-f]{40}$/.test(ref) ? ref.slice(0, 7) : ref)
  return `${short(range.base)}...${short(range.head)}`
}

/**
 * The files whose content differs between the two commits. GitHub compares `base...head` from their
 * merge base, which misses what `base` had on its own side after a force-push or a rollback, so that
 * side is listed too.
 */
export async function listChangedFiles(range: CommitRange, options: ListOptions): Promise<ChangedFile[]> {
  const [owner, repo, ...rest] = (options.repository ?? '').split('/')
  if (!owner || !repo || rest.length > 0) {
    throw new DiagnosedFailure([
      diagnose('changes-no-range', {
        reason: `GITHUB_REPOSITORY is "${options.repository ?? ''}", not owner/repo (is this running outside GitHub Actions?)`
      })
    ])
  }
  const { getOctokit } = await import('@actions/github')
  const octokit = getOctokit(options.token, { userAgent: options.userAgent })
  const attemptMs = options.attemptTimeoutMs ?? attemptTimeoutFor(options.deadline - Date.now())
  const compare = async (base: string, head: string): Promise<{ status: string; files: ChangedFile[] }> => {
    const described = describeRange({ base, head })
    for (let attempt = 1; ; attempt++) {
      const remaining = options.deadline - Date.now()
      // One attempt waits a bounded time, so that a hung connection leaves room for another.
      const timeoutMs = Math.max(1, Math.floor(Math.min(attemptMs, remaining)))
      try {
        if (remaining <= 0) throw Object.assign(new Error('the timeout was reached'), { status: 0 })
        const { data } = await octokit.rest.repos.compareCommitsWithBasehead({
          owner,
          repo,
          basehead: `${base}...${head}`,
          request: { signal: AbortSignal.timeout(timeoutMs) }
        })
        return { status: data.status, files: toChangedFiles(data.files, described) }
      } catch (error) {
        if (error instanceof DiagnosedFailure) throw error
        const decision = compareRetry(error, attempt, Date.now(), options.deadline)
        if (!('delayMs' in decision))
          throw new DiagnosedFailure([apiFailure(described, error, timeoutMs, decision)])
        options.onRetry?.(
          `${messageOf(error, timeoutMs)} (attempt ${attempt} of ${MAX_ATTEMPTS}); next in ${shortDuration(Math.ceil(decision.delayMs / 1000))}`
        )
        await new Promise((done) => setTimeout(done, decision.delayMs))
      }
    }
  }
  const forward = await compare(range.base, range.head)
  if (forward.status !== 'behind' && forward.status !== 'diverged') return forward.files
  const backward = await compare(range.head, range.base)
  return [...forward.files, ...backward.files]
}

function toChangedFiles(files: unknown, range: string): ChangedFile[] {
  if (!Array.isArray(files)) {
    throw new DiagnosedFailure([
      diagnose('changes-api-error', {
        range,
        detail: 'the answer did not list the changed files',
        hint: 'Run again; if it persists, set `base` closer to `head`.'
      })
    ])
  }
  if (files.length >= COMPARE_FILE_LIMIT) {
    throw new DiagnosedFailure([diagnose('changes-too-many', { range, count: files.length })])
  }
  return files.flatMap((f: { filename?: unknown; status?: unknown; previous_filename?: unknown }) => {
    if (typeof f?.filename !== 'string') return []
    const file: ChangedFile = {
      path: f.filename,
      status: typeof f.status === 'string' ? f.status : 'modified'
    }
    if (typeof f.previous_filename === 'string') file.previousPath = f.previous_filename
    return [file]
  })
}

/** Why the compare is not tried again: GitHub's wait is longer than the time left, or nothing will change. */
export interface NoRetry {
  /** How long GitHub asked to wait, when that is the reason. */
  waitMs?: number
  leftMs?: number
}

/**
 * Whether and when to try the compare again. A rate limit waits what GitHub asks: `retry-after` seconds,
 * or until `x-ratelimit-reset` (epoch seconds) when `x-ratelimit-remaining` is 0, or a minute; a 403
 * without those is a refusal. 5xx answers and failed connections are retried after 1 s, then 2 s.
 * https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#exceeding-the-rate-limit
 */
export function compareRetry(
  error: unknown,
  attempt: number,
  now: number,
  deadline: number
): { delayMs: number } | NoRetry {
  const status = statusOf(error)
  let delayMs: number
  if (status === 403 || status === 429) {
    const wait = rateLimitWait(headersOf(error), now)
    if (wait === undefined && status === 403) return {}
    delayMs = wait ?? SECONDARY_LIMIT_WAIT_MS
  } else if (status === undefined || status >= 500) {
    delayMs = 1000 * attempt
  } else {
    return {}
  }
  if (attempt >= MAX_ATTEMPTS) return {}
  if (now + delayMs >= deadline) return { waitMs: delayMs, leftMs: Math.max(0, deadline - now) }
  return { delayMs }
}

/** GitHub's rate-limit wait in milliseconds, when its headers name one. */
function rateLimitWait(headers: Record<string, unknown>, now: number): number | undefined {
  const retryAfter = Number(headers['retry-after'])
  if (String(headers['retry-after'] ?? '').trim() !== '' && Number.isFinite(retryAfter) && retryAfter >= 0)
    return retryAfter * 1000
  const reset = Number(headers['x-ratelimit-reset'])
  if (String(headers['x-ratelimit-remaining']) === '0' && Number.isFinite(reset) && reset > 0)
    return Math.max(0, reset * 1000 - now) + 1000 // the reset second itself, plus one for the clocks
  return undefined
}

function headersOf(error: unknown): Record<string, unknown> {
  const response = (error as { response?: { headers?: unknown } })?.response
  const headers = response?.headers
  return headers && typeof headers === 'object' ? (headers as Record<string, unknown>) : {}
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown })?.status
  // Octokit reports a request that never got an answer as status 500 with the cause attached.
  return typeof status === 'number' &&
    status > 0 &&
    !(status === 500 && !(error as { response?: unknown }).response)
    ? status
    : undefined
}

function messageOf(error: unknown, timeoutMs?: number): string {
  // The attempt's own time limit ends it with an AbortSignal.timeout error, which says nothing useful.
  const cause = (error as { cause?: { name?: unknown } })?.cause
  const name = (error as { name?: unknown })?.name
  if (timeoutMs !== undefined && (name === 'TimeoutError' || cause?.name === 'TimeoutError'))
    return `no answer within ${Math.round(timeoutMs / 100) / 10} s`
  return error instanceof Error ? error.message : String(error)
}

function apiFailure(range: string, error: unknown, timeoutMs: number, why: NoRetry): Finding {
  const status = statusOf(error)
  const permissions =
    'the job needs `permissions: contents: read` (and the token must be able to read this repository)'
  const limited =
    why.waitMs !== undefined && why.leftMs !== undefined
      ? `GitHub's API rate limit was reached: GitHub asks to wait ${shortDuration(Math.ceil(why.waitMs / 1000))}; ` +
        `the timeout leaves ${shortDuration(Math.floor(why.leftMs / 1000))}. Run again after that wait, or raise \`timeout\`.`
      : undefined
  const hint =
    limited ??
    (status === 404
      ? `Check that both commits exist in this repository (a force-push may have removed the earlier one), and that ${permissions}.`
      : status === 401
        ? 'The token in `github_token` is not valid; leave the input out to use the workflow token.'
        : status === 403 || status === 429
          ? `Either ${permissions}, or GitHub's API rate limit was reached (run again later).`
          : 'Run again; check https://www.githubstatus.com/ for incidents.')
  const message = messageOf(error, timeoutMs)
  const detail = status ? `HTTP ${status}, ${message}` : message
  return diagnose('changes-api-error', { range, detail, hint })
}
