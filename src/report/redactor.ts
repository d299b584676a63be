// Masks the secrets in text that leaves the process. Pure: the edges pass every line, annotation,
// output and summary through it before writing them.
/** Replaces every known secret in text that leaves the process, whatever the runner masks. */
export class Redactor {
  private readonly secrets: string[]

  constructor(secrets: string[]) {
    this.secrets = [...new Set(secrets.filter((s) => s.length >= 4))].sort((a, b) => b.length - a.length)
  }

  redact(text: string): string {
    let out = text
    // Overlapping secrets are masked as one stretch, so no tail of either survives; repeat in case a
    // mask joined with its neighbours spells a secret again (each pass shortens the text, so it ends).
    for (let changed = true; changed;) {
      const spans = this.spans(out)
      changed = spans.length > 0
      for (const [start, end] of spans.reverse()) out = `${out.slice(0, start)}***${out.slice(end)}`
    }
    return out
  }

  /** Where secrets occur, merged where they overlap or touch, in order. */
  private spans(text: string): Array<[number, number]> {
    const found: Array<[number, number]> = []
    for (const secret of this.secrets) {
      for (let at = text.indexOf(secret); at !== -1; at = text.indexOf(secret, at + 1))
        found.push([at, at + secret.length])
    }
    found.sort((a, b) => a[0] - b[0])
    const merged: Array<[number, number]> = []
    for (const [start, end] of found) {
      const last = merged[merged.length - 1]
      if (last && start <= last[1]) last[1] = Math.max(last[1], end)
      else merged.push([start, end])
    }
    return merged
  }
}
