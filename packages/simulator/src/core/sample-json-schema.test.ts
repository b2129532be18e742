import { describe, expect, it } from 'vitest'
import { sampleJsonSchema } from './sample-json-schema.ts'

describe('sampleJsonSchema', () => {
  it('fills every required property with a value of its type, and only those', () => {
    const value = sampleJsonSchema(
      {
        type: 'object',
        properties: {
          city: { type: 'string' },
          days: { type: 'integer', minimum: 50 },
          ratio: { type: 'number', maximum: 1 },
          isMetric: { type: 'boolean' },
          unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
          tags: { type: 'array', items: { type: 'string' }, minItems: 2 },
          nested: { type: 'object', properties: { id: { type: 'string', format: 'uuid' } }, required: ['id'] },
          optional: { type: 'string' },
        },
        required: ['city', 'days', 'ratio', 'isMetric', 'unit', 'tags', 'nested'],
      },
      1,
    )
    expect(value).toMatchObject({
      city: expect.any(String),
      days: 50,
      ratio: 1,
      isMetric: true,
      unit: 'celsius',
      tags: [expect.any(String), expect.any(String)],
      nested: { id: '00000000-0000-4000-8000-000000000000' },
    })
    expect(value).not.toHaveProperty('optional')
  })

  it('follows local $refs, anyOf and nullable types, and Gemini upper-case types', () => {
    const schema = {
      type: 'object',
      $defs: { Point: { type: 'object', properties: { x: { type: 'number' } }, required: ['x'] } },
      properties: {
        at: { $ref: '#/$defs/Point' },
        label: { anyOf: [{ type: 'null' }, { type: 'string', const: 'here' }] },
        count: { type: ['null', 'integer'] },
      },
      required: ['at', 'label', 'count'],
    }
    expect(sampleJsonSchema(schema, 2)).toEqual({ at: { x: 42.5 }, label: 'here', count: 42 })
    expect(sampleJsonSchema({ type: 'OBJECT', properties: { n: { type: 'INTEGER' } }, required: ['n'] }, 3)).toEqual({
      n: 42,
    })
  })

  it('is deterministic for a seed and stops on recursive schemas', () => {
    const recursive = { type: 'object', properties: { next: { $ref: '#' } }, required: ['next'] }
    expect(JSON.stringify(sampleJsonSchema(recursive, 5))).toContain('null')
    expect(sampleJsonSchema({ type: 'string' }, 9)).toBe(sampleJsonSchema({ type: 'string' }, 9))
  })
})
