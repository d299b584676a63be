import { describe, expect, it } from '@jest/globals'
import { ACTION_ONLY_INPUTS, FLAGS, parseCommandLine } from '../../src/cli/flags.js'
import { INPUT_NAMES } from '../../src/inputs/parser.js'

const parse = (args: string[], env: Record<string, string> = {}) => parseCommandLine(args, env)

describe('parseCommandLine', () => {
  it('turns flags into the raw inputs the action would get', () => {
    const line = parse([
      '--zone',
      'example.com',
      '--zone=f00d0000000000000000000000000002',
      '--files',
      'https://example.com/a',
      'https://example.com/b',
      '--files',
      'https://example.com/c',
      '--tags',
      'a,b',
      '--everything',
      '--dry-run=false',
      '--batch-size',
      '30',
      '--files-from',
      '-',
      '--mode',
      'invalidate',
      '--environment',
      'Staging'
    ])
    expect(line.errors).toEqual([])
    expect(line.raw).toEqual({
      zone: 'example.com\nf00d0000000000000000000000000002',
      files: 'https://example.com/a\nhttps://example.com/b\nhttps://example.com/c',
      tags: 'a,b',
      purge_everything: 'true',
      dry_run: 'false',
      batch_size: '30',
      files_from: '-',
      mode: 'invalidate',
      environment: 'Staging'
    })
  })

  it('has a flag for every input of the action but the ones that need a workflow, and no other', () => {
    const inputs = FLAGS.flatMap((f) => (f.input ? [f.input] : []))
    const actionOnly: readonly string[] = ACTION_ONLY_INPUTS
    expect([...inputs, ...actionOnly].sort()).toEqual([...INPUT_NAMES].sort())
  })

  it('reads the credential and the account from the variables wrangler and Terraform use', () => {
    const env = {
      CLOUDFLARE_API_TOKEN: 'token-from-env',
      CLOUDFLARE_EMAIL: 'admin@example.com',
      CLOUDFLARE_API_KEY: 'key-from-env',
      CLOUDFLARE_ACCOUNT_ID: 'acc00000000000000000000000000001'
    }
    const line = parse(['--tags', 't'], env)
    expect(line.raw).toMatchObject({
      api_token: 'token-from-env',
      email: 'admin@example.com',
      global_key: 'key-from-env',
      account_id: 'acc00000000000000000000000000001'
    })
    expect(line.sources.api_token).toBe('CLOUDFLARE_API_TOKEN')
    expect(line.credentialFlags).toEqual([])
  })

  it('lets a flag take the place of its variable, and lists the credential flags given', () => {
    const line = parse(['--api-token', 'from-flag', '--global-key=k'], { CLOUDFLARE_API_TOKEN: 'from-env' })
    expect(line.raw.api_token).toBe('from-flag')
    expect(line.sources.api_token).toBe('--api-token')
    expect(line.credentialFlags).toEqual(['--api-token', '--global-key'])
  })

  it('treats an empty variable as unset', () => {
    expect(parse([], { CLOUDFLARE_API_TOKEN: '' }).raw).toEqual({})
  })

  it('reads the output options', () => {
    expect(parse(['--json', '--quiet', '--no-color'])).toMatchObject({
      json: true,
      quiet: true,
      verbose: false,
      noColor: true,
      help: false,
      version: false,
      errors: []
    })
    expect(parse(['-h']).help).toBe(true)
    expect(parse(['--version']).version).toBe(true)
  })

  it('says what is wrong, every mistake at once, with the flag meant', () => {
    const line = parse([
      '--zones',
      'example.com',
      '--dry_run',
      '--purge-everything',
      '--file=https://example.com/a',
      '--timeout',
      '--json=yes',
      '-z',
      '--changed-paths',
      'public/'
    ])
    expect(line.errors).toEqual([
      'Unknown option --zones. Did you mean --zone?',
      'Unknown option --dry_run. Did you mean --dry-run?',
      'Unknown option --purge-everything. Did you mean --everything?',
      'Unknown option --file. Did you mean --files?',
      '--timeout needs a value: --timeout SECONDS.',
      '--json takes no value.',
      'Unknown option -z. Options start with --.',
      '--changed-paths is not an option: purging the files a push changed works only in the GitHub Action (changed_paths).'
    ])
  })

  it('refuses a single-value flag given twice, and --quiet with --verbose', () => {
    expect(parse(['--timeout', '5', '--timeout=6']).errors).toEqual([
      '--timeout is given more than once; give it once.'
    ])
    expect(parse(['--quiet', '--verbose']).errors).toEqual([
      '--quiet and --verbose contradict each other; give one.'
    ])
  })

  it('takes the words after a list of what to purge as more items, but not after --zone', () => {
    expect(parse(['--hosts', 'a.example', 'b.example', '--dry-run']).raw.hosts).toBe('a.example\nb.example')
    expect(parse(['--zone', 'example.com', 'https://example.com/a']).errors).toEqual([
      'Unexpected argument "https://example.com/a": to purge this URL, give it with --files.'
    ])
    expect(parse(['--timeout', '5', 'x']).errors).toHaveLength(1)
  })

  it('takes several URLs after --verify-urls, and reads each --verify-urls on its own, as --files', () => {
    const line = parse(['--verify', '--verify-urls', 'https://a.example/1', 'https://a.example/2', '--json'])
    expect(line.errors).toEqual([])
    expect(line.raw.verify_urls).toBe('https://a.example/1\nhttps://a.example/2')
    const mixed = [
      '--verify-urls',
      'https://a.example/1',
      'https://a.example/2',
      '--verify-urls',
      '["https://a.example/3"]'
    ]
    expect(parse(mixed).raw.verify_urls).toBe(
      JSON.stringify(['https://a.example/1', 'https://a.example/2', 'https://a.example/3'])
    )
  })

  it('keeps "-" as a value, and takes values that start with one dash', () => {
    expect(parse(['--files-from', '-']).raw.files_from).toBe('-')
    expect(parse(['--tags', '-x']).raw.tags).toBe('-x')
    expect(parse(['--tags', 'a', '-x']).errors).toEqual(['Unknown option -x. Options start with --.'])
    expect(parse(['--tags=-x']).raw.tags).toBe('-x')
  })

  it('takes everything after -- as arguments, not options', () => {
    expect(parse(['--', '--zone']).errors).toEqual([
      'Unexpected argument "--zone": every value follows its option, such as --zone example.com.'
    ])
  })
})
