import { classifyUpstreamError, readJsonSafely } from '../classify-upstream-error.ts'
import type { UpstreamErrorResponse } from '../provider-adapter.ts'
import { UpstreamError } from '../upstream-error.ts'
import { GeminiErrorBody } from './gemini-wire.ts'

/** Gemini refused the prompt itself (`promptFeedback.blockReason`): nothing was generated. */
export function geminiPromptBlocked(blockReason: string): UpstreamError {
  return new UpstreamError({
    errorClass: 'content_policy',
    status: 400,
    upstreamStatus: 200,
    message: `Gemini blocked the prompt (${blockReason}).`,
    type: 'invalid_request_error',
    code: 'content_policy_violation',
  })
}

/** The HTTP status each gRPC status name stands for, where Gemini's HTTP status may say less. */
const STATUS_BY_NAME: Readonly<Record<string, number>> = {
  RESOURCE_EXHAUSTED: 429,
  UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 408,
  INTERNAL: 500,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  INVALID_ARGUMENT: 400,
  FAILED_PRECONDITION: 400,
}

/** `ErrorInfo.reason`s that mean our API key was refused, though Gemini answers them with a 400. */
const KEY_REFUSED_REASONS = new Set(['API_KEY_INVALID', 'API_KEY_EXPIRED', 'API_KEY_SERVICE_BLOCKED'])

const CONTEXT_LENGTH =
  /exceeds the maximum number of tokens|input token count.*exceeds|too many tokens|context (length|window)/i

/**
 * A non-2xx Gemini answer (`{error: {code, message, status, details}}`, in an array from some
 * endpoints) → our error, through the shared classifier. The gRPC status name decides over the
 * HTTP status; `RetryInfo.retryDelay` in the details is the delay when there is one.
 */
export function toGeminiUpstreamError(response: UpstreamErrorResponse, now?: () => number): UpstreamError {
  const error = readErrorBody(response.bodyText)
  const isKeyRefused = (error?.details ?? []).some(
    (detail) =>
      typeof detail === 'object' && detail !== null && KEY_REFUSED_REASONS.has(String(Reflect.get(detail, 'reason'))),
  )
  const status = isKeyRefused ? 401 : (STATUS_BY_NAME[error?.status ?? ''] ?? response.status)
  const delayMs = retryDelayMs(error?.details)
  const headers = delayMs === null ? response.headers : { ...response.headers, 'retry-after-ms': String(delayMs) }
  const message = error?.message ?? null
  const classified = classifyUpstreamError(
    {
      response: { ...response, status, headers },
      message,
      code: null,
      param: null,
      isContextLength: status === 400 && CONTEXT_LENGTH.test(message ?? ''),
      isContentPolicy: false,
    },
    now,
  )
  return status === response.status ? classified : withUpstreamStatus(classified, response.status)
}

/** An `{error}` event inside a 200 stream: its `code` is the status. */
export function geminiStreamError(data: string, now?: () => number): UpstreamError {
  const code = readErrorBody(data)?.code
  return toGeminiUpstreamError({ status: code ?? 500, headers: {}, bodyText: data }, now)
}

/** Whether a stream event is an error rather than a response. */
export function isGeminiErrorEvent(json: unknown): boolean {
  return GeminiErrorBody.safeParse(json).success
}

function withUpstreamStatus(error: UpstreamError, upstreamStatus: number): UpstreamError {
  const { errorClass, status, message, type, code, param, retryAfterMs } = error
  return new UpstreamError({ errorClass, status, upstreamStatus, message, type, code, param, retryAfterMs })
}

function readErrorBody(text: string): GeminiErrorBody['error'] | undefined {
  const json = readJsonSafely(text)
  const parsed = GeminiErrorBody.safeParse(Array.isArray(json) ? json[0] : json)
  return parsed.success ? parsed.data.error : undefined
}

/** `google.rpc.RetryInfo.retryDelay` is a protobuf Duration in JSON: `"37s"`, `"0.5s"`. */
function retryDelayMs(details: readonly unknown[] | undefined): number | null {
  for (const detail of details ?? []) {
    if (typeof detail !== 'object' || detail === null) continue
    const delay: unknown = Reflect.get(detail, 'retryDelay')
    const seconds = typeof delay === 'string' ? /^(\d+(?:\.\d+)?)s$/.exec(delay)?.[1] : undefined
    if (seconds !== undefined) return Math.ceil(Number(seconds) * 1000)
  }
  return null
}
