import { z } from 'zod'

/** The OpenAI error body every Switchyard HTTP API answers with. */
export const ErrorBody = z.object({
  error: z.object({
    message: z.string(),
    type: z.string(),
    code: z.string().nullable(),
    param: z.string().nullable(),
  }),
})
export type ErrorBody = z.infer<typeof ErrorBody>

/** Error `type` values, as OpenAI uses them. */
export const ERROR_TYPES = [
  'invalid_request_error',
  'authentication_error',
  'permission_error',
  'not_found_error',
  'rate_limit_error',
  'insufficient_quota',
  'api_error',
  'server_error',
] as const
export type ErrorType = (typeof ERROR_TYPES)[number]

export function errorBody(
  message: string,
  type: ErrorType,
  code: string | null = null,
  param: string | null = null,
): ErrorBody {
  return { error: { message, type, code, param } }
}
