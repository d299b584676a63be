// Imported before the rest of the command line: Node keeps the compiled code of the bundle in a cache on
// disk, so that a second run skips compiling it (https://nodejs.org/api/module.html#module-compile-cache).
// Node 22.1 and later; older versions go on without it.
import * as nodeModule from 'node:module'

const withCache = nodeModule as { enableCompileCache?: () => unknown }
withCache.enableCompileCache?.()
