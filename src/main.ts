// The action's order of work: read the inputs → check them → list the changed files (when asked) →
// run the engine (credential, zones, plan, purge) → write the outputs and the job summary.
// Only this file, index.ts and src/action/ use the Actions toolkit; the engine (engine.ts) does the work.
import { readFileSync, realpathSync } from 'node:fs'
import { listChanges } from './action/changed-files.js'
import { readInputs } from './action/input-reader.js'
import { ActionReporter } from './action/reporter.js'
import { DiagnosedFailure } from './diagnosis/failure.js'
import { purgeCache, stopRun } from './engine.js'
import type { ListedChanges } from './inputs/changed-urls.js'
import { parseSettings, type ParseResult, type RawInputs } from './inputs/parser.js'
import { isInside, OutsideWorkspaceError } from './inputs/workspace.js'
import { describeChanges, describeSettings } from './report/log.js'
import { Redactor } from './report/redactor.js'
import type { RunResult } from './report/result.js'
import type { CacheMode, ChangeSettings } from './types.js'

const USER_AGENT =
  'cloudflare-purge-action/0.1 (+https://github.com/marketplace/actions/cloudflare-cache-purge)'

export async function run(): Promise<void> {
  const startedAt = Date.now()
  const { raw, secrets } = readInputs()
  const reporter = new ActionReporter(new Redactor(secrets))
  const result = await purge(raw, reporter, startedAt)
  await reporter.publish(result)
}

async function purge(raw: RawInputs, reporter: ActionReporter, startedAt: number): Promise<RunResult> {
  // What was asked, as far as the inputs could be read: an input error still lists the valid items.
  let requested: ParseResult['requested'] | undefined
  try {
    const parsed = checkInputs(raw, reporter)
    requested = parsed.requested
    if (!parsed.settings) throw new DiagnosedFailure(parsed.errors)
    const settings = parsed.settings
    const inputs = describeSettings(settings)
    await reporter.group('Inputs', async () => inputs.forEach((line) => reporter.info(line)))
    const { changes: wanted, timeoutMs, mode } = settings
    const changes = wanted
      ? await reporter.group('Changed files', () =>
          changedUrls(wanted, startedAt + timeoutMs, reporter, mode)
        )
      : undefined
    const options = { userAgent: USER_AGENT, startedAt, ...(changes ? { changes } : {}) }
    return await purgeCache(settings, options, reporter)
  } catch (error) {
    return stopRun(error, reporter, startedAt, requested)
  }
}

/** The inputs checked: settings when they are valid; every mistake in them is reported at once. */
function checkInputs(raw: RawInputs, reporter: ActionReporter): ParseResult {
  const workspace = process.env.GITHUB_WORKSPACE || process.cwd()
  const parsed = parseSettings(raw, { readFile: (path) => readInWorkspace(workspace, path), workspace })
  reporter.findings(parsed.warnings)
  return parsed
}

/** A file's bytes, once its real path (links followed) is known to be inside the workspace too. */
function readInWorkspace(workspace: string, path: string): Uint8Array {
  if (!isInside(realpathSync(workspace), realpathSync(path))) throw new OutsideWorkspaceError()
  return readFileSync(path)
}

/** The files this push changed under `changed_paths`, as URLs; listing them counts against `timeout`. */
async function changedUrls(
  wanted: ChangeSettings,
  deadline: number,
  reporter: ActionReporter,
  mode?: CacheMode
): Promise<ListedChanges> {
  const changes = await listChanges(wanted, process.env, {
    deadline,
    userAgent: USER_AGENT,
    onRetry: (reason) => reporter.info(`Retrying GitHub's compare: ${reason}`)
  })
  for (const line of describeChanges(changes, mode)) reporter.info(line)
  return changes
}
