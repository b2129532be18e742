import { describeIssue } from '../core/describe-issue.ts'
import { generate } from '../core/generate.ts'
import { nextId } from '../core/ids.ts'
import type { Endpoint, IncomingCall, ProviderFamily } from '../server/endpoint.ts'
import { headerValue, queryParam } from '../server/endpoint.ts'
import type { JsonReply } from '../server/reply.ts'
import { jsonReply, streamReply } from '../server/reply.ts'
import { geminiErrors } from './gemini-errors.ts'
import { GenerateContentRequest } from './gemini-schema.ts'
import { countInputTokens, toGenerationRequest } from './generate-content-request.ts'
import { generateContentResponse } from './generate-content-response.ts'
import { jsonArrayFrames, sseFrames, streamChunks } from './stream-generate-content.ts'

/** A key in `x-goog-api-key` or `?key=` (or an OAuth bearer token); any non-empty one will do. */
function authenticateGemini(call: IncomingCall): JsonReply | undefined {
  const headerKey = headerValue(call.headers, 'x-goog-api-key')
  if (headerKey !== undefined && headerKey !== '') return undefined
  const queryKey = queryParam(call.query, 'key')
  if (queryKey !== undefined && queryKey !== '') return undefined
  if (headerValue(call.headers, 'authorization')?.toLowerCase().startsWith('bearer ')) return undefined
  return geminiErrors.error(403)
}

const modelEndpoint: Endpoint = {
  dialect: geminiErrors,
  hasBody: true,
  authenticate: authenticateGemini,
  prepare(json, call) {
    const [model = '', method = ''] = call.params
    const parsed = GenerateContentRequest.safeParse(json)
    if (!parsed.success) return geminiErrors.error(400, describeIssue(parsed.error).message)
    const body = parsed.data
    if (method === 'countTokens') {
      const { inputTokens } = countInputTokens(body)
      return { kind: 'prepared', scenarioKey: undefined, reply: () => jsonReply(200, { totalTokens: inputTokens }) }
    }
    return {
      kind: 'prepared',
      scenarioKey: model,
      reply(scenario) {
        const input = { responseId: nextId('sim'), model, generation: generate(toGenerationRequest(body), scenario) }
        if (method === 'generateContent') return jsonReply(200, generateContentResponse(input))
        const chunks = streamChunks(input)
        if (queryParam(call.query, 'alt') === 'sse') return streamReply('text/event-stream', sseFrames(chunks))
        return streamReply('application/json; charset=UTF-8', jsonArrayFrames(chunks))
      },
    }
  },
}

/** `/gemini/v1beta/models/{model}:generateContent` (and `:streamGenerateContent`, `:countTokens`). */
export function createGeminiFamily(): ProviderFamily {
  return {
    prefix: '/gemini/',
    dialect: geminiErrors,
    routes: [
      {
        method: 'POST',
        path: /^\/gemini\/v1(?:beta)?\/models\/([^/:%]+)(?::|%3A)(generateContent|streamGenerateContent|countTokens)$/,
        endpoint: modelEndpoint,
      },
    ],
  }
}
