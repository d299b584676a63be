// The text of a `files_from` file, whatever wrote it: UTF-8 with or without a byte order mark, or UTF-16
// (little- or big-endian), as Windows PowerShell 5's `>` and `Out-File` write it. Anything else is said,
// never guessed. Pure.
import { TextDecoder } from 'node:util'

export type FileText = { ok: true; text: string; encoding: string } | { ok: false; reason: string }

/** Decodes the bytes of a list file; a string is taken as already decoded. */
export function decodeListFile(content: string | Uint8Array): FileText {
  if (typeof content === 'string')
    return { ok: true, text: content.replace(/^\ufeff/, ''), encoding: 'UTF-8' }
  const bytes = content
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
    return utf8(bytes.subarray(3), 'UTF-8 with BOM')
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return utf16(bytes.subarray(2), 'utf-16le', 'UTF-16 LE')
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return utf16(bytes.subarray(2), 'utf-16be', 'UTF-16 BE')
  // Without a BOM, UTF-16 of ASCII text has a zero byte in every other place.
  const guess = utf16Guess(bytes)
  if (guess) return utf16(bytes, guess, guess === 'utf-16le' ? 'UTF-16 LE' : 'UTF-16 BE')
  return utf8(bytes, 'UTF-8')
}

function utf8(bytes: Uint8Array, encoding: string): FileText {
  if (bytes.includes(0)) {
    return { ok: false, reason: 'it holds zero bytes, so it is not a text file in UTF-8 or UTF-16' }
  }
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding }
  } catch {
    return {
      ok: false,
      reason:
        'it is not UTF-8 text (an editor or `Out-File -Encoding Default` wrote it in a legacy code page); ' +
        'save it as UTF-8'
    }
  }
}

function utf16(bytes: Uint8Array, label: 'utf-16le' | 'utf-16be', encoding: string): FileText {
  if (bytes.length % 2 !== 0)
    return { ok: false, reason: `it starts as ${encoding} but has an odd number of bytes` }
  try {
    return { ok: true, text: new TextDecoder(label, { fatal: true }).decode(bytes), encoding }
  } catch {
    return { ok: false, reason: `it starts as ${encoding} but does not decode as such` }
  }
}

/** UTF-16 without a BOM: at least half of the pairs have a zero in the same place, and no pair is all zero. */
function utf16Guess(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  if (bytes.length < 4 || bytes.length % 2 !== 0) return undefined
  let evenZeros = 0
  let oddZeros = 0
  for (let i = 0; i < bytes.length; i += 2) {
    const a = bytes[i] as number
    const b = bytes[i + 1] as number
    if (a === 0 && b === 0) return undefined
    if (a === 0) evenZeros++
    if (b === 0) oddZeros++
  }
  const pairs = bytes.length / 2
  if (oddZeros * 2 >= pairs && evenZeros === 0) return 'utf-16le'
  if (evenZeros * 2 >= pairs && oddZeros === 0) return 'utf-16be'
  return undefined
}
