// Reads `mode` and `environment`: what the requests do to cached copies, and in which Version Management
// environment of each zone. Pure; the environment is resolved per zone later (src/access/environments.ts).
import { diagnose } from '../diagnosis/catalogue.js'
import { CONTROL_CHARACTER } from '../patterns.js'
import type { CacheMode, Finding } from '../types.js'

const MODES: readonly CacheMode[] = ['purge', 'invalidate']

/** `purge` (also when empty) or `invalidate`, in any case. */
export function parseMode(value: string): { mode?: CacheMode; errors: Finding[] } {
  const lower = value.trim().toLowerCase()
  if (lower === '') return { mode: 'purge', errors: [] }
  if ((MODES as readonly string[]).includes(lower)) return { mode: lower as CacheMode, errors: [] }
  const expected =
    '`purge` (delete the cached copies) or `invalidate` (mark them stale, so the origin revalidates them)'
  return { errors: [diagnose('bad-option', { input: 'mode', value: value.trim(), expected })] }
}

/** An environment name or ref as given (matched per zone later); undefined when empty. */
export function parseEnvironment(value: string): { environment?: string; errors: Finding[] } {
  const trimmed = value.trim()
  if (trimmed === '') return { errors: [] }
  // One name on one line: a list or a stray control character would never match an environment.
  if (CONTROL_CHARACTER.test(trimmed) || trimmed.length > 200) {
    const shown = trimmed.replace(new RegExp(CONTROL_CHARACTER.source, 'gu'), ' ').slice(0, 80)
    const expected = 'one environment name, such as Staging, or its ref (the ID Cloudflare lists it by)'
    return { errors: [diagnose('bad-option', { input: 'environment', value: shown, expected })] }
  }
  return { environment: trimmed, errors: [] }
}
