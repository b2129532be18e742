import { createRandom } from './hash.ts'
import { pickWord } from './vocabulary.ts'

/** Deep enough for any real tool schema; recursive `$ref`s stop here instead of looping. */
const maxDepth = 8

type SchemaObject = { readonly [key: string]: unknown }

function isSchemaObject(value: unknown): value is SchemaObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Builds a value that satisfies the required part of a JSON Schema (or the OpenAPI subset
 * Gemini uses, with upper-case types): every required property, type-appropriate values,
 * the first enum member or `const`, the first branch of `anyOf`/`oneOf`, local `$ref`s.
 */
export function sampleJsonSchema(schema: unknown, seed: number): unknown {
  return sample(schema, schema, createRandom(seed), 0)
}

function sample(schema: unknown, root: unknown, random: () => number, depth: number): unknown {
  if (!isSchemaObject(schema) || depth > maxDepth) return null
  if ('const' in schema) return schema.const
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0]
  if (typeof schema.$ref === 'string') return sample(resolveRef(schema.$ref, root), root, random, depth + 1)
  const branches = schema.anyOf ?? schema.oneOf
  if (Array.isArray(branches)) {
    const branch = branches.find((candidate) => !isNullSchema(candidate)) ?? branches[0]
    return sample(branch, root, random, depth + 1)
  }
  if (Array.isArray(schema.allOf)) return sampleAllOf(schema.allOf, root, random, depth)
  switch (typeOf(schema)) {
    case 'object':
      return sampleObject(schema, root, random, depth)
    case 'array':
      return sampleArray(schema, root, random, depth)
    case 'string':
      return sampleString(schema, random)
    case 'integer':
      return clampNumber(schema, 42, true)
    case 'number':
      return clampNumber(schema, 42.5, false)
    case 'boolean':
      return true
    case 'null':
      return null
    default:
      return pickWord(random)
  }
}

function typeOf(schema: SchemaObject): string | undefined {
  const type = Array.isArray(schema.type) ? schema.type.find((entry) => entry !== 'null') : schema.type
  if (typeof type === 'string') return type.toLowerCase()
  if (isSchemaObject(schema.properties)) return 'object'
  if (schema.items !== undefined) return 'array'
  return undefined
}

function isNullSchema(schema: unknown): boolean {
  return isSchemaObject(schema) && typeof schema.type === 'string' && schema.type.toLowerCase() === 'null'
}

function resolveRef(ref: string, root: unknown): unknown {
  if (!ref.startsWith('#')) return undefined
  let node: unknown = root
  for (const segment of ref.slice(1).split('/')) {
    if (segment === '') continue
    if (!isSchemaObject(node)) return undefined
    node = node[segment.replaceAll('~1', '/').replaceAll('~0', '~')]
  }
  return node
}

function sampleObject(schema: SchemaObject, root: unknown, random: () => number, depth: number): unknown {
  const properties = isSchemaObject(schema.properties) ? schema.properties : {}
  const required = Array.isArray(schema.required) ? schema.required : []
  const value: Record<string, unknown> = {}
  for (const name of required) {
    if (typeof name !== 'string') continue
    value[name] = sample(properties[name] ?? {}, root, random, depth + 1)
  }
  return value
}

function sampleArray(schema: SchemaObject, root: unknown, random: () => number, depth: number): unknown[] {
  const count = Math.max(1, typeof schema.minItems === 'number' ? schema.minItems : 1)
  const items: unknown[] = []
  for (let index = 0; index < count; index += 1) items.push(sample(schema.items ?? {}, root, random, depth + 1))
  return items
}

function sampleAllOf(parts: readonly unknown[], root: unknown, random: () => number, depth: number): unknown {
  const merged: Record<string, unknown> = {}
  for (const part of parts) {
    const value = sample(part, root, random, depth + 1)
    if (!isSchemaObject(value)) return value
    Object.assign(merged, value)
  }
  return merged
}

function sampleString(schema: SchemaObject, random: () => number): string {
  switch (schema.format) {
    case 'date':
      return '2024-01-01'
    case 'date-time':
      return '2024-01-01T00:00:00Z'
    case 'email':
      return 'someone@example.com'
    case 'uri':
    case 'url':
      return 'https://example.com/'
    case 'uuid':
      return '00000000-0000-4000-8000-000000000000'
    default: {
      const minLength = typeof schema.minLength === 'number' ? schema.minLength : 0
      let text = pickWord(random)
      while (text.length < minLength) text += ` ${pickWord(random)}`
      return typeof schema.maxLength === 'number' ? text.slice(0, Math.max(1, schema.maxLength)) : text
    }
  }
}

function clampNumber(schema: SchemaObject, preferred: number, isInteger: boolean): number {
  let value = preferred
  if (typeof schema.minimum === 'number' && value < schema.minimum) value = schema.minimum
  if (typeof schema.exclusiveMinimum === 'number' && value <= schema.exclusiveMinimum)
    value = schema.exclusiveMinimum + 1
  if (typeof schema.maximum === 'number' && value > schema.maximum) value = schema.maximum
  if (typeof schema.exclusiveMaximum === 'number' && value >= schema.exclusiveMaximum)
    value = schema.exclusiveMaximum - 1
  return isInteger ? Math.ceil(value) : value
}
