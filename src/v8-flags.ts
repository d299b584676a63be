// Imported first by index.ts, before undici loads its WebAssembly HTTP parser. After a few answers
// V8 starts optimising that parser on background threads, and the process waits for them at exit:
// 50 to 300 ms on a busy runner, for code that a run of a few hundred requests never needs faster.
// An unreachable tiering budget keeps the parser on V8's baseline compiler (Node 20 and 24 alike).
import { setFlagsFromString } from 'node:v8'

setFlagsFromString('--wasm-tiering-budget=2000000000')

/**
 * Called once the code is loaded, before the run: a long list is almost all short-lived garbage (lines,
 * parsed URLs, request bodies). Left to grow, Node 24's young generation takes tens of megabytes per
 * semi-space, and a 100,000-URL purge peaked at about 180 MB of memory; kept at its size of that moment,
 * the same purge peaks at about 120 MB. (Set any earlier, it slows loading the code by some 15 ms.)
 */
export function keepYoungGenerationSmall(): void {
  setFlagsFromString('--semi-space-growth-factor=1')
}
