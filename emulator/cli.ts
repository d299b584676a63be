// Starts the fixture world: node --import tsx emulator/cli.ts [--port N] [--latency MS]

import { fixture, fixtureOptions } from './fixtures.js'
import { startEmulator } from './index.js'

function numberArg(args: string[], name: string): number | undefined {
  const index = args.indexOf(name)
  const inline = args.find((a) => a.startsWith(`${name}=`))
  const text = inline !== undefined ? inline.slice(name.length + 1) : index >= 0 ? args[index + 1] : undefined
  if (text === undefined) return undefined
  const value = Number(text)
  if (!Number.isInteger(value) || value < 0) {
    console.error(`${name} needs a non-negative integer, got ${text}`)
    process.exit(2)
  }
  return value
}

async function main(): Promise<void> {
  const args = process.argv.slice(2)
  if (args.includes('--help') || args.includes('-h')) {
    console.log('Usage: node --import tsx emulator/cli.ts [--port N] [--latency MS]')
    return
  }
  const port = numberArg(args, '--port')
  const latencyMs = numberArg(args, '--latency')
  const emulator = await startEmulator(fixtureOptions({ port: port ?? 0, latencyMs: latencyMs ?? 0 }))

  const lines = [
    `Cloudflare API v4 emulator listening on ${emulator.url}`,
    '',
    `Account ID:        ${fixture.accountId}`,
    `Other account ID:  ${fixture.otherAccountId}`,
    '',
    'Zones:',
    ...Object.entries(fixture.zones).map(
      ([key, z]) => `  ${key.padEnd(18)} ${z.id}  ${z.name} (${z.plan}, account ${z.accountId})`
    ),
    '',
    'API tokens (Authorization: Bearer <value>):',
    ...Object.entries(fixture.tokens).map(([key, t]) => `  ${key.padEnd(18)} ${t.value}`),
    '',
    `Global API Key:    X-Auth-Email: ${fixture.globalKey.email}`,
    `                   X-Auth-Key:   ${fixture.globalKey.key}`,
    '',
    `Try: curl -H 'Authorization: Bearer ${fixture.tokens.user.value}' ${emulator.url}/user/tokens/verify`,
    'Press Ctrl+C to stop.'
  ]
  console.log(lines.join('\n'))

  const stop = (signal: string): void => {
    const n = emulator.requests.length
    console.log(`\n${signal}: stopping after ${n} ${n === 1 ? 'request' : 'requests'}`)
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1)
    )
  }
  process.once('SIGINT', () => stop('SIGINT'))
  process.once('SIGTERM', () => stop('SIGTERM'))
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
