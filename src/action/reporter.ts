// The Actions toolkit's side of reporting: log lines, groups, annotations, outputs and the job summary,
// each passed through the Redactor first, then made safe (src/report/safe-text.ts: no text from outside
// starts a workflow command). What they say is built in src/report/; this only writes it, the annotations
// within GitHub's limits.
import * as core from '@actions/core'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { diagnose } from '../diagnosis/catalogue.js'
import type { RunReporter } from '../engine.js'
import { outputsOf } from '../report/outputs.js'
import { AnnotationLimit, groupedFinding, groupFindings } from '../report/annotations.js'
import type { Redactor } from '../report/redactor.js'
import type { RunResult } from '../report/result.js'
import { LINE_BREAK, logSafe, summarySafe } from '../report/safe-text.js'
import { summaryHtml } from '../report/summary-html.js'
import { mapText, summaryOf, type SummaryBlock } from '../report/summary.js'
import type { Finding } from '../types.js'
import { grouped } from '../words.js'

const sameFinding = (a: Finding, b: Finding): boolean => a.title === b.title && a.message === b.message

export class ActionReporter implements RunReporter {
  /** The warnings shown so far (an expiring token, a URL outside its zone, …), repeated in the job summary. */
  private readonly warnings: Finding[] = []
  /** The notices shown so far: one may say why there was nothing to purge. */
  private readonly notices: Finding[] = []
  /** GitHub's limit of annotations per level: the last guard, whatever path a finding came by. */
  private readonly limit = new AnnotationLimit()

  constructor(private readonly redactor: Redactor) {}

  /** Whether an error was reported: the step fails. */
  get failed(): boolean {
    return process.exitCode === 1
  }

  info(line: string): void {
    core.info(this.safe(line))
  }

  warning(line: string): void {
    this.findings([{ id: 'log-warning', severity: 'warning', title: '', message: line }])
  }

  notice(line: string): void {
    this.findings([{ id: 'log-notice', severity: 'notice', title: '', message: line }])
  }

  /** Each line of it a debug line of its own (a stack trace has several). */
  debug(line: string): void {
    for (const part of line.split(LINE_BREAK)) core.debug(this.safe(part))
  }

  async group<T>(name: string, work: () => Promise<T>): Promise<T> {
    core.startGroup(this.safe(name))
    try {
      return await work()
    } finally {
      core.endGroup()
    }
  }

  /**
   * The findings as annotations, those of one kind as one that counts them (each one is in the log), at
   * most GitHub's limit per level in a run; an error also fails the step.
   */
  findings(findings: Finding[]): void {
    const safe = findings.map((f) => ({ ...f, title: this.safe(f.title), message: this.safe(f.message) }))
    for (const group of groupFindings(safe)) {
      if (group.first.severity === 'error') process.exitCode = 1
      if (group.all.length > 1) group.all.forEach((f) => this.logFinding(f))
      const finding = groupedFinding(group, 'each one is in the log above')
      const kept = finding.severity === 'warning' ? this.warnings : this.notices
      if (finding.severity !== 'error' && !kept.some((k) => sameFinding(k, finding))) kept.push(finding)
      if (this.limit.admit(finding)) this.annotate(finding)
      else if (group.all.length === 1) this.logFinding(finding)
    }
  }

  /** Sets every output and writes the job summary; when the runner cannot take them, says so in an annotation. */
  async publish(result: RunResult): Promise<void> {
    try {
      let cut = false
      const outputs = outputsOf(result, {
        save: (json) => this.writeTempFile('failed-items.json', json),
        onCut: (shown, total, file) => {
          cut = true
          this.info(
            `failed_items lists ${grouped(shown)} of the ${grouped(total)} items not purged (GitHub limits the size of outputs); ` +
              `all of them are in ${file}`
          )
        }
      })
      for (const [name, value] of Object.entries(outputs))
        core.setOutput(name, this.redactor.redact(String(value)))
      // The summary names where the whole list is: failed_items, or the file when the output was cut.
      const failedItemsIn = cut
        ? 'the file named by the `failed_items_file` output'
        : 'the `failed_items` output'
      this.limit.held().forEach((f) => this.annotate(f))
      await this.writeSummary(
        summaryOf(result, {
          failedItemsIn,
          warnings: this.warnings,
          notices: this.notices,
          stepFailed: this.failed
        })
      )
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error)
      this.debug(error instanceof Error ? (error.stack ?? detail) : detail)
      this.findings([
        diagnose('unexpected-error', {
          detail: `the outputs or the job summary could not be written (${detail})`
        })
      ])
    }
  }

  /** One annotation, its title (when it has one) a property of the command. */
  private annotate(f: Finding): void {
    const props = f.title ? { title: f.title } : {}
    if (f.severity === 'error') core.error(f.message, props)
    else if (f.severity === 'warning') core.warning(f.message, props)
    else core.notice(f.message, props)
  }

  /** A finding as a log line: its detail, when its annotation counts it with others or was held back. */
  private logFinding(f: Finding): void {
    core.info(`${f.severity}: ${f.title ? `${f.title}: ` : ''}${f.message.replace(/\n/g, ' ')}`)
  }

  /** Text for the log: secrets masked, then shown as text that the runner never reads as a command. */
  private safe(text: string): string {
    return logSafe(this.redactor.redact(text))
  }

  /**
   * Writes a file for later steps under RUNNER_TEMP (the runner empties it after the job), in a folder of
   * its own so that two steps of a job never overwrite each other's; returns its path. Redacted like
   * everything else that leaves the process.
   */
  private writeTempFile(name: string, content: string): string {
    const dir = mkdtempSync(join(process.env.RUNNER_TEMP || tmpdir(), 'cloudflare-purge-'))
    const path = join(dir, name)
    writeFileSync(path, this.redactor.redact(content))
    return path
  }

  /**
   * The summary is HTML: every text in it (Cloudflare's words among them) is escaped, never interpreted,
   * and shows its control characters escaped.
   */
  private async writeSummary(blocks: SummaryBlock[]): Promise<void> {
    if (!process.env.GITHUB_STEP_SUMMARY || blocks.length === 0) return
    const redact = (text: string): string => this.redactor.redact(text)
    const safe = (text: string): string => summarySafe(redact(text))
    // Each text is redacted before it is escaped (a secret with & or ' in it would no longer match after),
    // and the whole HTML again after, so that no secret survives split across cells.
    const html = redact(summaryHtml(mapText(blocks, safe)))
    await core.summary.emptyBuffer().addRaw(html, true).write()
  }
}
