// Which URLs the edge check may request: those of the accepted URL purges, and `verify_urls`. Pure.
import { dedupe, fileKey } from '../inputs/items.js'
import type { Batch } from '../purge/planner.js'
import type { FileItem } from '../types.js'

/** The URLs purged by accepted requests, then `verify_urls` (when any request was accepted), each once. */
export function edgeCandidates(
  requests: Array<{ batch: Batch; purgeId?: string }>,
  verifyUrls: FileItem[]
): FileItem[] {
  const accepted = requests.filter((r) => r.purgeId !== undefined)
  if (accepted.length === 0) return []
  const purged = accepted
    .filter((r) => r.batch.type === 'files')
    .flatMap((r) => r.batch.items.map((item) => (typeof item === 'string' ? { url: item } : item)))
  return dedupe([...purged, ...verifyUrls], fileKey)
}
