import { classifyUpstreamError, readJsonSafely } from '../classify-upstream-error.ts'
import type { UpstreamErrorResponse } from '../provider-adapter.ts'
import type { UpstreamError } from '../upstream-error.ts'
import { LooseErrorBody, OpenAIErrorBody } from './openai-wire.ts'

interface OpenAIErrorDetails {
  readonly message: string | null
  readonly code: string | null
  readonly param: string | null
  readonly type: string | null
  /** Azure puts the content filter's verdict here. */
  readonly innerCode: string | null
}

const CONTEXT_LENGTH_CODES = new Set(['context_length_exceeded'])
/** Older OpenAI messages and vLLM say it in words only. */
const CONTEXT_LENGTH_MESSAGE = /maximum context length|context[_ ]length[_ ]exceeded|exceeds the context window/i
/** `content_filter`: Azure's safety system; `content_policy_violation`: OpenAI's. */
const CONTENT_POLICY_CODES = new Set(['content_filter', 'content_policy_violation', 'ResponsibleAIPolicyViolation'])
const CLIENT_FAULT_STATUSES = new Set([400, 413, 422])

function messageText(message: unknown): string | null {
  if (typeof message === 'string') return message
  if (message === null || message === undefined) return null
  return JSON.stringify(message) // e.g. a validation error list
}

/** Reads an OpenAI-dialect error body; anything unreadable (HTML, empty) gives nulls. */
export function readOpenAIError(bodyText: string): OpenAIErrorDetails {
  const json = readJsonSafely(bodyText)
  const standard = OpenAIErrorBody.safeParse(json)
  if (standard.success) {
    const { error } = standard.data
    const code = error.code === null || error.code === undefined ? null : String(error.code)
    const innerCode = error.innererror?.code ?? null
    return {
      message: messageText(error.message),
      code,
      param: error.param ?? null,
      type: error.type ?? null,
      innerCode,
    }
  }
  const none = { message: null, code: null, param: null, type: null, innerCode: null }
  const loose = LooseErrorBody.safeParse(json)
  if (!loose.success) return none
  const { error, message, detail, type } = loose.data
  return { ...none, message: error ?? messageText(message) ?? messageText(detail), type: type ?? null }
}

/** An OpenAI-dialect error answer → our error. */
export function openAIUpstreamError(response: UpstreamErrorResponse, now?: () => number): UpstreamError {
  const details = readOpenAIError(response.bodyText)
  const isClientFault = CLIENT_FAULT_STATUSES.has(response.status)
  const isContextLength =
    isClientFault &&
    (CONTEXT_LENGTH_CODES.has(details.code ?? '') || CONTEXT_LENGTH_MESSAGE.test(details.message ?? ''))
  const isContentPolicy =
    response.status < 500 &&
    (CONTENT_POLICY_CODES.has(details.code ?? '') || CONTENT_POLICY_CODES.has(details.innerCode ?? ''))
  const code = /^\d+$/.test(details.code ?? '') ? null : details.code // vLLM repeats the status as `code`
  return classifyUpstreamError(
    { response, message: details.message, code, param: details.param, isContextLength, isContentPolicy },
    now,
  )
}

const STATUS_BY_ERROR_TYPE: Readonly<Record<string, number>> = {
  invalid_request_error: 400,
  rate_limit_error: 429,
  rate_limit_exceeded: 429,
  tokens: 429,
  requests: 429,
  server_error: 500,
  overloaded_error: 503,
}

/** An `{"error": …}` event inside a 200 stream: the status is inferred from the error's type or code. */
export function openAIStreamError(data: string, now?: () => number): UpstreamError {
  const details = readOpenAIError(data)
  const numeric = Number(details.code)
  const status = Number.isInteger(numeric) && numeric >= 400 && numeric < 600 ? numeric : undefined
  const byType = STATUS_BY_ERROR_TYPE[details.type ?? ''] ?? STATUS_BY_ERROR_TYPE[details.code ?? '']
  return openAIUpstreamError({ status: status ?? byType ?? 500, headers: {}, bodyText: data }, now)
}
