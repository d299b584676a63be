// Checks an action.yml against GitHub's documented metadata syntax ("Metadata syntax reference" in the
// GitHub Actions docs): keys, types, runtimes and branding values. Pure: give it the YAML text.
import { parseDocument } from 'yaml'

/** `runs.using` values GitHub runs today for JavaScript actions. */
export const JAVASCRIPT_RUNTIMES = ['node20', 'node24'] as const
/** Runtimes GitHub has retired: an action using them no longer runs as written. */
const RETIRED_RUNTIMES = ['node12', 'node16']

export const BRANDING_COLORS = [
  'white',
  'black',
  'yellow',
  'blue',
  'green',
  'orange',
  'red',
  'purple',
  'gray-dark'
] as const

/** The Feather icons GitHub lists as supported for `branding.icon` (Feather v4.28.0 minus its omissions). */
export const BRANDING_ICONS = new Set(
  `activity airplay alert-circle alert-octagon alert-triangle align-center align-justify align-left align-right
  anchor aperture archive arrow-down-circle arrow-down-left arrow-down-right arrow-down arrow-left-circle
  arrow-left arrow-right-circle arrow-right arrow-up-circle arrow-up-left arrow-up-right arrow-up at-sign award
  bar-chart-2 bar-chart battery-charging battery bell-off bell bluetooth bold book-open book bookmark box
  briefcase calendar camera-off camera cast check-circle check-square check chevron-down chevron-left
  chevron-right chevron-up chevrons-down chevrons-left chevrons-right chevrons-up circle clipboard clock
  cloud-drizzle cloud-lightning cloud-off cloud-rain cloud-snow cloud code command compass copy
  corner-down-left corner-down-right corner-left-down corner-left-up corner-right-down corner-right-up
  corner-up-left corner-up-right cpu credit-card crop crosshair database delete disc dollar-sign
  download-cloud download droplet edit-2 edit-3 edit external-link eye-off eye fast-forward feather
  file-minus file-plus file-text file film filter flag folder-minus folder-plus folder gift git-branch
  git-commit git-merge git-pull-request globe grid hard-drive hash headphones heart help-circle home image
  inbox info italic layers layout life-buoy link-2 link list loader lock log-in log-out mail map-pin map
  maximize-2 maximize menu message-circle message-square mic-off mic minimize-2 minimize minus-circle
  minus-square minus monitor moon more-horizontal more-vertical move music navigation-2 navigation octagon
  package paperclip pause-circle pause percent phone-call phone-forwarded phone-incoming phone-missed
  phone-off phone-outgoing phone pie-chart play-circle play plus-circle plus-square plus pocket power
  printer radio refresh-ccw refresh-cw repeat rewind rotate-ccw rotate-cw rss save scissors search send
  server settings share-2 share shield-off shield shopping-bag shopping-cart shuffle sidebar skip-back
  skip-forward slash sliders smartphone speaker square star stop-circle sun sunrise sunset table tablet tag
  target terminal thermometer thumbs-down thumbs-up toggle-left toggle-right trash-2 trash trending-down
  trending-up triangle truck tv type umbrella underline unlock upload-cloud upload user-check user-minus
  user-plus user-x user users video-off video voicemail volume-1 volume-2 volume-x volume watch wifi-off
  wifi wind x-circle x-square x zap-off zap zoom-in zoom-out`.split(/\s+/)
)

/** `<input_id>` and `<output_id>`: a letter or `_` first, then letters, digits, `-` or `_`. */
const ID_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]*$/

export interface ActionInput {
  description?: string
  required?: boolean
  default?: string
  deprecationMessage?: string
}

export interface ActionMetadata {
  name?: string
  author?: string
  description?: string
  inputs?: Record<string, ActionInput>
  outputs?: Record<string, { description?: string; value?: string }>
  runs?: Record<string, unknown>
  branding?: { icon?: string; color?: string }
}

export interface MetadataCheck {
  metadata?: ActionMetadata
  problems: string[]
}

type Json = Record<string, unknown>

const isMap = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Parses the YAML (duplicate keys are an error, as GitHub refuses them) and checks every documented rule. */
export function checkActionMetadata(yamlText: string): MetadataCheck {
  const doc = parseDocument(yamlText, { uniqueKeys: true, prettyErrors: false })
  if (doc.errors.length > 0) return { problems: doc.errors.map((e) => `YAML: ${e.message}`) }
  const data: unknown = doc.toJS()
  const problems: string[] = []
  if (!isMap(data)) return { problems: ['the file must be a YAML mapping'] }

  unknownKeys(data, ['name', 'author', 'description', 'inputs', 'outputs', 'runs', 'branding'], '', problems)
  const runs = data.runs
  const composite = isMap(runs) && runs.using === 'composite'
  requiredString(data, 'name', '', problems)
  if (!composite) requiredString(data, 'description', '', problems)
  else optionalString(data, 'description', '', problems)
  optionalString(data, 'author', '', problems)
  checkInputs(data.inputs, problems)
  checkOutputs(data.outputs, composite, problems)
  checkRuns(runs, problems)
  checkBranding(data.branding, problems)
  return { metadata: data as ActionMetadata, problems }
}

function checkInputs(inputs: unknown, problems: string[]): void {
  if (inputs === undefined) return
  if (!isMap(inputs)) {
    problems.push('inputs: must be a mapping of input ids')
    return
  }
  checkIds(inputs, 'inputs', problems)
  for (const [id, input] of Object.entries(inputs)) {
    const path = `inputs.${id}`
    if (!isMap(input)) {
      problems.push(`${path}: must be a mapping with at least a description`)
      continue
    }
    unknownKeys(input, ['description', 'required', 'default', 'deprecationMessage'], path, problems)
    requiredString(input, 'description', path, problems)
    if (input.required !== undefined && typeof input.required !== 'boolean')
      problems.push(`${path}.required: must be true or false, not ${JSON.stringify(input.required)}`)
    optionalString(input, 'default', path, problems)
    optionalString(input, 'deprecationMessage', path, problems)
  }
}

function checkOutputs(outputs: unknown, composite: boolean, problems: string[]): void {
  if (outputs === undefined) return
  if (!isMap(outputs)) {
    problems.push('outputs: must be a mapping of output ids')
    return
  }
  checkIds(outputs, 'outputs', problems)
  for (const [id, output] of Object.entries(outputs)) {
    const path = `outputs.${id}`
    if (!isMap(output)) {
      problems.push(`${path}: must be a mapping with a description`)
      continue
    }
    unknownKeys(output, composite ? ['description', 'value'] : ['description'], path, problems)
    requiredString(output, 'description', path, problems)
    if (composite) requiredString(output, 'value', path, problems)
  }
}

function checkRuns(runs: unknown, problems: string[]): void {
  if (!isMap(runs)) {
    problems.push('runs: required, a mapping with at least `using`')
    return
  }
  const using = runs.using
  if (typeof using === 'string' && (JAVASCRIPT_RUNTIMES as readonly string[]).includes(using)) {
    unknownKeys(runs, ['using', 'main', 'pre', 'pre-if', 'post', 'post-if'], 'runs', problems)
    requiredString(runs, 'main', 'runs', problems)
    for (const key of ['pre', 'pre-if', 'post', 'post-if']) optionalString(runs, key, 'runs', problems)
  } else if (using === 'composite') {
    unknownKeys(runs, ['using', 'steps'], 'runs', problems)
    if (!Array.isArray(runs.steps) || runs.steps.length === 0)
      problems.push('runs.steps: a composite action needs a list of steps')
    else
      runs.steps.forEach((step: unknown, i: number) => {
        if (!isMap(step) || (step.run === undefined && step.uses === undefined))
          problems.push(`runs.steps[${i}]: needs \`run\` or \`uses\``)
        else if (step.run !== undefined && step.shell === undefined)
          problems.push(`runs.steps[${i}].shell: required with \`run\``)
      })
  } else if (using === 'docker') {
    const keys = ['using', 'image', 'env', 'entrypoint', 'pre-entrypoint', 'post-entrypoint', 'args']
    unknownKeys(runs, [...keys, 'pre-if', 'post-if'], 'runs', problems)
    requiredString(runs, 'image', 'runs', problems)
    if (
      runs.args !== undefined &&
      !(Array.isArray(runs.args) && runs.args.every((a) => typeof a === 'string'))
    )
      problems.push('runs.args: must be a list of strings')
  } else if (typeof using === 'string' && RETIRED_RUNTIMES.includes(using)) {
    problems.push(`runs.using: ${using} is no longer supported; use ${JAVASCRIPT_RUNTIMES.join(' or ')}`)
  } else {
    const allowed = [...JAVASCRIPT_RUNTIMES, 'composite', 'docker'].join(', ')
    problems.push(`runs.using: must be one of ${allowed}, not ${JSON.stringify(using)}`)
  }
}

function checkBranding(branding: unknown, problems: string[]): void {
  if (branding === undefined) return
  if (!isMap(branding)) {
    problems.push('branding: must be a mapping with `icon` and `color`')
    return
  }
  unknownKeys(branding, ['icon', 'color'], 'branding', problems)
  if (branding.color !== undefined && !(BRANDING_COLORS as readonly unknown[]).includes(branding.color))
    problems.push(
      `branding.color: ${JSON.stringify(branding.color)} is not one of ${BRANDING_COLORS.join(', ')}`
    )
  if (
    branding.icon !== undefined &&
    !(typeof branding.icon === 'string' && BRANDING_ICONS.has(branding.icon))
  )
    problems.push(`branding.icon: ${JSON.stringify(branding.icon)} is not a supported Feather icon`)
}

function checkIds(map: Json, path: string, problems: string[]): void {
  const seen = new Map<string, string>()
  for (const id of Object.keys(map)) {
    if (!ID_PATTERN.test(id))
      problems.push(`${path}.${id}: an id starts with a letter or _ and has only letters, digits, - or _`)
    // The runner upper-cases ids into INPUT_* variables, so ids differing only in case collide.
    const other = seen.get(id.toLowerCase())
    if (other !== undefined) problems.push(`${path}.${id}: same id as ${other} except for case`)
    seen.set(id.toLowerCase(), id)
  }
}

function unknownKeys(map: Json, allowed: string[], path: string, problems: string[]): void {
  for (const key of Object.keys(map))
    if (!allowed.includes(key)) problems.push(`${path ? `${path}.` : ''}${key}: not a metadata key here`)
}

function requiredString(map: Json, key: string, path: string, problems: string[]): void {
  const at = path ? `${path}.${key}` : key
  if (map[key] === undefined || map[key] === null) problems.push(`${at}: required`)
  else if (typeof map[key] !== 'string') problems.push(`${at}: must be a string`)
  else if ((map[key] as string).trim() === '') problems.push(`${at}: must not be empty`)
}

function optionalString(map: Json, key: string, path: string, problems: string[]): void {
  if (map[key] !== undefined && typeof map[key] !== 'string')
    problems.push(`${path ? `${path}.` : ''}${key}: must be a string (quote it in YAML)`)
}
