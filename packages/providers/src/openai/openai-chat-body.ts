import type { ChatCompletionRequest } from '@switchyard/contracts'

/**
 * How one OpenAI-compatible server departs from OpenAI's request format, as data: the generic
 * body builder applies it and never asks which vendor it talks to.
 */
export interface OpenAIDialectQuirks {
  /** Top-level fields the server rejects: removed. Dropping `stream_options` means no forced usage. */
  readonly dropFields?: readonly string[]
  /** Fields the server knows by another name, e.g. `{ max_completion_tokens: 'max_tokens' }`. */
  readonly renameFields?: Readonly<Record<string, string>>
}

export const NO_QUIRKS: OpenAIDialectQuirks = {}

/**
 * The canonical request as an OpenAI-dialect body: passed through with unknown fields kept, the
 * model replaced (or removed where the URL names it, as Azure's deployments do), and for streams
 * `stream_options.include_usage` forced on so that usage is always known; whether the client sees
 * the usage chunk is the gateway's call.
 */
export function buildOpenAIChatBody(
  request: ChatCompletionRequest,
  model: string | null,
  quirks: OpenAIDialectQuirks = NO_QUIRKS,
): Record<string, unknown> {
  const body: Record<string, unknown> = { ...request }
  if (model === null) delete body.model
  else body.model = model
  const dropFields = quirks.dropFields ?? []
  if (request.stream === true && !dropFields.includes('stream_options')) {
    body.stream_options = { ...request.stream_options, include_usage: true }
  }
  for (const [from, to] of Object.entries(quirks.renameFields ?? {})) {
    if (!(from in body)) continue
    if (body[to] === undefined || body[to] === null) body[to] = body[from]
    delete body[from]
  }
  for (const field of dropFields) delete body[field]
  return body
}

/** The JSON request every OpenAI-dialect adapter sends; credentials come later, in `authenticate`. */
export function openAIJsonRequest(url: string, body: Record<string, unknown>) {
  return {
    method: 'POST' as const,
    url,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  }
}
