import { describe, expect, it } from 'vitest'
import { UpstreamError } from '../upstream-error.ts'
import { toGeminiSchema } from './gemini-schema.ts'

const convert = (schema: Record<string, unknown>) => toGeminiSchema(schema, 'tools[0].function.parameters')

function refusal(schema: Record<string, unknown>): UpstreamError {
  try {
    convert(schema)
  } catch (error) {
    if (error instanceof UpstreamError) return error
    throw error
  }
  throw new Error('the schema was not refused')
}

describe('toGeminiSchema', () => {
  it('keeps type, description, enum, items, properties, required, nullable and the bounds', () => {
    const schema = {
      type: 'object',
      description: 'Query',
      properties: {
        tags: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 5 },
        score: { type: 'number', minimum: 0, maximum: 1, nullable: true },
        flag: { type: 'boolean' },
      },
      required: ['tags'],
    }
    expect(convert(schema)).toEqual({
      type: 'OBJECT',
      description: 'Query',
      properties: {
        tags: { type: 'ARRAY', items: { type: 'STRING' }, minItems: 1, maxItems: 5 },
        score: { type: 'NUMBER', minimum: 0, maximum: 1, nullable: true },
        flag: { type: 'BOOLEAN' },
      },
      required: ['tags'],
    })
  })

  it('drops $schema, additionalProperties, default, examples, title and other unknown keywords', () => {
    const schema = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      $id: 'https://example.com/q',
      title: 'Q',
      type: 'object',
      additionalProperties: false,
      properties: { q: { type: 'string', default: 'x', examples: ['y'], pattern: '^a', minLength: 1 } },
    }
    expect(convert(schema)).toEqual({ type: 'OBJECT', properties: { q: { type: 'STRING' } } })
  })

  it('keeps the formats Gemini knows and drops the others', () => {
    const schema = {
      type: 'object',
      properties: {
        at: { type: 'string', format: 'date-time' },
        site: { type: 'string', format: 'uri' },
        ratio: { type: 'number', format: 'double' },
        count: { type: 'integer', format: 'int64' },
        odd: { type: 'integer', format: 'float' },
      },
    }
    expect(convert(schema).properties).toEqual({
      at: { type: 'STRING', format: 'date-time' },
      site: { type: 'STRING' },
      ratio: { type: 'NUMBER', format: 'double' },
      count: { type: 'INTEGER', format: 'int64' },
      odd: { type: 'INTEGER' },
    })
  })

  it('inlines $ref into $defs and definitions, nested, with the referring node’s description winning', () => {
    const schema = {
      type: 'object',
      properties: {
        home: { $ref: '#/$defs/Address', description: 'Home address' },
        work: { $ref: '#/definitions/Office' },
      },
      $defs: {
        Address: { type: 'object', description: 'An address', properties: { city: { $ref: '#/$defs/City' } } },
        City: { type: 'string' },
      },
      definitions: { Office: { allOf: [{ $ref: '#/$defs/Address' }], description: 'Office' } },
    }
    const address = { type: 'OBJECT', properties: { city: { type: 'STRING' } } }
    expect(convert(schema).properties).toEqual({
      home: { ...address, description: 'Home address' },
      work: { ...address, description: 'Office' },
    })
  })

  it('inlines a ref used twice side by side: only a cycle is refused', () => {
    const schema = {
      type: 'object',
      properties: { a: { $ref: '#/$defs/N' }, b: { type: 'array', items: { $ref: '#/$defs/N' } } },
      $defs: { N: { type: 'integer' } },
    }
    expect(convert(schema).properties).toEqual({
      a: { type: 'INTEGER' },
      b: { type: 'ARRAY', items: { type: 'INTEGER' } },
    })
  })

  it('refuses recursive refs, direct or through another definition', () => {
    const direct = {
      $ref: '#/$defs/Node',
      $defs: { Node: { type: 'object', properties: { next: { $ref: '#/$defs/Node' } } } },
    }
    const indirect = {
      type: 'object',
      properties: { a: { $ref: '#/$defs/A' } },
      $defs: {
        A: { type: 'array', items: { $ref: '#/$defs/B' } },
        B: { anyOf: [{ $ref: '#/$defs/A' }, { type: 'null' }] },
      },
    }
    for (const schema of [direct, indirect]) {
      const error = refusal(schema)
      expect(error.status).toBe(400)
      expect(error.errorClass).toBe('invalid_request')
      expect(error.param).toBe('tools[0].function.parameters')
      expect(error.message).toContain('recursive')
    }
  })

  it('refuses refs outside the schema or to nothing', () => {
    expect(refusal({ $ref: 'https://example.com/schema.json' }).message).toContain('not local')
    expect(refusal({ $ref: '#/$defs/Missing' }).message).toContain('points at nothing')
  })

  it('turns ["x", "null"] and anyOf [x, null] into nullable', () => {
    const schema = {
      type: 'object',
      properties: {
        a: { type: ['string', 'null'] },
        b: { anyOf: [{ type: 'integer' }, { type: 'null' }], description: 'B' },
        c: { oneOf: [{ type: 'null' }, { $ref: '#/$defs/C' }] },
      },
      $defs: { C: { type: 'boolean' } },
    }
    expect(convert(schema).properties).toEqual({
      a: { type: 'STRING', nullable: true },
      b: { type: 'INTEGER', nullable: true, description: 'B' },
      c: { type: 'BOOLEAN', nullable: true },
    })
  })

  it('keeps a real union as anyOf', () => {
    expect(convert({ type: ['string', 'integer', 'null'] })).toEqual({
      anyOf: [{ type: 'STRING' }, { type: 'INTEGER' }],
      nullable: true,
    })
    expect(convert({ anyOf: [{ type: 'string' }, { type: 'number' }] })).toEqual({
      anyOf: [{ type: 'STRING' }, { type: 'NUMBER' }],
    })
  })

  it('turns a string const into a one-value enum, and a null among enum values into nullable', () => {
    expect(convert({ const: 'fixed' })).toEqual({ type: 'STRING', format: 'enum', enum: ['fixed'] })
    expect(convert({ type: ['string', 'null'], enum: ['a', 'b', null] })).toEqual({
      type: 'STRING',
      format: 'enum',
      enum: ['a', 'b'],
      nullable: true,
    })
  })

  it('drops enums and consts Gemini cannot hold (not strings), keeping the type', () => {
    expect(convert({ type: 'integer', enum: [1, 2] })).toEqual({ type: 'INTEGER' })
    expect(convert({ type: 'number', const: 3 })).toEqual({ type: 'NUMBER' })
  })

  it('keeps only the required names that are properties', () => {
    expect(convert({ type: 'object', properties: { a: { type: 'string' } }, required: ['a', 'ghost'] })).toEqual({
      type: 'OBJECT',
      properties: { a: { type: 'STRING' } },
      required: ['a'],
    })
  })

  it('inlines a one-member allOf and refuses a real intersection', () => {
    expect(convert({ allOf: [{ type: 'string' }], description: 'S' })).toEqual({ type: 'STRING', description: 'S' })
    expect(refusal({ allOf: [{ type: 'object' }, { type: 'object' }] }).message).toContain('allOf')
  })

  it('refuses an unknown type and schemas too deep to be a tool', () => {
    expect(refusal({ type: 'date' }).message).toContain('"date"')
    let deep: Record<string, unknown> = { type: 'string' }
    for (let level = 0; level < 70; level += 1) deep = { type: 'array', items: deep }
    expect(refusal(deep).message).toContain('deeper than')
  })

  it('refuses refs that fan out into a huge schema', () => {
    const $defs: Record<string, unknown> = { L0: { type: 'string' } }
    for (let level = 1; level <= 20; level += 1) {
      $defs[`L${level}`] = {
        type: 'object',
        properties: { a: { $ref: `#/$defs/L${level - 1}` }, b: { $ref: `#/$defs/L${level - 1}` } },
      }
    }
    expect(refusal({ $ref: '#/$defs/L20', $defs }).message).toContain('larger than')
  })
})
