// npm run demo: starts the local Cloudflare emulator and runs the bundled action against it,
// printing what a workflow run would show. No network, no secrets: the credentials are fake.
import { fixture, fixtureOptions } from '../emulator/fixtures.js'
import { startEmulator } from '../emulator/index.js'
import { runAction } from '../e2e/run-action.js'

const scenarios: Array<{ title: string; inputs: Record<string, string> }> = [
  {
    title: 'Purge two URLs and a tag after a deploy, zone given by a subdomain name',
    inputs: {
      zone: 'www.example.com',
      api_token: fixture.tokens.user.value,
      files: 'https://www.example.com/index.html\nhttps://www.example.com/app.css',
      tags: 'release-42'
    }
  },
  {
    title: 'A classic mistake: the Global API Key pasted as api_token (no request is sent)',
    inputs: { zone: 'example.com', api_token: fixture.globalKey.key, files: 'https://example.com/' }
  },
  {
    title: 'A token without Cache Purge permission',
    inputs: {
      zone: fixture.zones.free.id,
      api_token: fixture.tokens.noPurge.value,
      files: 'https://example.com/'
    }
  }
]

const emulator = await startEmulator(fixtureOptions({ latencyMs: 20 }))
console.log(`Cloudflare API emulator on ${emulator.url}\n`)
try {
  for (const [i, { title, inputs }] of scenarios.entries()) {
    console.log(`━━━ ${i + 1}. ${title}`)
    const run = await runAction({ ...inputs, api_url: emulator.url })
    const shown = run.stdout
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('::add-mask::'))
      .join('\n')
    console.log(shown)
    console.log(`\nexit code: ${run.exitCode}`)
    console.log(`outputs: ${JSON.stringify(run.outputs)}`)
    if (run.summary) console.log(`job summary (HTML):\n${run.summary.trim()}`)
    console.log(
      `requests the emulator received: ${emulator.requests.map((r) => `${r.method} ${r.path} → ${r.status}`).join(', ') || 'none'}\n`
    )
    emulator.reset()
  }
} finally {
  await emulator.close()
}
