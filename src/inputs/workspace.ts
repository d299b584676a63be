// Where the action may read `files_from`: inside the workspace (GITHUB_WORKSPACE), as the README says,
// so that a path such as `../../home/runner/.ssh/id_rsa` or `/etc/passwd` is never read into a run's
// log. The command line reads any path its user names. Pure: the edge resolves links (main.ts).
import { isAbsolute, relative, resolve, sep } from 'node:path'

/** The absolute path of `path` under `workspace`, or undefined when it points outside of it. */
export function pathInWorkspace(workspace: string, path: string): string | undefined {
  const root = resolve(workspace)
  const full = resolve(root, path)
  return isInside(root, full) ? full : undefined
}

/** True when `full` is `root` or below it (both absolute and resolved). */
export function isInside(root: string, full: string): boolean {
  const rel = relative(root, full)
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel))
}

/** Thrown by a reader when a path inside the workspace leads outside it through a symbolic link. */
export class OutsideWorkspaceError extends Error {
  readonly code = 'EOUTSIDE'
  constructor() {
    super('it leads outside the workspace through a symbolic link')
  }
}
