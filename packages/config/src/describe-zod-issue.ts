import { z } from 'zod'
import { closestName } from './closest-name.ts'

// The error map the config loader passes to zod: it turns zod's generic messages into precise,
// human ones. Schemas in @switchyard/contracts that know better (secrets, money, references)
// set their own messages, and zod prefers those over this map.

type RawIssue = z.core.$ZodRawIssue

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'a mapping (key: value)',
  array: 'a list',
  record: 'a mapping (key: value)',
  null: 'null',
}

/** Describes a YAML value briefly: `string "2"`, `number 1.5`, `a list`, `null`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null (an empty value)'
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${value}`
  if (typeof value === 'object') return 'a mapping'
  return typeof value
}

function invalidType(iss: RawIssue & { code: 'invalid_type' }): string {
  if (iss.input === undefined) return 'required'
  const expected = EXPECTED[iss.expected] ?? iss.expected
  const got = describeValue(iss.input)
  const isScalar = typeof iss.input === 'number' || typeof iss.input === 'boolean'
  if (iss.expected === 'string' && isScalar) return `expected a string, got ${got} (quote it: "${String(iss.input)}")`
  return `expected ${expected}, got ${got}`
}

function lastKey(path: readonly PropertyKey[] | undefined): string {
  const key = [...(path ?? [])].reverse().find((segment) => typeof segment === 'string')
  return typeof key === 'string' ? key : 'value'
}

function invalidValue(iss: RawIssue & { code: 'invalid_value' }): string {
  const values = iss.values.map((value) => String(value))
  if (values.length === 1) return `must be ${JSON.stringify(iss.values[0])}, not ${JSON.stringify(iss.input)}`
  return `unknown ${lastKey(iss.path)} ${JSON.stringify(iss.input)} (expected one of: ${values.join(', ')})`
}

function tooSmall(iss: RawIssue & { code: 'too_small' }): string {
  const minimum = Number(iss.minimum)
  if (iss.origin === 'array') return minimum === 1 ? 'must not be empty' : `must list at least ${minimum} items`
  if (iss.origin === 'string') return minimum === 1 ? 'must not be empty' : `must be at least ${minimum} characters`
  if (minimum === 0)
    return iss.inclusive ? `must not be negative, got ${iss.input}` : `must be greater than 0, got ${iss.input}`
  return iss.inclusive
    ? `must be at least ${minimum}, got ${iss.input}`
    : `must be greater than ${minimum}, got ${iss.input}`
}

function tooBig(iss: RawIssue & { code: 'too_big' }): string {
  const maximum = Number(iss.maximum)
  if (iss.origin === 'array') return `must list at most ${maximum} items`
  if (iss.origin === 'string') return `must be at most ${maximum} characters`
  return iss.inclusive === false
    ? `must be less than ${maximum}, got ${iss.input}`
    : `must be at most ${maximum}, got ${iss.input}`
}

const FORMATS: Record<string, string> = {
  url: 'must be a URL',
  datetime: 'must be an ISO 8601 date-time like 2026-01-31T00:00:00Z',
  date: 'must be a date like 2026-01-31',
  base64: 'must be base64',
  email: 'must be an email address',
}

function invalidFormat(iss: RawIssue & { code: 'invalid_format' }): string {
  const known = FORMATS[iss.format]
  if (known !== undefined) return known
  return `invalid value ${JSON.stringify(iss.input)}${iss.pattern === undefined ? '' : ` (must match ${iss.pattern})`}`
}

/** One line per unknown key, each with a suggestion when a known field is a likely typo. */
function unrecognizedKeys(iss: RawIssue & { code: 'unrecognized_keys' }): string {
  const known = iss.inst instanceof z.ZodObject ? Object.keys(iss.inst.shape) : []
  const noun = iss.path === undefined || iss.path.length === 0 ? 'section' : 'field'
  return iss.keys
    .map((key) => {
      const guess = closestName(key, known)
      return `unknown ${noun} ${JSON.stringify(key)}${guess === undefined ? '' : ` (did you mean "${guess}"?)`}`
    })
    .join('\n')
}

function invalidUnion(iss: RawIssue & { code: 'invalid_union' }): string {
  if (iss.input === undefined) return 'required'
  const discriminator = 'discriminator' in iss ? iss.discriminator : undefined
  const options = 'options' in iss ? iss.options : undefined
  if (discriminator !== undefined && Array.isArray(options)) {
    const input = typeof iss.input === 'object' && iss.input !== null ? iss.input : {}
    const value: unknown = Object.getOwnPropertyDescriptor(input, discriminator)?.value
    if (value === undefined) return 'required'
    return `unknown ${discriminator} ${JSON.stringify(value)} (expected one of: ${options.join(', ')})`
  }
  return `${describeValue(iss.input)} matches none of the allowed forms`
}

/** The zod error map: a precise message for each kind of issue, never zod's generic wording. */
export function describeZodIssue(iss: RawIssue): string {
  switch (iss.code) {
    case 'invalid_type':
      return invalidType(iss)
    case 'invalid_value':
      return invalidValue(iss)
    case 'too_small':
      return tooSmall(iss)
    case 'too_big':
      return tooBig(iss)
    case 'invalid_format':
      return invalidFormat(iss)
    case 'unrecognized_keys':
      return unrecognizedKeys(iss)
    case 'invalid_union':
      return invalidUnion(iss)
    case 'invalid_key':
      return iss.issues[0]?.message ?? 'invalid key'
    case 'not_multiple_of':
      return `must be a multiple of ${iss.divisor}`
    default:
      return 'is not valid here'
  }
}
