import { describeIssue } from '../core/describe-issue.ts'
import { generate } from '../core/generate.ts'
import { nextId } from '../core/ids.ts'
import type { Endpoint, ErrorDialect, IncomingCall } from '../server/endpoint.ts'
import type { JsonReply } from '../server/reply.ts'
import { jsonReply, streamReply } from '../server/reply.ts'
import { sseContentType } from '../server/sse.ts'
import type { ChatAnnotations } from './chat-annotations.ts'
import { chatChunkFrames } from './chat-chunks.ts'
import { chatCompletion } from './chat-completion.ts'
import { toGenerationRequest } from './chat-request.ts'
import { ChatCompletionRequest, DeploymentChatCompletionRequest } from './chat-schema.ts'

export interface ChatEndpointOptions {
  readonly dialect: ErrorDialect
  authenticate(call: IncomingCall): JsonReply | undefined
  /** The model the reply names and scenarios are keyed by (Azure: the deployment). */
  modelOf(call: IncomingCall, requestedModel: string | undefined): string
  readonly annotations?: ChatAnnotations
  /** False where the path names the model (Azure deployments). */
  readonly isModelRequired: boolean
}

/** `POST …/chat/completions` for OpenAI and every vendor that speaks its format. */
export function createChatEndpoint(options: ChatEndpointOptions): Endpoint {
  const { dialect, annotations } = options
  const schema = options.isModelRequired ? ChatCompletionRequest : DeploymentChatCompletionRequest
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
      if (body.stream !== true && body.stream_options != null) {
        const message = "The 'stream_options' parameter is only allowed when 'stream' is enabled."
        return dialect.error(400, message, 'stream_options')
      }
      const model = options.modelOf(call, body.model)
      return {
        kind: 'prepared',
        scenarioKey: model,
        reply(scenario) {
          const generation = generate(toGenerationRequest(body), scenario)
          const input = {
            id: nextId('chatcmpl-'),
            created: Math.floor(Date.now() / 1000),
            model,
            generation,
            annotations,
          }
          if (body.stream !== true) return jsonReply(200, chatCompletion(input))
          const isUsageIncluded = body.stream_options?.include_usage === true
          return streamReply(sseContentType, chatChunkFrames(input, isUsageIncluded))
        },
      }
    },
  }
}
