// Text from outside the program (Cloudflare's answers, GitHub's, a proxy's, a file's) made safe to print,
// at the edges where it leaves: it is shown, never obeyed by the Actions runner or by a terminal. Pure.
//
// The runner reads a line that starts with `::` (after spaces) as a workflow command (`error`,
// `add-mask`, `stop-commands`, https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/workflow-commands-for-github-actions),
// and a line that starts with `##[` as one of its older form; a terminal obeys control characters and the
// escape sequences they open (colours, cursor moves, OSC titles and links). So both get each control
// character as a visible escape (`\n`, `\x1b`), which also keeps a line break in the text from starting a
// new line, and the log gets a `\` before a leading `::` or `##[`.

import { ANY_LINE_BREAK } from '../patterns.js'

/**
 * C0 controls but the tab, DEL, C1 controls (0x9b opens an escape sequence by itself on some terminals),
 * the Unicode line and paragraph separators, and the bidirectional overrides that reorder what is shown.
 */
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r' }

/** A line break, as the runner and the tools that read a log split lines. */
export const LINE_BREAK = ANY_LINE_BREAK

function shown(char: string): string {
  const code = char.charCodeAt(0)
  return NAMED[char] ?? (code < 0x100 ? `\\x${hex(code, 2)}` : `\\u${hex(code, 4)}`)
}

const hex = (code: number, digits: number): string => code.toString(16).padStart(digits, '0')

/** Every control character, line breaks and escape sequences included, as a visible escape: for a terminal. */
export function terminalSafe(text: string): string {
  return text.replace(CONTROLS, shown)
}

/** For the Actions log: one line, its controls escaped, and no workflow command at its start. */
export function logSafe(text: string): string {
  return terminalSafe(text).replace(/^(\s*)(::|##\[)/, '$1\\$2')
}

/** For the job summary's HTML, where a line break reads as a space: line breaks as spaces, other controls escaped. */
export function summarySafe(text: string): string {
  return terminalSafe(text.replace(new RegExp(LINE_BREAK.source, 'g'), ' '))
}
