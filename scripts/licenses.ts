// Writes dist/licenses.txt from the packages ncc actually bundled, in every chunk. ncc's own --license
// writes one file per chunk under the same name, so the lazily loaded @actions/github chunk's list
// would replace the main chunk's.
// Usage: node --import tsx scripts/licenses.ts <ncc stats JSON> <output file>
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

interface StatsModule {
  name?: string
  modules?: StatsModule[]
}

const [statsPath, outputPath] = process.argv.slice(2)
if (!statsPath || !outputPath) throw new Error('usage: licenses.ts <stats.json> <output file>')
const stats = JSON.parse(readFileSync(statsPath, 'utf8')) as { modules?: StatsModule[] }

// A module named ./node_modules/a/node_modules/@b/c/lib/x.js comes from the folder node_modules/a/node_modules/@b/c.
const folders = new Set<string>()
const visit = (modules: StatsModule[] = []): void => {
  for (const m of modules) {
    const match = /^\.\/((?:.*\/)?node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(m.name ?? '')
    if (match) folders.add(match[1] as string)
    visit(m.modules)
  }
}
visit(stats.modules)

const entries = new Set<string>()
for (const folder of [...folders].sort()) {
  const dir = resolve(folder)
  if (!existsSync(join(dir, 'package.json'))) continue
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
    name?: string
    version?: string
    license?: string
  }
  const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f))
  const text = file ? readFileSync(join(dir, file), 'utf8').trim() : '(the package ships no license file)'
  entries.add(`${manifest.name}@${manifest.version}\n${manifest.license ?? 'license not stated'}\n\n${text}`)
}
writeFileSync(outputPath, `${[...entries].join('\n\n----------------------------------------\n\n')}\n`)
console.log(
  `${outputPath}: licenses of ${entries.size} bundled ${entries.size === 1 ? 'package' : 'packages'}`
)
