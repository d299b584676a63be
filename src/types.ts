// Domain types shared by the input parser, the Cloudflare client, the planner and the reporter.

/** How the action authenticates to Cloudflare. */
export type Credential = { kind: 'token'; token: string } | { kind: 'global-key'; email: string; key: string }

/** A zone as the user named it: by ID, or by a domain name (ASCII/punycode form). */
export type ZoneRef = { kind: 'id'; id: string } | { kind: 'name'; name: string; input: string }

export type Plan = 'free' | 'pro' | 'business' | 'enterprise'

/** A zone as Cloudflare knows it. `plan` and `accountId` are absent when the zone could not be read. */
export interface ResolvedZone {
  id: string
  name?: string
  plan?: Plan
  accountId?: string
}

/** One URL to purge; `headers` selects a variant cached under a custom cache key. */
export interface FileItem {
  url: string
  headers?: Record<string, string>
}

export type ListPurgeType = 'files' | 'tags' | 'hosts' | 'prefixes'
export type PurgeType = ListPurgeType | 'everything'

/** Everything the user asked to purge, validated and deduplicated. */
export interface PurgeRequest {
  everything: boolean
  files: FileItem[]
  tags: string[]
  hosts: string[]
  prefixes: string[]
}

/** A finding about the user's input or Cloudflare's answer, ready to be reported. */
export interface Finding {
  /** Stable id of the diagnosis in the catalogue (src/diagnosis/catalogue.ts). */
  id: string
  severity: 'error' | 'warning' | 'notice'
  title: string
  /** In the action's words (the log, the job summary, failed_items); each front door renders `params` in its own. */
  message: string
  /** The facts the catalogue's words are made from; absent when the finding is not from the catalogue. */
  params?: object
  /** For a failure that left items not purged: how many, and where (the words say it before the message). */
  tally?: FindingTally
}

/** "3 items on example.com not purged": how many items one failure left, as its finding says first. */
export interface FindingTally {
  items: number
  zone: string
  /** "purged" / "invalidated" */
  past: string
  /** Cloudflare refused each item on its own; the message quotes the first. */
  eachOnItsOwn: boolean
}

/** One `changed_paths` line: files under `path` are published under `url`. */
export interface PathMapping {
  /** A folder of the repository: '' for its root, otherwise ending with '/'. */
  path: string
  /** An absolute http(s) URL ending with '/'. */
  url: string
  /**
   * The `pretty-urls` option: the site also serves `page.html` / `page.htm` at `page`, and `index.htm`
   * at its folder URL, so those URLs are purged too.
   */
  prettyUrls?: true
}

/** Purge what a push changed: list its changed files and map them to URLs. */
export interface ChangeSettings {
  /** From `changed_paths`, deduplicated. */
  mappings: PathMapping[]
  githubToken: string
  /** Commits to compare; when absent, the push event's `before` and `after`. */
  base?: string
  head?: string
}

/** What a request does to cached copies: delete them, or mark them stale so the origin revalidates them. */
export type CacheMode = 'purge' | 'invalidate'

/** A Version Management environment of a zone, as `GET /zones/{zone_id}/environments` lists it. */
export interface Environment {
  name: string
  /** The environment's ID in Cloudflare's paths. */
  ref: string
}

/** After the purge, check the purged URLs at the edge (`verify`). */
export interface VerifySettings {
  /** Request again each URL that was not a cached copy, so that the data centre caches it. */
  warm: boolean
  /** URLs checked at most: a random sample of this many when there are more. */
  limit: number
  /** `verify_urls`: checked besides the purged URLs, for purges that name none. */
  urls: FileItem[]
}

/** The one typed object that the rest of the action works from. */
export interface Settings {
  /** The zones given; empty when each item's zone is to be found from its hostname. */
  zones: ZoneRef[]
  credential: Credential
  accountId?: string
  purge: PurgeRequest
  dryRun: boolean
  apiUrl: string
  /** Files per request, overriding the plan's limit. */
  batchSize?: number
  timeoutMs: number
  changes?: ChangeSettings
  /** `invalidate` marks content stale instead of deleting it; absent means purge. */
  mode?: CacheMode
  /** A Version Management environment, by name or ref, as given: resolved per zone. */
  environment?: string
  /** Check the purged URLs at the edge after the purge; absent: no edge request at all. */
  verify?: VerifySettings
}
