// A small stand-in for GitHub's compare API, on 127.0.0.1, for the end-to-end tests of `changed_paths`:
// the action finds it through GITHUB_API_URL, as on a runner.
import { afterAll, beforeAll, beforeEach } from '@jest/globals'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface CompareFile {
  filename: string
  status: string
  previous_filename?: string
}
export interface CompareAnswer {
  status: number
  body: unknown
  headers?: Record<string, string>
  /** Never answer (until the stand-in closes). */
  hang?: boolean
}

/** Answers GET /repos/{owner}/{repo}/compare/{base}...{head} from a table; records every request. */
export class GitHubStandIn {
  readonly requests: Array<{ path: string; authorization?: string }> = []
  /** When each request arrived (epoch ms). */
  readonly arrivals: number[] = []
  answers = new Map<string, CompareAnswer[]>()
  private server?: Server

  constructor(private readonly repository: string) {}

  get url(): string {
    return `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`
  }

  async start(): Promise<void> {
    this.server = createServer((req: IncomingMessage, res) => {
      const path = decodeURIComponent((req.url ?? '').split('?')[0] ?? '')
      this.requests.push({ path, authorization: req.headers.authorization })
      this.arrivals.push(Date.now())
      const match = /^\/repos\/([^/]+)\/([^/]+)\/compare\/(.+)$/.exec(path)
      const queue = match ? this.answers.get(`${match[1]}/${match[2]} ${match[3]}`) : undefined
      const answer = queue?.length ? (queue.length > 1 ? queue.shift() : queue[0]) : undefined
      const { status, body, headers, hang } = answer ?? {
        status: 404,
        body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' }
      }
      if (hang) return
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers })
      res.end(JSON.stringify(body))
    })
    await new Promise<void>((ready) => this.server?.listen(0, '127.0.0.1', ready))
  }

  /** The compare of base...head answers these files (several answers are given in turn). */
  compare(base: string, head: string, ...answers: Array<CompareFile[] | CompareAnswer>): void {
    this.answers.set(
      `${this.repository} ${base}...${head}`,
      answers.map((a) => (Array.isArray(a) ? { status: 200, body: { status: 'ahead', files: a } } : a))
    )
  }

  reset(): void {
    this.requests.length = 0
    this.arrivals.length = 0
    this.answers.clear()
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections()
    await new Promise((done) => this.server?.close(done))
  }
}

/**
 * The runner's side of push-triggered steps, for the test file that calls this at its top level: a
 * stand-in for `repository` (started before the first test, reset before each, closed after the last)
 * and a folder for the event payloads.
 */
export function usePushSteps(repository: string): {
  github: GitHubStandIn
  /** A path in the events folder; nothing is written there. */
  pathOf: (name: string) => string
  /** The variables a runner sets for a push step: the event `payload` (written to a file), commit `sha`. */
  env: (payload: Record<string, unknown>, sha: string) => Record<string, string>
} {
  const github = new GitHubStandIn(repository)
  let dir = ''
  beforeAll(async () => {
    await github.start()
    dir = mkdtempSync(join(tmpdir(), 'purge-push-'))
  })
  afterAll(async () => {
    await github.close()
    rmSync(dir, { recursive: true, force: true })
  })
  beforeEach(() => github.reset())
  const pathOf = (name: string): string => join(dir, name)
  return {
    github,
    pathOf,
    env: (payload, sha) => {
      const eventPath = pathOf(`event-${Math.random().toString(16).slice(2)}.json`)
      writeFileSync(eventPath, JSON.stringify({ ref: 'refs/heads/main', ...payload }))
      return {
        GITHUB_API_URL: github.url,
        GITHUB_EVENT_PATH: eventPath,
        GITHUB_EVENT_NAME: 'push',
        GITHUB_REPOSITORY: repository,
        GITHUB_SHA: sha
      }
    }
  }
}
