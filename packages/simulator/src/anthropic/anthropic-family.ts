import { describeIssue } from '../core/describe-issue.ts'
import { generate } from '../core/generate.ts'
import { nextId } from '../core/ids.ts'
import type { Endpoint, ProviderFamily } from '../server/endpoint.ts'
import { jsonReply, streamReply } from '../server/reply.ts'
import { sseContentType } from '../server/sse.ts'
import { admitAnthropic } from './anthropic-auth.ts'
import { anthropicErrors } from './anthropic-errors.ts'
import { anthropicMessage } from './anthropic-message.ts'
import { messageEventFrames } from './message-events.ts'
import { countInputTokens, toGenerationRequest } from './messages-request.ts'
import { CountTokensRequest, MessagesRequest } from './messages-schema.ts'

const messagesEndpoint: Endpoint = {
  dialect: anthropicErrors,
  hasBody: true,
  authenticate: admitAnthropic,
  prepare(json) {
    const parsed = MessagesRequest.safeParse(json)
    if (!parsed.success) return anthropicErrors.error(400, describeIssue(parsed.error).message)
    const body = parsed.data
    return {
      kind: 'prepared',
      scenarioKey: body.model,
      reply(scenario) {
        const generation = generate(toGenerationRequest(body), scenario)
        const [choice] = generation.choices
        if (choice === undefined) return anthropicErrors.error(500)
        const input = { id: nextId('msg_'), model: body.model, choice, usage: generation.usage }
        if (body.stream === true) return streamReply(sseContentType, messageEventFrames(input))
        return jsonReply(200, anthropicMessage(input))
      },
    }
  },
}

const countTokensEndpoint: Endpoint = {
  dialect: anthropicErrors,
  hasBody: true,
  authenticate: admitAnthropic,
  prepare(json) {
    const parsed = CountTokensRequest.safeParse(json)
    if (!parsed.success) return anthropicErrors.error(400, describeIssue(parsed.error).message)
    const { inputTokens } = countInputTokens(parsed.data)
    return { kind: 'prepared', scenarioKey: undefined, reply: () => jsonReply(200, { input_tokens: inputTokens }) }
  },
}

/** `/anthropic/v1/messages` (and `/count_tokens`): Anthropic's Messages API. */
export function createAnthropicFamily(): ProviderFamily {
  return {
    prefix: '/anthropic/',
    dialect: anthropicErrors,
    routes: [
      { method: 'POST', path: '/anthropic/v1/messages', endpoint: messagesEndpoint },
      { method: 'POST', path: '/anthropic/v1/messages/count_tokens', endpoint: countTokensEndpoint },
    ],
  }
}
