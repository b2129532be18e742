import { describe, expect, it } from 'vitest'
import committed from '../config.schema.json' with { type: 'json' }
import { configJsonSchema, configJsonSchemaText } from './config-json-schema.ts'

describe('config.schema.json', () => {
  it('is what the generator writes (run `pnpm schema:generate` after changing the ConfigFile schema)', () => {
    expect(JSON.parse(configJsonSchemaText())).toEqual(committed)
  })

  it('describes what people write: dollars as written, strict objects, env references for secrets', () => {
    const schema = configJsonSchema()
    expect(schema.additionalProperties).toBe(false)
    expect(schema.required).toEqual(['version'])
    expect(JSON.stringify(schema)).toContain('"limitUsd"')
    expect(JSON.stringify(schema)).not.toContain('"limitMicroUsd"')
  })
})
