// Reads the parts of a Markdown file that tests compare with the code: tables under a heading, code blocks.

/**
 * The section under a `## heading` (any level), up to the next heading of the same or a higher level. A line
 * in a fenced code block is no heading (a YAML comment starts with `#` too).
 */
export function section(markdown: string, heading: string): string | undefined {
  let fenced = false
  const headingLevel = (line: string): number => {
    if (/^ {0,3}(```|~~~)/.test(line)) fenced = !fenced
    return fenced ? 0 : (/^(#{1,6}) /.exec(line)?.[1]?.length ?? 0)
  }
  const lines = markdown.split('\n')
  const levels = lines.map(headingLevel)
  const start = lines.findIndex((l, i) => levels[i] !== 0 && l.replace(/^#+ /, '').trim() === heading)
  if (start < 0) return undefined
  const level = levels[start] as number
  const end = levels.findIndex((l, i) => i > start && l !== 0 && l <= level)
  return lines.slice(start + 1, end < 0 ? undefined : end).join('\n')
}

/** The first table in the text: header cells and rows of cells, trimmed, with `\|` unescaped. */
export function firstTable(text: string): { header: string[]; rows: string[][] } | undefined {
  const lines = text.split('\n')
  const start = lines.findIndex((l, i) => isTableRow(l) && isDelimiterRow(lines[i + 1] ?? ''))
  if (start < 0) return undefined
  const body: string[] = []
  for (const line of lines.slice(start + 2)) {
    if (!isTableRow(line)) break
    body.push(line)
  }
  return { header: cells(lines[start] as string), rows: body.map(cells) }
}

/** Every fenced code block in the given language, in order. */
export function codeBlocks(markdown: string, language: string): string[] {
  const blocks: string[] = []
  const fence = new RegExp('^```' + language + '\\s*$')
  let current: string[] | undefined
  for (const line of markdown.split('\n')) {
    if (current === undefined) {
      if (fence.test(line)) current = []
    } else if (/^```\s*$/.test(line)) {
      blocks.push(current.join('\n'))
      current = undefined
    } else current.push(line)
  }
  return blocks
}

/** The texts written between backticks in a cell, in order. */
export function codeSpans(cell: string): string[] {
  return [...cell.matchAll(/`([^`]*)`/g)].map((m) => m[1] as string)
}

const isTableRow = (line: string): boolean => /^\s*\|.*\|\s*$/.test(line)
const isDelimiterRow = (line: string): boolean => /^\s*\|(\s*:?-{3,}:?\s*\|)+\s*$/.test(line)

function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim().replace(/\\\|/g, '|'))
}

/**
 * The anchor GitHub gives a heading: its text as rendered (links and code marks dropped), in lower case,
 * without punctuation, spaces turned into hyphens. Repeated headings get `-1`, `-2`, … (see `anchors`).
 */
export function slug(heading: string): string {
  return heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[`*]/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '')
    .replace(/ /g, '-')
}

/** Every heading's anchor in a Markdown file, outside code blocks, numbered as GitHub numbers repeats. */
export function anchors(markdown: string): Set<string> {
  const found = new Set<string>()
  const seen = new Map<string, number>()
  for (const line of proseLines(markdown)) {
    const match = /^#{1,6} +(.*?)\s*#*\s*$/.exec(line)
    if (!match) continue
    const base = slug(match[1] as string)
    const count = seen.get(base) ?? 0
    seen.set(base, count + 1)
    found.add(count === 0 ? base : `${base}-${count}`)
  }
  return found
}

/** The target of every link, image and link definition in a Markdown file, outside code, in order. */
export function linkTargets(markdown: string): string[] {
  const targets: string[] = []
  for (const line of proseLines(markdown)) {
    const prose = line.replace(/`[^`]*`/g, '')
    for (const m of prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) targets.push(m[1] as string)
    const definition = /^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/.exec(prose)
    if (definition) targets.push(definition[1] as string)
  }
  return targets
}

/** The lines of a Markdown file outside fenced code blocks and HTML comments. */
function proseLines(markdown: string): string[] {
  const lines: string[] = []
  let fence: string | undefined
  let comment = false
  for (const line of markdown.split('\n')) {
    const opener = /^\s{0,3}(`{3,}|~{3,})/.exec(line)
    if (fence !== undefined) {
      if (opener && (opener[1] as string).startsWith(fence)) fence = undefined
      continue
    }
    if (opener) {
      fence = opener[1] as string
      continue
    }
    if (comment) {
      if (line.includes('-->')) comment = false
      continue
    }
    if (line.includes('<!--') && !line.includes('-->')) {
      comment = true
      continue
    }
    lines.push(line)
  }
  return lines
}
