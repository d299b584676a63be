import { FAULTS, runScenario } from './scenarios.js'
const s = FAULTS.find((f) => f.name.startsWith(process.argv[2]!))!
const t = Date.now()
const { run } = await runScenario(s)
console.log(
  Date.now() - t,
  run.stdout
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask'))
    .join('\n')
)
