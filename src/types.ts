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
  message: string
}

/** One `changed_paths` line: files under `path` are published under `url`. */
export interface PathMapping {
  /** A folder of the repository: '' for its root, otherwise ending with '/'. */
  path: string
  /** An absolute http(s) URL ending with '/'. */
  url: string
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
}
