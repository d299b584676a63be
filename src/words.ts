// Counts in words that read right for one and for many.

/** "1 item", "2 items"; `many` for nouns whose plural is not the noun plus "s" ("prefixes"). */
export function count(n: number, one: string, many = `${one}s`): string {
  return `${grouped(n)} ${n === 1 ? one : many}`
}

/** Milliseconds as seconds with one decimal, the way the log and the summary show durations. */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`
}

const NOUNS = {
  files: ['URL', 'URLs'],
  tags: ['tag', 'tags'],
  hosts: ['host', 'hosts'],
  prefixes: ['prefix', 'prefixes']
} as const

/** "1 URL", "30 URLs", "2 prefixes"; purge everything is "everything", whatever the count. */
export function countOf(type: keyof typeof NOUNS | 'everything', n: number): string {
  if (type === 'everything') return 'everything'
  const [one, many] = NOUNS[type]
  return count(n, one, many)
}

/** A duration to come, rounded the way a person says it: "8 s", "4 min". */
export function roughly(ms: number): string {
  const s = Math.max(1, Math.ceil(ms / 1000))
  return s < 90 ? `${s} s` : `${Math.round(s / 60)} min`
}

const GROUPED = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })

/** A whole number with its thousands grouped, the way the log and the summary show counts: "10,000". */
export function grouped(n: number): string {
  return GROUPED.format(n)
}
