import { describeIssue } from '../core/describe-issue.ts'
import { generate } from '../core/generate.ts'
import type { Endpoint, ProviderFamily } from '../server/endpoint.ts'
import { jsonReply, streamReply } from '../server/reply.ts'
import type { BedrockCredentials } from '../server/simulator-options.ts'
import { createBedrockAuthenticator } from './bedrock-auth.ts'
import { bedrockErrors } from './bedrock-errors.ts'
import { toGenerationRequest } from './converse-request.ts'
import { converseResponse } from './converse-response.ts'
import { ConverseRequest } from './converse-schema.ts'
import { converseStreamFrames, eventStreamContentType } from './converse-stream.ts'

function createConverseEndpoint(credentials: BedrockCredentials | undefined): Endpoint {
  return {
    dialect: bedrockErrors,
    hasBody: true,
    authenticate: createBedrockAuthenticator(credentials),
    prepare(json, call) {
      const [modelId = '', operation = ''] = call.params
      const parsed = ConverseRequest.safeParse(json)
      if (!parsed.success) {
        const { message, param } = describeIssue(parsed.error)
        const where = param === undefined ? '' : ` at '${param}'`
        return bedrockErrors.error(
          400,
          `1 validation error detected: Value${where} failed to satisfy constraint: ${message}`,
        )
      }
      const body = parsed.data
      return {
        kind: 'prepared',
        scenarioKey: modelId,
        reply(scenario) {
          const generation = generate(toGenerationRequest(body), scenario)
          const [choice] = generation.choices
          if (choice === undefined) return bedrockErrors.error(500)
          const waitedMs = (scenario?.latencyMs ?? 0) + (scenario?.ttftMs ?? 0)
          const input = { choice, usage: generation.usage, latencyMs: Date.now() - call.startedAtMs + waitedMs }
          if (operation === 'converse') return jsonReply(200, converseResponse(input))
          return streamReply(eventStreamContentType, converseStreamFrames(input))
        },
      }
    },
  }
}

/** `/bedrock/model/{modelId}/converse` and `/converse-stream`: Bedrock Runtime, SigV4-signed. */
export function createBedrockFamily(credentials: BedrockCredentials | undefined): ProviderFamily {
  return {
    prefix: '/bedrock/',
    dialect: bedrockErrors,
    routes: [
      {
        method: 'POST',
        path: /^\/bedrock\/model\/([^/]+)\/(converse|converse-stream)$/,
        endpoint: createConverseEndpoint(credentials),
      },
    ],
  }
}
