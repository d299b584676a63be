// The job summary's blocks as HTML, the way GitHub shows the GITHUB_STEP_SUMMARY file. Pure.
//
// GitHub reads that file as Markdown (https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/workflow-commands-for-github-actions#adding-a-job-summary),
// in which a line that starts with a tag such as <p> or <table> opens an HTML block that runs to the next
// blank line and is passed through as HTML, not read as Markdown (https://github.github.com/gfm/#html-blocks).
// So every block is written as HTML and no text holds a line break: the reader sees exactly this HTML once
// GitHub has sanitized it (https://github.com/github/markup#github-markup), and the tags used here are
// ones it keeps. All text is escaped, Cloudflare's words included: shown, never read as markup.
import { escapeHtml } from './outputs.js'
import type { Outcome, SummaryBlock } from './summary.js'

/** Plain text as HTML on one line: escaped, `spans in backticks` as code. */
export function inlineHtml(text: string): string {
  return escapeHtml(text.replace(/\s*[\r\n]+\s*/g, ' ')).replace(/`([^`]+)`/g, '<code>$1</code>')
}

/** A name (URL, tag, request ID) shown verbatim as code, backticks and all. */
function codeHtml(text: string): string {
  return `<code>${escapeHtml(text.replace(/[\r\n]+/g, ' '))}</code>`
}

const MARKS: Record<Outcome, string> = { success: '✅', warnings: '⚠️', failure: '❌', plan: '📋' }

/**
 * GitHub refuses a step's summary over 1 MiB, and loses all of it
 * (https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/workflow-commands-for-github-actions#step-isolation-and-limits).
 * Every list in the blocks is bounded well below that; this is the last guard.
 */
export const SUMMARY_MAX_BYTES = 1024 * 1024

const CUT =
  '<p>The rest of this summary is left out: GitHub takes at most 1 MiB of it. The log has every detail.</p>'

/** The blocks as HTML, stopping (and saying so) before a block that would take it past `maxBytes`. */
export function summaryHtml(blocks: SummaryBlock[], maxBytes = SUMMARY_MAX_BYTES - 1024): string {
  const parts: string[] = []
  let bytes = Buffer.byteLength(CUT)
  for (const block of blocks) {
    const html = blockHtml(block)
    bytes += Buffer.byteLength(html) + 1
    if (bytes > maxBytes) return [...parts, CUT].join('\n')
    parts.push(html)
  }
  return parts.join('\n')
}

function blockHtml(block: SummaryBlock): string {
  switch (block.kind) {
    case 'heading':
      return `<h${block.level}>${inlineHtml(block.text)}</h${block.level}>`
    case 'status': {
      const text = block.text ? ` ${inlineHtml(block.text)}` : ''
      return `<p>${MARKS[block.outcome]} <strong>${inlineHtml(block.headline)}</strong>${text}</p>`
    }
    case 'text':
      return `<p>${inlineHtml(block.text)}</p>`
    case 'list': {
      const item = block.code ? codeHtml : inlineHtml
      return `<ul>${block.items.map((i) => `<li>${item(i)}</li>`).join('')}</ul>`
    }
    case 'table': {
      // `align` is an attribute GitHub's sanitizer keeps on any element (hast-util-sanitize's default schema).
      const open = (tag: 'th' | 'td', c: number): string => (block.right?.[c] ? `${tag} align="right"` : tag)
      const row = (cells: string[], tag: 'th' | 'td'): string =>
        `<tr>${cells.map((c, i) => `<${open(tag, i)}>${inlineHtml(c)}</${tag}>`).join('')}</tr>`
      return `<table>${row(block.header, 'th')}${block.rows.map((r) => row(r, 'td')).join('')}</table>`
    }
    case 'details':
      return `<details><summary>${inlineHtml(block.label)}</summary>\n${summaryHtml(block.blocks, Infinity)}\n</details>`
  }
}
