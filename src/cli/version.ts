// The version printed by --version and sent in the User-Agent, and the documentation's address that --help
// ends with: package.json's, taken in at build time.
import manifest from '../../package.json' with { type: 'json' }

export const VERSION: string = manifest.version

/** Where the documentation is: package.json's homepage. */
export const HOMEPAGE: string = manifest.homepage
