// npm run docs:troubleshooting: writes docs/troubleshooting.md from the diagnosis catalogue
// (src/diagnosis/catalogue.ts), so that the two never differ. `--check` only reports whether the page is stale.
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, posix, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import * as prettier from 'prettier'
import { catalogue, type Diagnosis, type Severity } from '../src/diagnosis/catalogue.js'
import { slug } from './markdown.js'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
/** The page, as a path from the repository root. */
export const PAGE = 'docs/troubleshooting.md'
export const PAGE_PATH = resolve(ROOT, PAGE)
export const COMMAND = 'npm run docs:troubleshooting'

const entries = (): Array<[string, Diagnosis<never>]> =>
  Object.entries(catalogue as Record<string, Diagnosis<never>>)

/** The heading of an entry: its annotation title, and its id to tell apart entries that share a title. */
export const entryHeading = (id: string, d: Diagnosis<never>): string => `${d.title} (\`${id}\`)`

/** The anchor of an entry's heading on the page, for links such as `docs/troubleshooting.md#…`. */
export const entryAnchor = (id: string): string =>
  slug(entryHeading(id, (catalogue as Record<string, Diagnosis<never>>)[id] as Diagnosis<never>))

const WHAT_YOU_SEE: Record<Severity, string> = {
  error: 'an **error** annotation titled',
  warning: 'a **warning** annotation titled',
  notice: 'a **notice** titled'
}
const OUTCOME: Record<Severity, string> = {
  error: 'the run fails',
  warning: 'the run goes on',
  notice: 'the run goes on'
}

/** A link to an entry's further reading, relative to the page when it is a file of this repository. */
function docsLink(target: string): string {
  if (/^https:\/\//.test(target)) {
    const host = new URL(target).hostname
    const label =
      host === 'developers.cloudflare.com'
        ? "Cloudflare's docs"
        : host === 'www.cloudflarestatus.com'
          ? "Cloudflare's status page"
          : host === 'docs.github.com'
            ? "GitHub's docs"
            : host
    return `[${label}](${target})`
  }
  const [file = '', anchor] = target.split('#')
  const relative = posix.relative(posix.dirname(PAGE), file)
  const label = anchor
    ? anchor.replace(/-/g, ' ').replace(/^\w/, (c) => c.toUpperCase())
    : posix.basename(file, '.md')
  return `[${label}](${relative}${anchor ? `#${anchor}` : ''})`
}

/** The whole page, before formatting: an introduction, a list of titles, then one section per entry. */
export function troubleshootingPage(): string {
  const titles = entries().map(([, d]) => d.title)
  const shared = (title: string): boolean => titles.indexOf(title) !== titles.lastIndexOf(title)
  const list = (severity: Severity): string =>
    entries()
      .filter(([, d]) => d.severity === severity)
      .map(([id, d]) => `[${d.title}](#${entryAnchor(id)})${shared(d.title) ? ` (\`${id}\`)` : ''}`)
      .join(' · ')
  const sections = entries().map(([id, d]) =>
    [
      `## ${entryHeading(id, d)}`,
      '',
      `- **What you see:** ${WHAT_YOU_SEE[d.severity]} "${d.title}"; ${OUTCOME[d.severity]}.`,
      `- **What to do:** ${d.fix}`,
      `- **Why:** ${d.cause}`,
      `- **How it is found:** ${d.detection}.`.replace(/\.\.$/, '.'),
      `- **More:** ${docsLink(d.docs)}`
    ].join('\n')
  )
  return [
    '# Troubleshooting',
    '',
    'Every problem the action explains, under the title of the annotation it shows: search this page for the',
    'title you see in the run. An **error** fails the run (before any purge when the inputs or the first',
    'answers show the problem; items that were not purged are listed in the `failed_items` output); a',
    '**warning** or a **notice** does not.',
    '',
    `Generated from [\`src/diagnosis/catalogue.ts\`](../src/diagnosis/catalogue.ts) by \`${COMMAND}\`:`,
    'edit the catalogue, not this page.',
    '',
    `**Errors:** ${list('error')}`,
    '',
    `**Warnings:** ${list('warning')}`,
    '',
    `**Notices:** ${list('notice')}`,
    '',
    ...sections.flatMap((s) => [s, '']),
    '---',
    '',
    'Not listed here, or not clear? Open an issue with the annotation and the log (never a secret).'
  ].join('\n')
}

/** The page as written to disk, formatted like the rest of the repository. */
export async function renderPage(): Promise<string> {
  const config = (await prettier.resolveConfig(PAGE_PATH)) ?? {}
  return prettier.format(troubleshootingPage(), { ...config, filepath: PAGE_PATH })
}

async function main(): Promise<void> {
  let current: string | undefined
  try {
    current = readFileSync(PAGE_PATH, 'utf8')
  } catch {
    current = undefined
  }
  const next = await renderPage()
  if (process.argv.includes('--check')) {
    if (next !== current) {
      console.error(`${PAGE} is out of date: run \`${COMMAND}\`.`)
      process.exitCode = 1
    }
    return
  }
  if (next === current) {
    console.log(`${PAGE} is up to date.`)
    return
  }
  writeFileSync(PAGE_PATH, next)
  console.log(`${PAGE} written (${entries().length} entries).`)
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main()
