import { classifyUpstreamError, readJsonSafely } from '../classify-upstream-error.ts'
import type { UpstreamErrorResponse } from '../provider-adapter.ts'
import { headerValue } from '../retry-after.ts'
import { UpstreamError } from '../upstream-error.ts'

/**
 * The HTTP status each Bedrock error name stands for (names compared without case: the
 * `x-amzn-errortype` header says `ThrottlingException`, a stream's `:exception-type` says
 * `throttlingException`). The name decides over the HTTP status, which a proxy may have blurred.
 */
const STATUS_BY_NAME: Readonly<Record<string, number>> = {
  throttlingexception: 429,
  servicequotaexceededexception: 429,
  serviceunavailableexception: 503,
  modelnotreadyexception: 503,
  modeltimeoutexception: 408,
  accessdeniedexception: 403,
  unrecognizedclientexception: 403,
  invalidsignatureexception: 403,
  expiredtokenexception: 403,
  resourcenotfoundexception: 404,
  validationexception: 400,
  internalserverexception: 500,
  modelstreamerrorexception: 500,
  // The model itself failed (HTTP 424): not the client's fault.
  modelerrorexception: 500,
}

const CONTEXT_LENGTH = /too long|input length|context (limit|window|length)|too many (input )?tokens/i

/** A named Bedrock error → ours, through the shared classifier; for HTTP answers and stream exceptions alike. */
function bedrockError(name: string | undefined, response: UpstreamErrorResponse, now?: () => number): UpstreamError {
  const status = (name === undefined ? undefined : STATUS_BY_NAME[name.toLowerCase()]) ?? response.status
  const message = messageOf(response.bodyText)
  const classified = classifyUpstreamError(
    {
      response: { ...response, status },
      message,
      code: null,
      param: null,
      isContextLength: status === 400 && CONTEXT_LENGTH.test(message ?? ''),
      isContentPolicy: false,
    },
    now,
  )
  if (status === response.status) return classified
  const { errorClass, message: shown, type, code, param, retryAfterMs } = classified
  return new UpstreamError({
    errorClass,
    status: classified.status,
    upstreamStatus: response.status,
    message: shown,
    type,
    code,
    param,
    retryAfterMs,
  })
}

/** A non-2xx Bedrock answer: JSON `{message}`, the error name in `x-amzn-errortype`. */
export function toBedrockUpstreamError(response: UpstreamErrorResponse, now?: () => number): UpstreamError {
  // "ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/"
  const name = headerValue(response.headers, 'x-amzn-errortype')?.split(':')[0]?.trim()
  return bedrockError(name === '' ? undefined : name, response, now)
}

/** An exception frame inside a 200 stream: `:exception-type` names it, the payload is `{message}`. */
export function bedrockStreamException(name: string | undefined, bodyText: string): UpstreamError {
  const status = (name === undefined ? undefined : STATUS_BY_NAME[name.toLowerCase()]) ?? 500
  return bedrockError(name, { status, headers: {}, bodyText })
}

function messageOf(bodyText: string): string | null {
  const json = readJsonSafely(bodyText)
  if (typeof json !== 'object' || json === null) return null
  const message: unknown = 'message' in json ? json.message : 'Message' in json ? json.Message : undefined
  return typeof message === 'string' ? message : null
}
