// The list syntax every item input shares, and the noise it reads past: what pasting from a document, a
// chat or `${{ toJSON(…) }}` puts around items (invisible and typographic characters, quotes, brackets,
// a comma at the end of each line). Pure.
//
// One comment rule for all inputs: a line whose first non-blank character is "#" is a comment. A "#"
// anywhere else is part of the value (so the tag "#blog" in "release, #blog").
import { INVISIBLE_SPACE, LIST_LINE_BREAK, UNICODE_LINE_BREAK, ZERO_WIDTH } from '../patterns.js'

/** A line of a list with its number in the text as given (1 for the first). */
export interface NumberedLine {
  line: string
  number: number
}

/** The lines that are neither blank nor comments, with their line numbers. */
export function numberedContentLines(text: string): NumberedLine[] {
  return text
    .split(LIST_LINE_BREAK)
    .map((line, i) => ({ line, number: i + 1 }))
    .filter(({ line }) => {
      const start = line.trimStart()
      return start !== '' && !start.startsWith('#')
    })
}

/** The lines of a list that are neither blank nor comments (first non-blank character "#"). */
export function contentLines(text: string): string[] {
  return numberedContentLines(text).map((l) => l.line)
}

/**
 * Splits a list input into its items: comment and blank lines dropped, then split on `separators`, each
 * item unquoted. A JSON array of strings (what `${{ toJSON(…) }}` gives) is read as such, and brackets
 * around a comma-separated list (`[a, b]`) are dropped.
 */
export function splitList(text: string, separators: RegExp = /,/): string[] {
  const lines = contentLines(text)
  const whole = lines.join('\n').trim()
  const json = jsonStrings(whole)
  // A line break is a separator everywhere, an escaped one (`\r`, `\n`) inside a JSON string too.
  if (json)
    return json
      .flatMap((s) => s.split(LIST_LINE_BREAK))
      .map((s) => s.trim())
      .filter((s) => s !== '')
  const body = /^\[[^]*,[^]*\]$/.test(whole) ? whole.slice(1, -1).split(LIST_LINE_BREAK) : lines
  return body
    .flatMap((line) => line.split(separators))
    .flatMap((item) => quotedWords(item.trim()) ?? [item])
    .map((s) => unquote(s.trim()).trim())
    .filter((s) => s !== '')
}

/** The strings of a JSON array of strings; undefined when the text is not one. */
export function jsonStrings(text: string): string[] | undefined {
  if (!text.startsWith('[') || !text.endsWith(']')) return undefined
  try {
    const data: unknown = JSON.parse(text)
    return Array.isArray(data) && data.every((v) => typeof v === 'string') ? data : undefined
  } catch {
    return undefined
  }
}

/**
 * True when the whole value is one line, without a line break, and that line is a comment: as in
 * `tags: "#blog, news"`, where nothing would be purged. (A block of lines that are all comments is
 * an empty list written on purpose.)
 */
export function isOneCommentLine(text: string): boolean {
  return !LIST_LINE_BREAK.test(text) && text.trimStart().startsWith('#')
}

// ── quotes ──────────────────────────────────────────────────────────────────

/** Opening quote → the closing quotes that may end it: ASCII, typographic (any locale's pairs), full-width. */
const QUOTE_PAIRS: Record<string, string> = {
  '"': '"',
  "'": "'",
  '`': '`',
  '\u201c': '\u201d\u201c', // “…” (and “…“)
  '\u201d': '\u201d', // ”…” (Swedish, Finnish)
  '\u201e': '\u201c\u201d', // „…“ (German) and „…” (Polish)
  '\u2018': '\u2019\u2018', // ‘…’
  '\u2019': '\u2019', // ’…’
  '\u201a': '\u2018\u2019', // ‚…‘
  '\u00ab': '\u00bb', // «…»
  '\u00bb': '\u00ab', // »…«
  '\u2039': '\u203a', // ‹…›
  '\uff02': '\uff02', // ＂…＂
  '\uff07': '\uff07' // ＇…＇
}

/** The value without one pair of matching quotes around it, ASCII or typographic. */
export function unquote(value: string): string {
  if (value.length < 2) return value
  const closers = QUOTE_PAIRS[value[0] as string]
  const last = value[value.length - 1] as string
  return closers?.includes(last) ? value.slice(1, -1) : value
}

/** `"a" "b"`: two or more quoted words separated by spaces, as items; undefined for anything else. */
function quotedWords(value: string): string[] | undefined {
  const words = value.split(/\s+/)
  if (words.length < 2 || !words.every((w) => unquote(w) !== w)) return undefined
  return words
}

// ── characters that do not show ─────────────────────────────────────────────

export interface CleanText {
  text: string
  /** The characters read as spaces or line breaks, or removed, as `U+00A0`, each once, in order. */
  found: string[]
}

/**
 * The text with no-break and other Unicode spaces read as spaces, Unicode line separators as line breaks,
 * and zero-width characters, byte order marks and bidirectional marks removed: they come with text pasted
 * from documents and chats, and an item that holds one is never what was meant.
 */
export function cleanText(text: string): CleanText {
  const found = new Set<string>()
  const note = (c: string): void => {
    found.add(`U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`)
  }
  const cleaned = text
    .replace(ZERO_WIDTH, (c) => (note(c), ''))
    .replace(INVISIBLE_SPACE, (c) => (note(c), ' '))
    .replace(UNICODE_LINE_BREAK, (c) => (note(c), '\n'))
  return { text: cleaned, found: [...found] }
}
