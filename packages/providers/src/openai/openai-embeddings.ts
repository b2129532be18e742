import { type EmbeddingsRequest, EmbeddingsResponse } from '@switchyard/contracts'
import { malformedResponseError } from '../adapter-errors.ts'

/** The embeddings body: passed through, the model replaced or, where the URL names it, removed. */
export function buildOpenAIEmbeddingsBody(request: EmbeddingsRequest, model: string | null): Record<string, unknown> {
  const body: Record<string, unknown> = { ...request }
  if (model === null) delete body.model
  else body.model = model
  return body
}

export function parseOpenAIEmbeddingsResponse(body: unknown): EmbeddingsResponse {
  const parsed = EmbeddingsResponse.safeParse(body)
  if (!parsed.success) throw malformedResponseError('not an embeddings list', parsed.error)
  return parsed.data
}
