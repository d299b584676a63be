// npm run docs:troubleshooting: writes the README's Troubleshooting table from the diagnosis catalogue
// (src/diagnosis/catalogue.ts), so that the two never differ. `--check` only reports whether the README is stale.
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import * as prettier from 'prettier'
import { catalogue, type Diagnosis } from '../src/diagnosis/catalogue.js'

export const README_PATH = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'README.md')
export const START = '<!-- troubleshooting:start -->'
export const END = '<!-- troubleshooting:end -->'
export const COMMAND = 'npm run docs:troubleshooting'
const HEADING = '## Troubleshooting'
/** The section goes right before this heading when the README has none yet. */
const NEXT_HEADING = '## How it works'

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ')

function docsLabel(url: string): string {
  if (url.startsWith('#')) return `${url.slice(1).replace(/^\w/, (c) => c.toUpperCase())} (above)`
  const host = new URL(url).hostname
  if (host === 'developers.cloudflare.com') return 'Cloudflare docs'
  if (host === 'www.cloudflarestatus.com') return 'Cloudflare status'
  if (host === 'docs.github.com') return 'GitHub docs'
  return host
}

/** The generated part of the section: a line on how to read it, then one row per catalogue entry. */
export function troubleshootingTable(): string {
  const rows = Object.entries(catalogue as Record<string, Diagnosis<never>>).map(([id, d]) =>
    [
      `**${cell(d.title)}**<br>\`${id}\`, ${d.severity}`,
      cell(d.cause),
      cell(d.detection),
      cell(d.fix),
      `[${docsLabel(d.docs)}](${d.docs})`
    ].join(' | ')
  )
  return [
    'Every problem the action explains, with the annotation title it shows. Errors stop the run, before any',
    'purge when the inputs or the first answers show the problem; warnings and notices do not. Generated from',
    `\`src/diagnosis/catalogue.ts\` by \`${COMMAND}\`: edit the catalogue, not this table.`,
    '',
    '| Problem | Cause | How it is found | Fix | More |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r} |`)
  ].join('\n')
}

/** The README with its Troubleshooting section replaced (or added), formatted like the rest of the repo. */
export async function renderReadme(readme: string): Promise<string> {
  const block = `${START}\n\n${troubleshootingTable()}\n\n${END}`
  let text: string
  const start = readme.indexOf(START)
  const end = readme.indexOf(END)
  if (start !== -1 && end > start) {
    text = readme.slice(0, start) + block + readme.slice(end + END.length)
  } else {
    const next = readme.indexOf(`\n${NEXT_HEADING}`)
    const section = `${HEADING}\n\n${block}\n`
    text =
      next === -1
        ? `${readme.trimEnd()}\n\n${section}`
        : `${readme.slice(0, next + 1)}${section}\n${readme.slice(next + 1)}`
  }
  const config = (await prettier.resolveConfig(README_PATH)) ?? {}
  return prettier.format(text, { ...config, filepath: README_PATH })
}

async function main(): Promise<void> {
  const current = readFileSync(README_PATH, 'utf8')
  const next = await renderReadme(current)
  if (process.argv.includes('--check')) {
    if (next !== current) {
      console.error(`README.md's Troubleshooting table is out of date: run \`${COMMAND}\`.`)
      process.exitCode = 1
    }
    return
  }
  if (next === current) {
    console.log('README.md is up to date.')
    return
  }
  writeFileSync(README_PATH, next)
  console.log(`README.md: Troubleshooting table written (${Object.keys(catalogue).length} entries).`)
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main()
