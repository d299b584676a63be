#!/usr/bin/env node
// Entry point of the command line (`cloudflare-purge`, bundled into dist/cli/index.js).
import '../v8-flags.js'
import './compile-cache.js'
import { runCli } from './main.js'

// A reader that stops early (`cloudflare-purge --help | head -1`) is no failure of the run, and no
// reason for a stack trace: what it did not read is dropped.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined)

process.exitCode = await runCli({
  args: process.argv.slice(2),
  env: process.env,
  cwd: process.cwd(),
  stdout: process.stdout,
  stderr: process.stderr,
  stdinIsTTY: process.stdin.isTTY,
  readStdin: async () => {
    let text = ''
    process.stdin.setEncoding('utf8')
    for await (const chunk of process.stdin) text += chunk
    return text
  }
})
