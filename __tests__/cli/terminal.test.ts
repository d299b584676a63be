import { describe, expect, it } from '@jest/globals'
import { commandLineDoor } from '../../src/cli/door.js'
import { jsonResult } from '../../src/cli/json.js'
import { TerminalReporter, wantsColour, wrapWords, type TextOutput } from '../../src/cli/terminal.js'
import { diagnose, render } from '../../src/diagnosis/catalogue.js'
import { Redactor } from '../../src/report/redactor.js'
import { emptyRun } from '../../src/report/result.js'

const SECRET = 'FAKEuserTokenAllPerms0000000000000000001'

/** A terminal (or a pipe) that keeps what is written. */
function output(tty: boolean, columns = 80): TextOutput & { text: string } {
  const out = {
    text: '',
    isTTY: tty,
    columns,
    write(chunk: string) {
      out.text += chunk
      return true
    }
  }
  return out
}

function reporter(
  out: TextOutput,
  options: Partial<{ colour: boolean; quiet: boolean; verbose: boolean }> = {}
) {
  return new TerminalReporter(out, new Redactor([SECRET]), {
    door: commandLineDoor(),
    colour: false,
    quiet: false,
    verbose: false,
    ...options
  })
}

describe('wantsColour', () => {
  const tty = output(true)
  it('colours only a terminal, and not when NO_COLOR is set, TERM is dumb or --no-color is given', () => {
    expect(wantsColour(tty, {}, false)).toBe(true)
    expect(wantsColour(output(false), {}, false)).toBe(false)
    expect(wantsColour(tty, { NO_COLOR: '1' }, false)).toBe(false)
    expect(wantsColour(tty, { TERM: 'dumb' }, false)).toBe(false)
    expect(wantsColour(tty, {}, true)).toBe(false)
  })
  it('takes an empty NO_COLOR as unset, as no-color.org says', () => {
    expect(wantsColour(tty, { NO_COLOR: '' }, false)).toBe(true)
  })
  it('follows FORCE_COLOR as Node.js does: on in a log and over NO_COLOR, off for other values; --no-color wins', () => {
    const log = output(false)
    for (const on of ['', '1', '2', '3', 'true'])
      expect(wantsColour(log, { FORCE_COLOR: on }, false)).toBe(true)
    expect(wantsColour(log, { FORCE_COLOR: '1', NO_COLOR: '1' }, false)).toBe(true)
    for (const off of ['0', 'false', 'yes']) expect(wantsColour(tty, { FORCE_COLOR: off }, false)).toBe(false)
    expect(wantsColour(log, { FORCE_COLOR: '1' }, true)).toBe(false)
  })
})

describe('TerminalReporter', () => {
  const finding = diagnose('bearer-prefix', { input: 'api_token' })
  const words = render(finding, commandLineDoor())

  it("shows a finding as level and title, then the message in the command line's words", () => {
    const out = output(false)
    reporter(out).findings([finding])
    expect(out.text).toBe(`warning: ${finding.title}\n  ${words}\n`)
    expect(words).toMatch(/^CLOUDFLARE_API_TOKEN starts with "Bearer "/)
  })

  it('colours the level on a terminal and wraps the message to its width', () => {
    const out = output(true, 60)
    reporter(out, { colour: true }).findings([finding])
    const lines = out.text.split('\n')
    expect(lines[0]).toBe(`\x1b[33mwarning:\x1b[39m \x1b[1m${finding.title}\x1b[22m`)
    const message = lines.slice(1).filter((l) => l !== '' && !l.includes('\x1b'))
    expect(message.every((l) => l.length <= 60 && l.startsWith('  '))).toBe(true)
    expect(message.map((l) => l.trim()).join(' ')).toBe(words)
  })

  it('masks secrets in every line and every finding, and keeps the masked finding for the JSON result', () => {
    const out = output(false)
    const r = reporter(out, { verbose: true })
    r.info(`token ${SECRET}`)
    r.debug(`sent ${SECRET}`)
    r.findings([{ id: 'x', severity: 'error', title: `t ${SECRET}`, message: `m ${SECRET}` }])
    expect(out.text).not.toContain(SECRET)
    expect(out.text).toContain('token ***')
    expect(r.reported).toEqual([{ id: 'x', severity: 'error', title: 't ***', message: 'm ***' }])
    expect(r.errorCount).toBe(1)
  })

  it('shows the steps only with --verbose, each group indented under its heading', async () => {
    const out = output(false)
    const r = reporter(out, { verbose: true })
    await r.group('Purge', async () => r.info('1 purge request sent, 1 accepted'))
    expect(out.text).toBe('Purge\n  1 purge request sent, 1 accepted\n')
    const plain = output(false)
    const q = reporter(plain)
    await q.group('Purge', async () => q.info('1 purge request sent, 1 accepted'))
    expect(plain.text).toBe('')
  })

  it('redraws the progress line in place on a terminal and clears it before the next line', () => {
    const out = output(true)
    const r = reporter(out)
    r.progress('Progress: 10 of 100 items')
    r.progress('Progress: 20 of 100 items')
    r.line('done')
    expect(out.text).toBe(
      '\r\x1b[2KProgress: 10 of 100 items\r\x1b[2KProgress: 20 of 100 items\r\x1b[2Kdone\n'
    )
  })

  it('takes a terminal that gives no width as 80 columns wide', () => {
    const out = output(true, 0)
    const r = reporter(out)
    r.progress(`Progress: ${'x'.repeat(100)}`)
    expect(out.text).toBe(`\r\x1b[2KProgress: ${'x'.repeat(69)}`)
    r.findings([finding])
    const lines = out.text.split('\n').slice(1, -1)
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(80)
    expect(Math.max(...lines.map((l) => l.length))).toBeGreaterThan(60)
  })

  it('in a log, prints each progress line as a line of its own; none with --quiet', () => {
    const pipe = output(false)
    reporter(pipe).progress('Progress: 1 of 2')
    expect(pipe.text).toBe('Progress: 1 of 2\n')
    const quiet = output(true)
    reporter(quiet, { quiet: true }).progress('Progress: 1 of 2')
    expect(quiet.text).toBe('')
  })

  it('asks for a progress line every second on a terminal, and every 10 s in a log', () => {
    expect(reporter(output(true)).progressEveryMs).toBe(1000)
    expect(reporter(output(false)).progressEveryMs).toBe(10_000)
  })

  it('with --quiet, keeps warnings and errors, and drops the steps, notices and debug lines', async () => {
    const out = output(false)
    const r = reporter(out, { quiet: true })
    await r.group('Purge', async () => r.info('log line'))
    r.debug('debug line')
    r.notice('a notice')
    r.findings([diagnose('global-key-in-use'), finding])
    expect(out.text).toBe(`warning: ${finding.title}\n  ${words}\n`)
    expect(r.reported.map((f) => f.id)).toEqual(['global-key-in-use', 'bearer-prefix'])
  })
})

describe('wrapWords', () => {
  it('wraps at spaces and leaves a long word whole', () => {
    expect(wrapWords('aa bb cc', 5)).toEqual(['aa bb', 'cc'])
    expect(wrapWords('https://example.com/a/very/long/path x', 10)).toEqual([
      'https://example.com/a/very/long/path',
      'x'
    ])
    expect(wrapWords('', 10)).toEqual([''])
  })
})

describe('jsonResult', () => {
  it('has the fields of the action outputs, with every string masked', () => {
    const result = {
      ...emptyRun('stopped', 0),
      failed: [{ zone: 'z', type: 'files' as const, item: 'u', reason: `bad ${SECRET}` }]
    }
    const json = jsonResult(
      result,
      [{ id: 'x', severity: 'error', title: 't', message: SECRET }],
      new Redactor([SECRET])
    )
    expect(json).toEqual({
      status: 'stopped',
      zone_id: '',
      zones: [],
      purge_ids: '',
      purged_count: 0,
      failed_count: 1,
      failed_items: [{ zone: 'z', type: 'files', reason: 'bad ***', count: 1, items: ['u'] }],
      verified: {},
      findings: [{ id: 'x', severity: 'error', title: 't', message: '***' }]
    })
  })
})
