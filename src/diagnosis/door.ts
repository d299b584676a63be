// A front door is how a person runs the engine: the GitHub Action, or the command line. A finding carries
// facts (its catalogue id and params); its words come from the catalogue and the door that runs, which
// says how that person names an input, keeps a secret, reads debug output and finds the items not purged.

export interface Door {
  /** An input as this person names it: "`api_token`" in a workflow; "CLOUDFLARE_API_TOKEN" or "--zone" in a shell. */
  input(name: string): string
  /** An input set to a value: "`mode: purge`", "`purge_everything: true`"; "--mode purge", "--everything". */
  set(name: string, value: string): string
  /** What runs, as it speaks of itself: "the action", "cloudflare-purge". */
  self: string
  /** The same at the start of a sentence: "The action", "cloudflare-purge". */
  Self: string
  /** Where a credential is kept: "the secret", "the environment variable". */
  secret: string
  /** Said after "Set <credential input> to an API token with …,": how to give it without showing it. */
  passSecret(input: string): string
  /** The machine that runs: "runner", "machine". */
  machine: string
  /** What to do when a token's Client IP Address Filter leaves out that machine. */
  addressAdvice: string
  /** What a relative `files_from` path starts from, and where to look when it is missing. */
  filesFromBase: string
  /** Where the items not purged are listed: "the failed_items output". */
  failedItems: string
  /** How to see where an unexpected error happened. */
  debug: string
}

/** The action's words: its inputs in backquotes, secrets of the repository, the job's debug logging. */
export const ACTION_DOOR: Door = {
  input: (name) => `\`${name}\``,
  set: (name, value) => `\`${name}: ${value}\``,
  self: 'the action',
  Self: 'The action',
  secret: 'the secret',
  passSecret: (input) =>
    `passed from a secret: \`${input}: \${{ secrets.CLOUDFLARE_API_TOKEN }}\`. If the secret is set but ` +
    'arrives empty, check its name and that the workflow may read it (secrets are not passed to workflows ' +
    'triggered from forks).',
  machine: 'runner',
  addressAdvice:
    'GitHub-hosted runners change address on every run. Remove the filter, or use a self-hosted runner whose ' +
    'address the filter allows.',
  filesFromBase:
    'The path is relative to the workspace (GITHUB_WORKSPACE); check that an earlier step wrote the file and ' +
    'that the job checked out the repository.',
  failedItems: 'the failed_items output',
  debug: 'Re-run the job with debug logging enabled to see where it happened, and report it with that log.'
}
