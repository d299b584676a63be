// The majors of the actions this project recommends (.github/action-majors.json), and the `uses:` lines that
// must follow them: every workflow, example and documentation snippet that someone may copy. An action on an
// old major runs on a Node.js that GitHub has retired, and its users see a deprecation annotation for it.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { ROOT } from './workflow-lint.js'

/** Where the table lives, relative to the repository root. */
export const ACTION_MAJORS_FILE = '.github/action-majors.json'

/** Files and folders whose `uses:` lines must follow the table, relative to the repository root. */
export const REFERENCE_SOURCES = ['README.md', 'docs', 'examples', '.github/workflows']

/** One recommended major per action, keyed by `owner/repo` in lower case (GitHub ignores the case). */
export interface ActionMajors {
  majors: ReadonlyMap<string, number>
}

export interface UsesReference {
  file: string
  line: number
  uses: string
}

/** Reads the table's JSON text; throws an Error that names the bad entry. */
export function parseActionMajors(text: string): ActionMajors {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    throw new Error(`${ACTION_MAJORS_FILE} is not valid JSON: ${(error as Error).message}`)
  }
  const table = (data as { majors?: unknown } | null)?.majors
  if (typeof table !== 'object' || table === null || Array.isArray(table))
    throw new Error(`${ACTION_MAJORS_FILE} needs a "majors" object: { "owner/repo": "v1", ... }`)
  const majors = new Map<string, number>()
  for (const [name, value] of Object.entries(table)) {
    if (!/^[\w.-]+\/[\w.-]+$/.test(name))
      throw new Error(`${ACTION_MAJORS_FILE}: "${name}" is not of the form owner/repo`)
    const major = typeof value === 'string' ? /^v(\d+)$/.exec(value) : null
    if (!major)
      throw new Error(
        `${ACTION_MAJORS_FILE}: "${name}" has ${JSON.stringify(value)}; write a major tag like "v7"`
      )
    if (majors.has(name.toLowerCase())) throw new Error(`${ACTION_MAJORS_FILE}: "${name}" is listed twice`)
    majors.set(name.toLowerCase(), Number(major[1]))
  }
  return { majors }
}

export function loadActionMajors(root: string = ROOT): ActionMajors {
  return parseActionMajors(readFileSync(join(root, ACTION_MAJORS_FILE), 'utf8'))
}

// A `uses:` key and its value, plain or quoted. The value stops at what ends a YAML scalar in a flow
// mapping or a comment, and at a backtick, so that prose naming the key ("the `uses:` line") is no reference.
const USES = /(?<![\w-])uses:[ \t]*(['"]?)([^\s'"`#,{}[\]]+)\1/g

/**
 * Every `uses:` value in a file, with its line. YAML files are read whole (a commented-out step counts
 * too: it is there to be copied back). Markdown is read in its fenced code blocks and inline code only.
 */
export function findUsesReferences(text: string, file: string): UsesReference[] {
  const found: UsesReference[] = []
  const scan = (snippet: string, line: number): void => {
    for (const match of snippet.matchAll(USES)) found.push({ file, line, uses: match[2] as string })
  }
  const lines = text.split('\n')
  if (!/\.(md|markdown)$/i.test(file)) {
    lines.forEach((line, i) => scan(line, i + 1))
    return found
  }
  let fence: string | undefined
  lines.forEach((line, i) => {
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1]
    if (fence === undefined) {
      if (marker) fence = marker
      else for (const span of line.matchAll(/(`+)(.+?)\1/g)) scan(span[2] as string, i + 1)
    } else if (marker && marker[0] === fence[0] && marker.length >= fence.length && line.trim() === marker) {
      fence = undefined
    } else scan(line, i + 1)
  })
  return found
}

/** What is wrong with one `uses:` value against the table, or undefined when it follows it. */
export function checkReference(uses: string, table: ActionMajors): string | undefined {
  // A local action (`./`, `./path`) is this repository's own code: it has no version.
  if (uses === '.' || uses.startsWith('./') || uses.startsWith('../')) return undefined
  if (uses.startsWith('docker://'))
    return `${uses} is a container image; ${ACTION_MAJORS_FILE} lists actions only`
  const parts = /^([\w.-]+)\/([\w.-]+)(?:\/[^@]*)?@(.*)$/.exec(uses)
  if (!parts) return `${uses} is not of the form owner/repo@v1`
  const [, owner, repo, ref] = parts as unknown as [string, string, string, string]
  const recommended = table.majors.get(`${owner}/${repo}`.toLowerCase())
  if (recommended === undefined)
    return `${owner}/${repo} is not in ${ACTION_MAJORS_FILE}: add it with its current major`
  const want = `v${recommended}`
  const major = /^v(\d+)(?:\.\d+){0,2}$/.exec(ref)
  if (!major) return `${uses} does not name a major version; use @${want}, the major in ${ACTION_MAJORS_FILE}`
  const given = Number(major[1])
  if (given < recommended) return `${uses} is behind: the current major is ${want}`
  if (given > recommended)
    return `${uses} is newer than ${want} in ${ACTION_MAJORS_FILE}: update the table, then every other reference`
  return undefined
}

/** Every README, Markdown and workflow file whose `uses:` lines must follow the table, sorted. */
export function referenceFiles(root: string = ROOT): string[] {
  const found: string[] = []
  const visit = (path: string): void => {
    let stats
    try {
      stats = statSync(path)
    } catch {
      return
    }
    if (stats.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name))
    else if (/\.(md|markdown|ya?ml)$/i.test(path)) found.push(relative(root, path))
  }
  for (const source of REFERENCE_SOURCES) visit(join(root, source))
  return found.sort()
}

/** Every reference in the repository that does not follow the table, as `file:line problem`. */
export function staleReferences(root: string = ROOT): string[] {
  const table = loadActionMajors(root)
  return referenceFiles(root).flatMap((file) =>
    findUsesReferences(readFileSync(join(root, file), 'utf8'), file).flatMap((ref) => {
      const problem = checkReference(ref.uses, table)
      return problem ? [`${ref.file}:${ref.line}: ${problem}`] : []
    })
  )
}
