// Reads a job summary's HTML the way a browser does (node-html-parser), for the unit and end-to-end tests:
// its parts as a reader sees them, and the rules that every summary keeps; and what GitHub's sanitizer
// would take out of it (hast-util-sanitize's default schema, which models GitHub's).
import { fromHtml } from 'hast-util-from-html'
import { defaultSchema, sanitize } from 'hast-util-sanitize'
import { toHtml } from 'hast-util-to-html'
import { HTMLElement, parse } from 'node-html-parser'

/** The tags the summary may use: ones GitHub's sanitizer keeps. */
export const SUMMARY_TAGS = [
  'h2',
  'h3',
  'p',
  'strong',
  'code',
  'ul',
  'li',
  'table',
  'tr',
  'th',
  'td',
  'details',
  'summary'
]

export interface FoldedPart {
  /** The text of its <summary>, the line shown while it is closed. */
  label: string
  /** The items of its lists. */
  items: string[]
  /** Its paragraphs. */
  paragraphs: string[]
  tables: TableView[]
}

export interface TableView {
  header: string[]
  rows: string[][]
}

export interface SummaryView {
  /** The <h2>. */
  title: string
  /** The first paragraph: its mark (✅ ⚠️ ❌ 📋), its bold headline and the rest of its text. */
  status: { mark: string; headline: string; text: string; code: string[] }
  /** The <h3> headings, in order. */
  headings: string[]
  /** Paragraphs outside folded parts, the status excepted. */
  paragraphs: string[]
  /** Lists outside folded parts: the text of their items. */
  lists: string[][]
  tables: TableView[]
  folded: FoldedPart[]
  /** Every top-level element, in order, as `tag: text` (for the order of parts). */
  outline: string[]
  /** All the text a reader sees with every part opened. */
  text: string
}

const elements = (node: HTMLElement): HTMLElement[] =>
  node.childNodes.filter((n): n is HTMLElement => n instanceof HTMLElement)

const tag = (el: HTMLElement): string => el.rawTagName.toLowerCase()

function tableOf(el: HTMLElement): TableView {
  const rows = el
    .querySelectorAll('tr')
    .map((tr) => elements(tr).map((cell) => ({ header: tag(cell) === 'th', text: cell.text })))
  return {
    header: rows.filter((r) => r.every((c) => c.header)).flatMap((r) => r.map((c) => c.text)),
    rows: rows.filter((r) => !r.every((c) => c.header)).map((r) => r.map((c) => c.text))
  }
}

export function readSummary(html: string): SummaryView {
  const root = parse(html)
  const top = elements(root)
  const [first, second] = top
  const strong = second?.querySelector('strong')
  const view: SummaryView = {
    title: first && tag(first) === 'h2' ? first.text : '',
    status: {
      mark: second?.childNodes[0]?.text.trim() ?? '',
      headline: strong?.text ?? '',
      text:
        second && strong
          ? second.text.slice(second.text.indexOf(strong.text) + strong.text.length).trim()
          : '',
      code: second?.querySelectorAll('code').map((c) => c.text) ?? []
    },
    headings: [],
    paragraphs: [],
    lists: [],
    tables: [],
    folded: [],
    outline: top.map((el) => `${tag(el)}: ${el.text}`),
    text: root.text
  }
  for (const el of top.slice(2)) {
    const name = tag(el)
    if (name === 'h3') view.headings.push(el.text)
    else if (name === 'p') view.paragraphs.push(el.text)
    else if (name === 'ul') view.lists.push(el.querySelectorAll('li').map((li) => li.text))
    else if (name === 'table') view.tables.push(tableOf(el))
    else if (name === 'details')
      view.folded.push({
        label: el.querySelector('summary')?.text ?? '',
        items: el.querySelectorAll('li').map((li) => li.text),
        paragraphs: el.querySelectorAll('p').map((p) => p.text),
        tables: el.querySelectorAll('table').map(tableOf)
      })
  }
  return view
}

/**
 * What breaks the rules every summary keeps, as sentences (none: it keeps them): it opens with an <h2>
 * and a status paragraph; it uses only SUMMARY_TAGS and no attribute but `align="right"` on a table cell; no line is blank (a blank line would
 * end GitHub's HTML block and let Markdown read the rest); no backtick is left in the text a reader sees.
 */
export function summaryProblems(html: string): string[] {
  const problems: string[] = []
  const root = parse(html)
  const all = root.querySelectorAll('*')
  for (const el of all) {
    if (!SUMMARY_TAGS.includes(tag(el))) problems.push(`tag <${tag(el)}> is not one the summary uses`)
    const attributes = Object.entries(el.attributes)
    const aligned =
      ['th', 'td'].includes(tag(el)) && attributes.every(([k, v]) => k === 'align' && v === 'right')
    if (attributes.length > 0 && !aligned) problems.push(`<${tag(el)}> has attributes`)
  }
  if (/\n\s*\n/.test(html)) problems.push('a blank line')
  if (root.text.includes('`')) problems.push('a backtick in the text')
  const [first, second] = elements(root)
  if (!first || tag(first) !== 'h2') problems.push('no <h2> first')
  if (!second || tag(second) !== 'p' || !second.querySelector('strong'))
    problems.push('no status paragraph after the title')
  if (root.toString().trim() !== html.trim())
    problems.push('HTML that a browser reads differently (unclosed or stray tags)')
  return problems
}

/** GitHub refuses a step summary over 1 MiB. */
export const SUMMARY_LIMIT_BYTES = 1024 * 1024

/**
 * What GitHub's sanitizer would take out of a summary, as hast-util-sanitize's default schema models it:
 * the summary parsed as HTML, then written out twice, as it is and sanitized; none when they are the same.
 * Returns the first difference with a little context.
 */
export function sanitizerChanges(html: string): string[] {
  const tree = fromHtml(html, { fragment: true })
  const before = toHtml(tree)
  const after = toHtml(sanitize(tree, defaultSchema))
  if (before === after) return []
  let at = 0
  while (at < before.length && before[at] === after[at]) at++
  return [
    `from "${before.slice(Math.max(0, at - 60), at + 60)}" to "${after.slice(Math.max(0, at - 60), at + 60)}"`
  ]
}
