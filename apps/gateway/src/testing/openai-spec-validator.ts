import { readFileSync } from 'node:fs'
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js'
import { parse } from 'yaml'

const specPath = new URL('../../../../../shared/specs/openai-openapi.yaml', import.meta.url)

/**
 * Validators for OpenAI's published response schemas (`../shared/specs/openai-openapi.yaml`,
 * OpenAPI 3.1). The spec still marks some fields with OpenAPI 3.0's `nullable: true`, which JSON
 * Schema does not know; those are rewritten to a `null` type so that a null the spec allows
 * is accepted.
 */
export function loadOpenAISpecValidators(): {
  readonly chatCompletion: ValidateFunction
  readonly chatCompletionChunk: ValidateFunction
  readonly embeddings: ValidateFunction
  readonly models: ValidateFunction
  readonly error: ValidateFunction
} {
  const spec = rewriteNullable(parse(readFileSync(specPath, 'utf8'), { maxAliasCount: -1 })) as Record<string, unknown>
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false })
  ajv.addSchema({ $id: 'openai', components: (spec as { components: unknown }).components })
  const compile = (name: string) => ajv.compile({ $ref: `openai#/components/schemas/${name}` })
  return {
    chatCompletion: compile('CreateChatCompletionResponse'),
    chatCompletionChunk: compile('CreateChatCompletionStreamResponse'),
    embeddings: compile('CreateEmbeddingResponse'),
    models: compile('ListModelsResponse'),
    error: compile('ErrorResponse'),
  }
}

function rewriteNullable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewriteNullable)
  if (typeof node !== 'object' || node === null) return node
  const entries = Object.entries(node).map(([key, value]) => [key, rewriteNullable(value)] as const)
  const object: Record<string, unknown> = Object.fromEntries(entries)
  if (object.nullable === true) {
    delete object.nullable
    return { anyOf: [object, { type: 'null' }] }
  }
  return object
}

/** Throws with ajv's messages when `value` does not match. */
export function assertMatches(validate: ValidateFunction, value: unknown, what: string): void {
  if (!validate(value)) {
    throw new Error(`${what} does not match OpenAI's schema: ${JSON.stringify(validate.errors?.slice(0, 5))}`)
  }
}
