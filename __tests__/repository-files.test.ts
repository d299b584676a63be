// The files a Marketplace action is expected to have, with what this project promises in them.
import { describe, expect, test } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { ROOT } from '../scripts/workflow-lint.js'

const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8')

interface FormField {
  type: string
  id?: string
  attributes: {
    label?: string
    description?: string
    value?: string
    options?: Array<{ required?: boolean }>
  }
  validations?: { required?: boolean }
}

describe('repository files', () => {
  test('LICENSE is MIT and package.json says so', () => {
    expect(read('LICENSE')).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} /)
    expect(JSON.parse(read('package.json')).license).toBe('MIT')
  })

  test('CHANGELOG.md has an Unreleased section for the next release', () => {
    expect(read('CHANGELOG.md')).toMatch(/^## \[Unreleased\]$/m)
  })

  test('Dependabot updates both npm packages and the actions used in workflows', () => {
    const config = parse(read('.github/dependabot.yml'))
    expect(config.version).toBe(2)
    const ecosystems = config.updates.map((u: { 'package-ecosystem': string }) => u['package-ecosystem'])
    expect(ecosystems.sort()).toEqual(['github-actions', 'npm'])
  })

  test('the bug report form requires the annotation text and warns against pasting secrets', () => {
    const form = parse(read('.github/ISSUE_TEMPLATE/bug_report.yml'))
    const fields: FormField[] = form.body
    const annotation = fields.find((f) => f.id === 'annotation')
    expect(annotation?.type).toBe('textarea')
    expect(annotation?.validations?.required).toBe(true)
    expect(fields[0]?.attributes.value).toMatch(/never paste a secret/i)
    const pledge = fields.find((f) => f.type === 'checkboxes')
    expect(pledge?.attributes.options?.[0]?.required).toBe(true)
    // Every field has a unique id, as GitHub's issue forms require.
    const ids = fields.filter((f) => f.type !== 'markdown').map((f) => f.id)
    expect(new Set(ids).size).toBe(ids.length)
  })
})
