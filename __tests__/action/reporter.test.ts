// The action's reporter, the last guard on what reaches the runner: at most 10 annotations of a level in
// a run, whatever path the findings came by, those held back named in the tenth and kept in the log; and
// no text from outside that starts a workflow command. Reads what it writes to stdout, as the runner does.
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { parseAnnotations } from '../../e2e/run-action.js'
import { ActionReporter } from '../../src/action/reporter.js'
import { Redactor } from '../../src/report/redactor.js'
import { stoppedRun } from '../../src/report/result.js'
import type { Finding } from '../../src/types.js'

let written = ''
const saved = { ...process.env }

beforeEach(() => {
  written = ''
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written += String(chunk)
    return true
  })
  delete process.env.GITHUB_OUTPUT
  delete process.env.GITHUB_STEP_SUMMARY
})

afterEach(() => {
  jest.restoreAllMocks()
  process.env = { ...saved }
  // An error finding fails the step: not this test process.
  process.exitCode = undefined
})

const finding = (id: string, severity: Finding['severity'], message = `${id} happened`): Finding => ({
  id,
  severity,
  title: `Title ${id}`,
  message
})

describe('ActionReporter', () => {
  it('shows at most 10 annotations of a level in a run, the tenth naming the rest, each one in the log', async () => {
    const reporter = new ActionReporter(new Redactor([]))
    const errors = Array.from({ length: 25 }, (_, i) => finding(`e${i}`, 'error'))
    // Three calls, as the engine makes them at different stages; warnings count apart.
    reporter.findings(errors.slice(0, 5))
    reporter.findings([...errors.slice(5, 20), finding('w', 'warning')])
    reporter.findings(errors.slice(20))
    expect(process.exitCode).toBe(1)
    await reporter.publish(stoppedRun(errors, 0))
    const annotations = parseAnnotations(written)
    const shown = annotations.filter((a) => a.level === 'error')
    expect(shown).toHaveLength(10)
    expect(shown.slice(0, 9).map((a) => a.title)).toEqual(errors.slice(0, 9).map((e) => e.title))
    expect(shown[9]).toMatchObject({
      title: '16 more errors',
      message: expect.stringMatching(/^GitHub shows 10 error annotations per step; 16 more are in the log: /)
    })
    expect(annotations.filter((a) => a.level === 'warning')).toHaveLength(1)
    for (const e of errors.slice(9)) expect(written).toContain(`error: ${e.title}: ${e.message}\n`)
  })

  it('makes findings of one kind one annotation, and writes each to the log', () => {
    const reporter = new ActionReporter(new Redactor([]))
    reporter.findings(
      Array.from({ length: 5000 }, (_, i) => finding('relative-url', 'error', `"p/${i}" is bad.`))
    )
    const [only, ...rest] = parseAnnotations(written)
    expect(rest).toEqual([])
    expect(only?.message.split('\n')[0]).toBe('5,000 times; the first 3:')
    expect(written.match(/^error: Title relative-url: "p\/\d+" is bad\.$/gm)).toHaveLength(5000)
  })

  it('lets no text start a workflow command: log lines, annotations and debug lines', () => {
    const reporter = new ActionReporter(new Redactor(['s3cret-token']))
    const hostile = 'x\r\n::add-mask::s3cret-token\n::error title=Injected::y'
    reporter.info(hostile)
    reporter.info('::stop-commands::halt')
    reporter.debug(`one\n::add-mask::two`)
    reporter.findings([finding('cf', 'warning', hostile)])
    const lines = written.split(/\r\n|[\n\r]/)
    expect(lines.filter((l) => /^\s*::(add-mask|stop-commands|error)/.test(l))).toEqual([])
    expect(lines).toContain('x\\r\\n::add-mask::***\\n::error title=Injected::y')
    expect(lines).toContain('\\::stop-commands::halt')
    expect(lines).toContain('::debug::\\::add-mask::two')
    expect(parseAnnotations(written).map((a) => a.title)).toEqual(['Title cf'])
  })
})
