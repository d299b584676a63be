// The version printed by --version and sent in the User-Agent: package.json's, taken in at build time.
import manifest from '../../package.json' with { type: 'json' }

export const VERSION: string = manifest.version
