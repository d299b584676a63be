// What a person reads on the command line, on standard error, every line through the Redactor: each
// diagnosis once, a progress line, and the line the run ends with; the engine's steps with --verbose.
// A redrawn progress line only on a terminal; colour on a terminal or with FORCE_COLOR (see wantsColour).
import { render } from '../diagnosis/catalogue.js'
import type { Door } from '../diagnosis/door.js'
import type { RunReporter } from '../engine.js'
import type { Redactor } from '../report/redactor.js'
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

/**
 * Never with --no-color. FORCE_COLOR as Node.js reads it (https://nodejs.org/api/cli.html#force_color1-2-3):
 * "1", "2", "3", "true" or empty turn colour on, even in a log and whatever NO_COLOR says; any other value
 * turns it off. Without it: on a terminal, unless NO_COLOR is set and not empty (https://no-color.org/) or
 * TERM is "dumb".
 */
export function wantsColour(
  output: TextOutput,
  env: Record<string, string | undefined>,
  noColorFlag: boolean
): boolean {
  if (noColorFlag) return false
  if (env.FORCE_COLOR !== undefined) return ['', '1', '2', '3', 'true'].includes(env.FORCE_COLOR)
  return Boolean(output.isTTY) && !env.NO_COLOR && env.TERM !== 'dumb'
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

  /** The engine's steps: shown with --verbose only. */
  info(line: string): void {
    if (this.options.verbose) this.print(`${'  '.repeat(this.depth)}${line}`)
  }

  warning(line: string): void {
    this.print(`${this.paint('yellow', 'warning:')} ${line}`)
  }

  notice(line: string): void {
    if (!this.options.quiet) this.print(`${this.paint('cyan', 'notice:')} ${line}`)
  }

  debug(line: string): void {
    if (this.options.verbose) this.print(this.paint('dim', `debug: ${line}`))
  }

  /**
   * How often the engine sends a progress line: each second on a terminal, where it is redrawn in place;
   * every 10 s in a log (a CI job's), where each is a line of its own.
   */
  get progressEveryMs(): number {
    return this.out.isTTY ? 1000 : 10_000
  }

  /** Redrawn in place on a terminal; elsewhere a line. Not with --quiet. */
  progress(line: string): void {
    if (this.options.quiet) return
    if (!this.out.isTTY) {
      this.print(`${this.options.verbose ? '  '.repeat(this.depth) : ''}${line}`)
      return
    }
    const text = `${'  '.repeat(this.depth)}${this.redactor.redact(line)}`
    this.write(`\r\x1b[2K${text.slice(0, this.width() - 1)}`)
    this.progressShown = true
  }

  async group<T>(name: string, work: () => Promise<T>): Promise<T> {
    if (this.options.verbose) this.print(this.paint('bold', name))
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
      for (const line of this.findingLines(shown)) this.write(`${line}\n`)
    }
  }

  /** A line of its own, such as the hint after a usage error. */
  line(text: string): void {
    this.print(text)
  }

  /** The finding, already masked and in the command line's words: its level and title, then the message. */
  private findingLines(f: Finding): string[] {
    const level = this.paint(LEVEL[f.severity], `${f.severity}:`)
    return [`${level} ${this.paint('bold', f.title)}`, ...this.wrap(f.message, '  ')]
  }

  private print(line: string): void {
    this.clearProgress()
    this.write(`${this.redactor.redact(line)}\n`)
  }

  private clearProgress(): void {
    if (!this.progressShown) return
    this.write('\r\x1b[2K')
    this.progressShown = false
  }

  /** Where every piece of text leaves for the terminal, already masked: the one writer. */
  private write(text: string): void {
    this.out.write(text)
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
