// The Actions toolkit's side of reporting: log lines, groups, annotations, outputs and the job summary,
// each passed through the Redactor first. What they say is built in src/report/; this only writes it.
import * as core from '@actions/core'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { diagnose } from '../diagnosis/catalogue.js'
import type { RunReporter } from '../engine.js'
import { outputsOf } from '../report/outputs.js'
import type { Redactor } from '../report/redactor.js'
import type { RunResult } from '../report/result.js'
import { summaryHtml } from '../report/summary-html.js'
import { mapText, summaryOf, type SummaryBlock } from '../report/summary.js'
import type { Finding } from '../types.js'

export class ActionReporter implements RunReporter {
  /** The warnings shown so far (an expiring token, a URL outside its zone, …), repeated in the job summary. */
  private readonly warnings: Finding[] = []

  constructor(private readonly redactor: Redactor) {}

  info(line: string): void {
    core.info(this.redactor.redact(line))
  }

  warning(line: string): void {
    core.warning(this.redactor.redact(line))
  }

  notice(line: string): void {
    core.notice(this.redactor.redact(line))
  }

  debug(line: string): void {
    core.debug(this.redactor.redact(line))
  }

  async group<T>(name: string, work: () => Promise<T>): Promise<T> {
    core.startGroup(name)
    try {
      return await work()
    } finally {
      core.endGroup()
    }
  }

  /** One annotation per finding; an error also fails the step. */
  findings(findings: Finding[]): void {
    for (const f of findings) {
      const message = this.redactor.redact(f.message)
      const props = { title: this.redactor.redact(f.title) }
      if (f.severity === 'error') {
        core.error(message, props)
        process.exitCode = 1
      } else if (f.severity === 'warning') {
        core.warning(message, props)
        if (!this.warnings.some((w) => w.title === f.title && w.message === f.message)) this.warnings.push(f)
      } else core.notice(message, props)
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
            `failed_items lists ${shown} of the ${total} items not purged (GitHub limits the size of outputs); ` +
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
      await this.writeSummary(summaryOf(result, { failedItemsIn, warnings: this.warnings }))
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

  /** The summary is HTML: every text in it (Cloudflare's words among them) is escaped, never interpreted. */
  private async writeSummary(blocks: SummaryBlock[]): Promise<void> {
    if (!process.env.GITHUB_STEP_SUMMARY || blocks.length === 0) return
    const redact = (text: string): string => this.redactor.redact(text)
    // Each text is redacted before it is escaped (a secret with & or ' in it would no longer match after),
    // and the whole HTML again after, so that no secret survives split across cells.
    const html = redact(summaryHtml(mapText(blocks, redact)))
    await core.summary.emptyBuffer().addRaw(html, true).write()
  }
}
