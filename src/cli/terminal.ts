// What a person reads on the command line: the engine's log lines, the diagnoses, a progress line and the
// summary, on standard error, every line through the Redactor, and every text given to it shown with its
// control characters escaped (src/report/safe-text.ts) before this adds colours of its own. Colour and a
// redrawn progress line only on a terminal (colour also not when NO_COLOR is set, https://no-color.org/).
import { render } from '../diagnosis/catalogue.js'
import type { Door } from '../diagnosis/door.js'
import type { RunReporter } from '../engine.js'
import type { Redactor } from '../report/redactor.js'
import { terminalSafe } from '../report/safe-text.js'
import { mapText, plainBlocks, type SummaryBlock } from '../report/summary.js'
import type { Finding } from '../types.js'

/** Where the text goes: process.stderr, or a stand-in in tests. */
export interface TextOutput {
  write(text: string): unknown
  isTTY?: boolean
  columns?: number
}

export interface TerminalOptions {
  /** The command line's words for the catalogue's findings. */
  door: Door
  colour: boolean
  quiet: boolean
  verbose: boolean
}

/** Colour when the output is a terminal, NO_COLOR is unset or empty, TERM is not "dumb", and --no-color is absent. */
export function wantsColour(
  output: TextOutput,
  env: Record<string, string | undefined>,
  noColorFlag: boolean
): boolean {
  return Boolean(output.isTTY) && !noColorFlag && !env.NO_COLOR && env.TERM !== 'dumb'
}

type Style = 'bold' | 'dim' | 'red' | 'yellow' | 'cyan' | 'green'
const SGR: Record<Style, [number, number]> = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  yellow: [33, 39],
  cyan: [36, 39],
  green: [32, 39]
}
const LEVEL: Record<Finding['severity'], Style> = { error: 'red', warning: 'yellow', notice: 'cyan' }

export class TerminalReporter implements RunReporter {
  private depth = 0
  private progressShown = false
  /** Every finding reported, as shown (secrets masked), for the JSON result. */
  readonly reported: Finding[] = []

  constructor(
    private readonly out: TextOutput,
    private readonly redactor: Redactor,
    private readonly options: TerminalOptions
  ) {}

  get errorCount(): number {
    return this.reported.filter((f) => f.severity === 'error').length
  }

  info(line: string): void {
    if (!this.options.quiet) this.print(`${'  '.repeat(this.depth)}${terminalSafe(line)}`)
  }

  warning(line: string): void {
    this.print(`${this.paint('yellow', 'warning:')} ${terminalSafe(line)}`)
  }

  notice(line: string): void {
    if (!this.options.quiet) this.print(`${this.paint('cyan', 'notice:')} ${terminalSafe(line)}`)
  }

  debug(line: string): void {
    if (this.options.verbose) this.print(this.paint('dim', `debug: ${terminalSafe(line)}`))
  }

  /** Redrawn in place on a terminal; elsewhere only with --verbose, as a log line. */
  progress(line: string): void {
    if (this.options.quiet) return
    if (!this.out.isTTY) {
      if (this.options.verbose) this.info(line)
      return
    }
    const text = `${'  '.repeat(this.depth)}${terminalSafe(this.redactor.redact(line))}`
    this.out.write(`\r\x1b[2K${text.slice(0, this.width() - 1)}`)
    this.progressShown = true
  }

  async group<T>(name: string, work: () => Promise<T>): Promise<T> {
    if (!this.options.quiet) this.print(this.paint('bold', terminalSafe(name)))
    this.depth++
    try {
      return await work()
    } finally {
      this.depth--
    }
  }

  findings(findings: Finding[]): void {
    for (const f of findings) {
      const shown: Finding = {
        id: f.id,
        severity: f.severity,
        title: this.redactor.redact(f.title),
        message: this.redactor.redact(render(f, this.options.door))
      }
      this.reported.push(shown)
      if (this.options.quiet && f.severity === 'notice') continue
      this.clearProgress()
      for (const line of this.findingLines(shown)) this.out.write(`${line}\n`)
    }
  }

  /** The run's summary, after a blank line; shown with --quiet too. */
  summary(blocks: SummaryBlock[]): void {
    if (blocks.length === 0) return
    this.print('')
    // A terminal shows no folding: the status line and folded lists as plain text.
    for (const block of plainBlocks(mapText(blocks, terminalSafe))) {
      if (block.kind === 'heading') this.print(this.paint('bold', block.text))
      else if (block.kind === 'text') this.print(block.text)
      else if (block.kind === 'list') block.items.forEach((item) => this.print(`- ${item}`))
      else
        table(block.header, block.rows).forEach((row, i) =>
          this.print(i === 0 ? this.paint('dim', row) : row)
        )
    }
  }

  /** A line of its own, such as the hint after a usage error. */
  line(text: string): void {
    this.print(terminalSafe(text))
  }

  /** The finding, already masked and in the command line's words: its level and title, then the message. */
  private findingLines(f: Finding): string[] {
    const level = this.paint(LEVEL[f.severity], `${f.severity}:`)
    return [
      `${level} ${this.paint('bold', terminalSafe(f.title))}`,
      ...this.wrap(terminalSafe(f.message), '  ')
    ]
  }

  private print(line: string): void {
    this.clearProgress()
    this.out.write(`${this.redactor.redact(line)}\n`)
  }

  private clearProgress(): void {
    if (!this.progressShown) return
    this.out.write('\r\x1b[2K')
    this.progressShown = false
  }

  private paint(style: Style, text: string): string {
    if (!this.options.colour) return text
    const [on, off] = SGR[style]
    return `\x1b[${on}m${text}\x1b[${off}m`
  }

  /** On a terminal, words wrapped to its width; elsewhere one line, as the action writes it. */
  private wrap(text: string, indent: string): string[] {
    if (!this.out.isTTY) return [`${indent}${text}`]
    return wrapWords(text, Math.min(this.width(), 100) - indent.length).map((l) => `${indent}${l}`)
  }

  /** The terminal's width; 80 when it does not say (0 from some pseudo-terminals). */
  private width(): number {
    return Math.max(this.out.columns || 80, 40)
  }
}

/** Words in lines of at most `width` characters; a longer word (a URL) stands on a line of its own. */
export function wrapWords(text: string, width: number): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(/ +/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line)
      line = word
    } else line = line ? `${line} ${word}` : word
  }
  if (line || lines.length === 0) lines.push(line)
  return lines
}

/** Columns padded to their widest cell, numbers aligned right, indented by two spaces. */
export function table(header: string[], rows: string[][]): string[] {
  const all = [header, ...rows]
  const widths = header.map((_, c) => Math.max(...all.map((r) => (r[c] ?? '').length)))
  const numeric = header.map(
    (_, c) => rows.length > 0 && rows.every((r) => /^\d{1,3}(,\d{3})*$/.test(r[c] ?? ''))
  )
  return all.map(
    (row) =>
      `  ${row
        .map((cell, c) => (numeric[c] ? cell.padStart(widths[c] ?? 0) : cell.padEnd(widths[c] ?? 0)))
        .join('  ')
        .trimEnd()}`
  )
}
