import { openAIErrors } from '../openai/openai-errors.ts'
import type { ErrorDialect } from '../server/endpoint.ts'
import { jsonReply } from '../server/reply.ts'

const messages: Readonly<Record<number, string>> = {
  401: 'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.',
  404: 'Resource not found',
  408: 'The operation was timeout.',
  413: 'The request body is too large.',
  429: 'Requests to the ChatCompletions_Create Operation under Azure OpenAI API have exceeded call rate limit of your current OpenAI S0 pricing tier. Please retry after 1 second.',
  500: 'The server had an error while processing your request. Sorry about that!',
  503: 'The service is temporarily unable to process your request. Please try again later.',
}

/**
 * Azure answers validation errors in OpenAI's shape, and everything its own front door refuses
 * (auth, missing api-version, rate limits, outages) as `{"error":{"code":"429","message"}}`.
 */
export const azureErrors: ErrorDialect = {
  error(status, message, param) {
    if (status === 400) return openAIErrors.error(status, message, param)
    return jsonReply(status, {
      error: { code: String(status), message: message ?? messages[status] ?? `Request failed with status ${status}.` },
    })
  },
}
