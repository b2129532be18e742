import { invalidRequestError } from '../adapter-errors.ts'

/** The OpenAPI 3.0 subset Gemini accepts for function parameters and response schemas. */
export interface GeminiSchema {
  type?: GeminiType
  format?: string
  description?: string
  nullable?: boolean
  enum?: string[]
  items?: GeminiSchema
  properties?: Record<string, GeminiSchema>
  required?: string[]
  minItems?: number
  maxItems?: number
  minimum?: number
  maximum?: number
  anyOf?: GeminiSchema[]
}

type GeminiType = 'STRING' | 'NUMBER' | 'INTEGER' | 'BOOLEAN' | 'ARRAY' | 'OBJECT'

const TYPES: Readonly<Record<string, GeminiType>> = {
  string: 'STRING',
  number: 'NUMBER',
  integer: 'INTEGER',
  boolean: 'BOOLEAN',
  array: 'ARRAY',
  object: 'OBJECT',
}

/** The `format`s Gemini knows, per type; any other is dropped rather than refused upstream. */
const FORMATS: Readonly<Partial<Record<GeminiType, readonly string[]>>> = {
  STRING: ['enum', 'date-time'],
  NUMBER: ['float', 'double'],
  INTEGER: ['int32', 'int64'],
}

const NUMBER_KEYWORDS = ['minItems', 'maxItems', 'minimum', 'maximum'] as const

/** Deeper or bigger than this is a hostile or broken schema (refs can fan out), not a tool definition. */
const MAX_DEPTH = 64
const MAX_NODES = 10_000

type JsonObject = Record<string, unknown>

/** A JSON Pointer segment in a URI fragment: percent-decoded, then `~1` → `/` and `~0` → `~`. */
function decodePointerSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment).replaceAll('~1', '/').replaceAll('~0', '~')
  } catch {
    return undefined
  }
}

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * JSON Schema (as OpenAI tools and `response_format` carry it) → Gemini's schema. `$ref`s into
 * `$defs`/`definitions` are inlined (a cycle cannot be, so it is refused); `["x","null"]` and
 * `anyOf [x, null]` become `nullable`; `const` becomes a one-value `enum`; keywords Gemini does
 * not know (`$schema`, `additionalProperties`, `default`, `examples`, unknown `format`s…) are
 * dropped. `param` names the request field in the error a refused schema gives.
 */
export function toGeminiSchema(schema: JsonObject, param: string): GeminiSchema {
  return new SchemaConverter(schema, param).convert(schema, [], 0)
}

class SchemaConverter {
  readonly #root: JsonObject
  readonly #param: string
  #nodeCount = 0

  constructor(root: JsonObject, param: string) {
    this.#root = root
    this.#param = param
  }

  convert(node: JsonObject, refStack: readonly string[], depth: number): GeminiSchema {
    this.#nodeCount += 1
    if (depth > MAX_DEPTH || this.#nodeCount > MAX_NODES) {
      throw invalidRequestError(
        `schema is deeper than ${MAX_DEPTH} levels or larger than ${MAX_NODES} nodes`,
        this.#param,
      )
    }
    const resolved = this.#resolve(node, refStack)
    const result = this.#convertTyped(resolved.node, resolved.refStack, depth)
    const { description } = resolved.node
    if (typeof description === 'string') result.description = description
    return result
  }

  /** Follows `$ref`s (and a one-element `allOf`, pydantic's way to describe a ref) to a plain node. */
  #resolve(node: JsonObject, refStack: readonly string[]): { node: JsonObject; refStack: readonly string[] } {
    let current = node
    let stack = refStack
    for (;;) {
      const ref = current.$ref
      if (typeof ref === 'string') {
        if (stack.includes(ref)) {
          throw invalidRequestError(
            `schema is recursive through ${ref}; Gemini cannot express recursive schemas`,
            this.#param,
          )
        }
        const { $ref: _ref, ...siblings } = current
        current = { ...this.#lookUp(ref), ...siblings }
        stack = [...stack, ref]
        continue
      }
      const allOf = current.allOf
      if (Array.isArray(allOf) && allOf.length <= 1 && (allOf[0] === undefined || isObject(allOf[0]))) {
        const { allOf: _allOf, ...siblings } = current
        current = { ...(allOf[0] ?? {}), ...siblings }
        continue
      }
      return { node: current, refStack: stack }
    }
  }

  #lookUp(ref: string): JsonObject {
    if (!ref.startsWith('#/')) throw invalidRequestError(`schema $ref ${ref} is not local to the schema`, this.#param)
    let target: unknown = this.#root
    for (const segment of ref.slice(2).split('/')) {
      const key = decodePointerSegment(segment)
      target = isObject(target) && key !== undefined ? target[key] : undefined
    }
    if (!isObject(target)) throw invalidRequestError(`schema $ref ${ref} points at nothing`, this.#param)
    return target
  }

  #convertTyped(node: JsonObject, refStack: readonly string[], depth: number): GeminiSchema {
    if (Array.isArray(node.allOf)) {
      throw invalidRequestError('schema uses allOf with several members, which Gemini cannot express', this.#param)
    }
    const union = node.anyOf ?? node.oneOf
    if (Array.isArray(union)) return this.#convertUnion(union, refStack, depth)

    const { type, isNullable } = this.#readType(node.type)
    if (Array.isArray(type)) {
      const branches = type.map((name) => this.#convertTyped({ ...node, type: name }, refStack, depth))
      return isNullable ? { anyOf: branches, nullable: true } : { anyOf: branches }
    }
    const result: GeminiSchema = {}
    const geminiType = type ?? (typeof node.const === 'string' ? 'STRING' : undefined)
    if (geminiType !== undefined) result.type = geminiType
    if (isNullable || node.nullable === true) result.nullable = true
    this.#copyFormatAndEnum(node, result)
    for (const keyword of NUMBER_KEYWORDS) {
      const value = node[keyword]
      if (typeof value === 'number') result[keyword] = value
    }
    if (isObject(node.items)) result.items = this.convert(node.items, refStack, depth + 1)
    else if (Array.isArray(node.items) && node.items.every(isObject)) {
      result.items = { anyOf: node.items.map((item) => this.convert(item, refStack, depth + 1)) }
    }
    if (isObject(node.properties)) {
      const properties: Record<string, GeminiSchema> = {}
      for (const [name, property] of Object.entries(node.properties)) {
        if (isObject(property)) properties[name] = this.convert(property, refStack, depth + 1)
      }
      result.properties = properties
      // Gemini refuses a required name that is not among the properties.
      const required = Array.isArray(node.required) ? node.required.filter((name) => typeof name === 'string') : []
      const known = required.filter((name) => Object.hasOwn(properties, name))
      if (known.length > 0) result.required = known
    }
    return result
  }

  /** `anyOf`/`oneOf`: a `{type: null}` member becomes `nullable`; one member left is inlined. */
  #convertUnion(union: unknown[], refStack: readonly string[], depth: number): GeminiSchema {
    const members = union.filter(isObject).map((member) => this.#resolve(member, refStack))
    const isNull = (member: { node: JsonObject }) => member.node.type === 'null'
    const nonNull = members.filter((member) => !isNull(member))
    const isNullable = nonNull.length < members.length
    const branches = nonNull.map((member) => this.convert(member.node, member.refStack, depth + 1))
    const [only] = branches
    if (branches.length === 1 && only !== undefined) return isNullable ? { ...only, nullable: true } : only
    return isNullable ? { anyOf: branches, nullable: true } : { anyOf: branches }
  }

  #readType(type: unknown): { type: GeminiType | string[] | undefined; isNullable: boolean } {
    if (type === undefined) return { type: undefined, isNullable: false }
    const names = (Array.isArray(type) ? type : [type]).filter((name) => typeof name === 'string')
    const nonNull = names.filter((name) => name !== 'null')
    const isNullable = nonNull.length < names.length
    for (const name of nonNull) {
      if (TYPES[name] === undefined)
        throw invalidRequestError(`schema type ${JSON.stringify(name)} is unknown`, this.#param)
    }
    const [only] = nonNull
    if (nonNull.length > 1) return { type: nonNull, isNullable }
    return { type: only === undefined ? undefined : TYPES[only], isNullable }
  }

  #copyFormatAndEnum(node: JsonObject, result: GeminiSchema): void {
    const { format } = node
    if (typeof format === 'string' && result.type !== undefined && FORMATS[result.type]?.includes(format)) {
      result.format = format
    }
    // Gemini's enum lists strings only; a non-string const or enum keeps just its type. A null
    // among the values is what `nullable` says.
    const values = typeof node.const === 'string' ? [node.const] : node.enum
    if (!Array.isArray(values)) return
    const strings = values.filter((value) => value !== null)
    if (strings.length > 0 && strings.every((value) => typeof value === 'string')) {
      result.type = 'STRING'
      result.format = 'enum'
      result.enum = strings
      if (strings.length < values.length) result.nullable = true
    }
  }
}
