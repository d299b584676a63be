// Reads the parts of a Markdown file that tests compare with the code: tables under a heading, code blocks.

/** The section under a `## heading` (any level), up to the next heading of the same or a higher level. */
export function section(markdown: string, heading: string): string | undefined {
  const lines = markdown.split('\n')
  const start = lines.findIndex((l) => /^#{1,6} /.test(l) && l.replace(/^#+ /, '').trim() === heading)
  if (start < 0) return undefined
  const level = (lines[start] as string).indexOf(' ')
  const rest = lines.slice(start + 1)
  const end = rest.findIndex((l) => {
    const match = /^(#{1,6}) /.exec(l)
    return match !== null && (match[1] as string).length <= level
  })
  return (end < 0 ? rest : rest.slice(0, end)).join('\n')
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
