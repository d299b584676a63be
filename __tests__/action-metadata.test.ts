// action.yml follows GitHub's metadata syntax and this project's conventions; the checker catches mistakes.
import { describe, expect, test } from '@jest/globals'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { checkActionMetadata } from '../scripts/action-metadata.js'
import { ROOT } from '../scripts/workflow-lint.js'
import { INPUT_NAMES } from '../src/inputs/parser.js'

const actionYml = readFileSync(join(ROOT, 'action.yml'), 'utf8')
const { metadata, problems } = checkActionMetadata(actionYml)

describe('action.yml', () => {
  test('follows the documented metadata syntax', () => {
    expect(problems).toEqual([])
  })

  test('runs the committed bundle on Node 24 and is branded for the Marketplace', () => {
    expect(metadata?.runs?.using).toBe('node24')
    expect(existsSync(join(ROOT, metadata?.runs?.main as string))).toBe(true)
    expect(metadata?.branding?.icon).toBeTruthy()
    expect(metadata?.branding?.color).toBeTruthy()
  })

  test('declares exactly the inputs the code reads', () => {
    expect(Object.keys(metadata?.inputs ?? {}).sort()).toEqual([...INPUT_NAMES].sort())
  })

  test.each(Object.entries(metadata?.inputs ?? {}))('input %s says its default', (_name, input) => {
    const expected = input.default ? input.default : 'empty'
    expect(input.description).toMatch(new RegExp(`Default: ${escapeRegExp(expected)}(?!\\w)`))
    // Everything is checked by the action itself, with a clearer message than the runner's.
    expect(input.required).not.toBe(true)
  })
})

describe('checkActionMetadata', () => {
  const valid = [
    'name: Example',
    'description: Does things',
    'inputs:',
    '  zone:',
    '    description: The zone',
    "    default: ''",
    'outputs:',
    '  purge_ids:',
    '    description: IDs',
    'runs:',
    '  using: node24',
    '  main: dist/index.js',
    'branding:',
    '  icon: refresh-cw',
    '  color: orange'
  ].join('\n')

  test('accepts a valid JavaScript action', () => {
    expect(checkActionMetadata(valid).problems).toEqual([])
  })

  test.each([
    ['missing name', valid.replace('name: Example\n', ''), 'name: required'],
    ['missing description', valid.replace('description: Does things\n', ''), 'description: required'],
    ['unknown top-level key', `${valid}\nversion: 1`, 'version: not a metadata key here'],
    [
      'input without description',
      valid.replace('    description: The zone\n', ''),
      'inputs.zone.description'
    ],
    [
      'input with a typo',
      valid.replace('    default', '    defualt'),
      'inputs.zone.defualt: not a metadata key'
    ],
    [
      'unquoted number default',
      valid.replace("default: ''", 'default: 300'),
      'inputs.zone.default: must be a string'
    ],
    ['required as a string', valid.replace("default: ''", "required: 'yes'"), 'inputs.zone.required'],
    ['bad input id', valid.replace('  zone:', '  2zone:'), 'inputs.2zone: an id starts with'],
    [
      'ids that differ by case',
      valid.replace("    default: ''", "    default: ''\n  ZONE:\n    description: x"),
      'same id as zone'
    ],
    [
      'output without description',
      valid.replace('    description: IDs\n', '    value: x\n'),
      'outputs.purge_ids'
    ],
    ['retired runtime', valid.replace('node24', 'node16'), 'node16 is no longer supported'],
    ['unknown runtime', valid.replace('node24', 'node25'), 'runs.using: must be one of'],
    ['JavaScript action without main', valid.replace('  main: dist/index.js\n', ''), 'runs.main: required'],
    ['unsupported icon', valid.replace('refresh-cw', 'hexagon'), 'branding.icon'],
    ['unsupported color', valid.replace('orange', 'pink'), 'branding.color'],
    ['duplicate key', valid.replace("    default: ''", "    default: ''\n    default: 'x'"), 'YAML'],
    ['not a mapping', '- a\n- b', 'must be a YAML mapping']
  ])('reports %s', (_case, yaml, expected) => {
    const found = checkActionMetadata(yaml).problems
    expect(found).toEqual(expect.arrayContaining([expect.stringContaining(expected)]))
  })

  test('knows composite and Docker actions', () => {
    const composite = [
      'name: C',
      'outputs:',
      '  n:',
      '    description: N',
      '    value: ${{ steps.s.outputs.n }}',
      'runs:',
      '  using: composite',
      '  steps:',
      '    - id: s',
      '      run: echo n=1 >> "$GITHUB_OUTPUT"',
      '      shell: bash'
    ].join('\n')
    expect(checkActionMetadata(composite).problems).toEqual([])
    const withoutShell = composite.split('\n').slice(0, -1).join('\n')
    expect(checkActionMetadata(withoutShell).problems).toEqual(['runs.steps[0].shell: required with `run`'])
    const docker = 'name: D\ndescription: d\nruns:\n  using: docker\n  image: Dockerfile\n  args: [a, b]'
    expect(checkActionMetadata(docker).problems).toEqual([])
    expect(checkActionMetadata(docker.replace('image: Dockerfile', 'main: x.js')).problems).toEqual(
      expect.arrayContaining(['runs.main: not a metadata key here', 'runs.image: required'])
    )
  })
})

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
}
