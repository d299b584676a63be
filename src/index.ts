// Entry point of the action.
import { keepYoungGenerationSmall } from './v8-flags.js'
import { run } from './main.js'

keepYoungGenerationSmall()
await run()
