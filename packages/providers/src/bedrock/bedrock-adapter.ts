import { missingCredentialsError } from '../adapter-errors.ts'
import type { ProviderAdapter } from '../provider-adapter.ts'
import { toBedrockUpstreamError } from './bedrock-errors.ts'
import { parseBedrockChatResponse } from './bedrock-response.ts'
import { buildBedrockChatRequest } from './build-bedrock-request.ts'
import { decodeBedrockStream } from './decode-bedrock-stream.ts'
import { signAwsRequest } from './sign-aws-request.ts'

/**
 * Amazon Bedrock through the Converse API, signed with SigV4. `now` dates the signature (the
 * one clock an adapter reads). Embeddings are left out: Bedrock has no uniform embeddings API,
 * each model family takes its own InvokeModel body.
 */
export function createBedrockAdapter(options: { now: () => number }): ProviderAdapter<'bedrock'> {
  return {
    type: 'bedrock',
    buildChatRequest: buildBedrockChatRequest,
    parseChatResponse: parseBedrockChatResponse,
    decodeChatStream: decodeBedrockStream,
    toUpstreamError: toBedrockUpstreamError,
    authenticate(request, credentials, context) {
      if (credentials === null) throw missingCredentialsError()
      return signAwsRequest(request, {
        credentials,
        region: context.target.region,
        service: 'bedrock',
        signingDate: new Date(options.now()),
      })
    },
  }
}

export const bedrockAdapter: ProviderAdapter<'bedrock'> = createBedrockAdapter({ now: Date.now })
