// The source is a stack of stages, each a folder that imports only the stages below it, and only the
// action's edge touches the Actions toolkit (the command line, src/cli/, does not). These checks read the import statements of src/.
import { describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'src')

/** Bottom to top: a file may import its own stage and the stages listed before it. */
const LAYERS: string[][] = [
  ['types.ts', 'words.ts', 'v8-flags.ts'],
  ['cloudflare'],
  ['diagnosis'],
  ['inputs'],
  ['access'],
  ['purge'],
  ['verify'],
  ['report'],
  ['engine.ts'],
  // The two edges over the engine, neither importing the other: the action's, and the command line.
  ['action', 'cli'],
  ['main.ts'],
  ['index.ts']
]
/** The files allowed to use @actions/core and @actions/github. */
const EDGE = ['action', 'main.ts', 'index.ts']

/** The stage of a file of src/: its folder, or the file itself at the top of src/. */
const stageOf = (file: string): string => file.split('/')[0] as string
const rankOf = (stage: string): number => LAYERS.findIndex((layer) => layer.includes(stage))

const files = (readdirSync(SRC, { recursive: true }) as string[])
  .map((f) => f.split('\\').join('/'))
  .filter((f) => f.endsWith('.ts'))
  .sort()

/** Every module a file imports: static, side-effect and dynamic imports. */
function importsOf(text: string): string[] {
  const found: string[] = []
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+'([^']+)'/g))
    found.push(m[1] as string)
  for (const m of text.matchAll(/(?:^|\n)\s*import\s+'([^']+)'/g)) found.push(m[1] as string)
  for (const m of text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)) found.push(m[1] as string)
  return found
}

describe('the layers of src/', () => {
  it('places every file in a stage', () => {
    expect(files.filter((f) => rankOf(stageOf(f)) === -1)).toEqual([])
  })

  it('reads the imports (sanity check: the engine imports the stages it runs)', () => {
    const engine = importsOf(readFileSync(join(SRC, 'engine.ts'), 'utf8'))
    expect(engine).toEqual(expect.arrayContaining(['./access/check-access.js', './purge/send.js']))
  })

  it('has each stage import only its own files and the stages below it', () => {
    const wrong: string[] = []
    for (const file of files) {
      const stage = stageOf(file)
      for (const spec of importsOf(readFileSync(join(SRC, file), 'utf8'))) {
        if (!spec.startsWith('.')) continue
        const target = relative(SRC, resolve(SRC, dirname(file), spec))
          .split('\\')
          .join('/')
        const targetStage = stageOf(target.replace(/\.js$/, '.ts'))
        if (targetStage !== stage && rankOf(targetStage) >= rankOf(stage))
          wrong.push(`${file} imports ${spec} (${targetStage} is not below ${stage})`)
      }
    }
    expect(wrong).toEqual([])
  })

  it('lets only the edge use the Actions toolkit, even in a comment (grep -rl "@actions/" src)', () => {
    const mentioning = files.filter((f) => readFileSync(join(SRC, f), 'utf8').includes('@actions/'))
    expect(mentioning.filter((f) => !EDGE.includes(stageOf(f)))).toEqual([])
    // The check would pass on nothing: the edge does use the toolkit.
    expect(mentioning).toEqual(expect.arrayContaining(['action/reporter.ts', 'action/input-reader.ts']))
  })
})

describe('docs/architecture.md', () => {
  it('has a row for every stage of src/', () => {
    const doc = readFileSync(resolve(SRC, '..', 'docs', 'architecture.md'), 'utf8')
    const named = doc
      .split('\n')
      .filter((line) => line.startsWith('| `'))
      .flatMap((line) => [...(line.split('|')[1] ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1]))
    const stages = [...new Set(files.map(stageOf))].map((s) => (s.endsWith('.ts') ? s : `${s}/`))
    expect(stages.filter((s) => !named.includes(s))).toEqual([])
  })
})
