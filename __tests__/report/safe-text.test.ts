// Untrusted text as the Actions log and a terminal show it: shown, never obeyed.
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { LINE_BREAK, logSafe, terminalSafe } from '../../src/report/safe-text.js'

/** What a Cloudflare message, a zone name or a proxy's page could carry to start a command or redraw a screen. */
const HOSTILE =
  'ok\r\n::error title=Injected::owned\n::add-mask::secret\u2028::stop-commands::x\x1b[31mred\x1b]0;title\x07\x9b2J'

describe('logSafe', () => {
  it('keeps a line one line, with no workflow command anywhere at the start of one', () => {
    const shown = logSafe(HOSTILE)
    expect(shown.split(LINE_BREAK)).toHaveLength(1)
    expect(shown).toBe(
      'ok\\r\\n::error title=Injected::owned\\n::add-mask::secret\\u2028::stop-commands::x\\x1b[31mred\\x1b]0;title\\x07\\x9b2J'
    )
  })

  it('puts a backslash before a leading :: or ##[, spaces or not', () => {
    expect(logSafe('::error::x')).toBe('\\::error::x')
    expect(logSafe('  ::add-mask::x')).toBe('  \\::add-mask::x')
    expect(logSafe('##[error]x')).toBe('\\##[error]x')
    expect(logSafe('Zone: ::error::x')).toBe('Zone: ::error::x')
  })

  it('leaves plain text, tabs and non-ASCII alone', () => {
    expect(logSafe('Purged 10,000 items on exämple.com\tin 2.0 s → ok')).toBe(
      'Purged 10,000 items on exämple.com\tin 2.0 s → ok'
    )
  })

  it('never lets any text start a line with ::, whatever it holds', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const lines = logSafe(text).split(/\r\n|[\n\r\v\f\x85\u2028\u2029]/)
        expect(lines).toHaveLength(1)
        expect(lines[0]).not.toMatch(/^\s*(::|##\[)/)
        // No control character left: escaping it again changes nothing.
        expect(terminalSafe(lines[0] as string)).toBe(lines[0])
      })
    )
  })
})

describe('terminalSafe', () => {
  it('shows escape sequences and control characters escaped, so no terminal obeys them', () => {
    expect(terminalSafe('\x1b[2J\x1b]8;;https://evil.example/\x07link\x1b]8;;\x07\b\x00')).toBe(
      '\\x1b[2J\\x1b]8;;https://evil.example/\\x07link\\x1b]8;;\\x07\\x08\\x00'
    )
  })

  it('shows a bidirectional override, which reorders what a reader sees', () => {
    expect(terminalSafe('abc\u202edef')).toBe('abc\\u202edef')
  })
})
