// Counts in words that read right for one and for many.

/** "1 item", "2 items"; `many` for nouns whose plural is not the noun plus "s" ("prefixes"). */
export function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`
}

/** Milliseconds as seconds with one decimal, the way the log and the summary show durations. */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`
}
