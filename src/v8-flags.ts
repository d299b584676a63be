// Imported first by index.ts, before undici loads its WebAssembly HTTP parser. After a few answers
// V8 starts optimising that parser on background threads, and the process waits for them at exit:
// 50 to 300 ms on a busy runner, for code that a run of a few hundred requests never needs faster.
// An unreachable tiering budget keeps the parser on V8's baseline compiler (Node 20 and 24 alike).
import { setFlagsFromString } from 'node:v8'

setFlagsFromString('--wasm-tiering-budget=2000000000')
