import { z } from 'zod'
import { describeIssue } from '../core/describe-issue.ts'
import { embeddingVector, vectorToBase64 } from '../core/embedding-vector.ts'
import { countTokens } from '../core/tokenizer.ts'
import type { Endpoint, ErrorDialect, IncomingCall } from '../server/endpoint.ts'
import type { JsonReply } from '../server/reply.ts'
import { jsonReply } from '../server/reply.ts'

const EmbeddingRequest = z.looseObject({
  model: z.string().min(1),
  input: z.union([
    z.string(),
    z.array(z.string()).min(1),
    z.array(z.number().int()).min(1),
    z.array(z.array(z.number().int()).min(1)).min(1),
  ]),
  encoding_format: z.enum(['float', 'base64']).optional(),
  dimensions: z.number().int().min(1).max(8192).optional(),
})
const DeploymentEmbeddingRequest = EmbeddingRequest.extend({ model: z.string().optional() })
type EmbeddingRequest = z.infer<typeof DeploymentEmbeddingRequest>

const modelDimensions: Readonly<Record<string, number>> = {
  'text-embedding-3-small': 1536,
  'text-embedding-3-large': 3072,
  'text-embedding-ada-002': 1536,
}
const defaultDimensions = 1536

export interface EmbeddingsEndpointOptions {
  readonly dialect: ErrorDialect
  authenticate(call: IncomingCall): JsonReply | undefined
  modelOf(call: IncomingCall, requestedModel: string | undefined): string
  /** False where the path names the model (Azure deployments). */
  readonly isModelRequired: boolean
}

/** `POST …/embeddings`: unit vectors derived from each input, of the model's dimension. */
export function createEmbeddingsEndpoint(options: EmbeddingsEndpointOptions): Endpoint {
  const { dialect } = options
  const schema = options.isModelRequired ? EmbeddingRequest : DeploymentEmbeddingRequest
  return {
    dialect,
    hasBody: true,
    authenticate: options.authenticate,
    prepare(json, call) {
      const parsed = schema.safeParse(json)
      if (!parsed.success) {
        const { message, param } = describeIssue(parsed.error)
        return dialect.error(400, message, param)
      }
      const body = parsed.data
      const model = options.modelOf(call, body.model)
      return { kind: 'prepared', scenarioKey: model, reply: () => jsonReply(200, embeddingResponse(body, model)) }
    },
  }
}

function embeddingResponse(body: EmbeddingRequest, model: string) {
  const inputs = normaliseInputs(body.input)
  const dimensions = body.dimensions ?? modelDimensions[model] ?? defaultDimensions
  let promptTokens = 0
  const data = inputs.map((input, index) => {
    promptTokens += typeof input === 'string' ? countTokens(input) : input.length
    const vector = embeddingVector(typeof input === 'string' ? input : input.join(' '), dimensions)
    const embedding = body.encoding_format === 'base64' ? vectorToBase64(vector) : Array.from(vector)
    return { object: 'embedding', index, embedding }
  })
  return { object: 'list', data, model, usage: { prompt_tokens: promptTokens, total_tokens: promptTokens } }
}

/** One entry per embedding: a text, or a list of token ids. */
function normaliseInputs(input: EmbeddingRequest['input']): (string | readonly number[])[] {
  if (typeof input === 'string') return [input]
  const inputs: (string | readonly number[])[] = []
  const tokenIds: number[] = []
  for (const item of input) {
    if (typeof item === 'number') tokenIds.push(item)
    else inputs.push(item)
  }
  if (tokenIds.length > 0) inputs.push(tokenIds)
  return inputs
}
