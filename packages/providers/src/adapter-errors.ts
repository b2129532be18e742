import { UpstreamError } from './upstream-error.ts'

/** The canonical request asks for something this provider cannot express. Never sent upstream. */
export function invalidRequestError(message: string, param: string | null = null): UpstreamError {
  return new UpstreamError({
    errorClass: 'invalid_request',
    status: 400,
    upstreamStatus: null,
    type: 'invalid_request_error',
    code: 'invalid_value',
    param,
    message,
  })
}

/** A 2xx answer whose body is not what the vendor documents. */
export function malformedResponseError(detail: string, cause?: unknown): UpstreamError {
  return new UpstreamError({
    errorClass: 'server_error',
    status: 502,
    upstreamStatus: null,
    type: 'server_error',
    code: 'upstream_malformed_response',
    message: `The provider sent a malformed response: ${detail}`,
    cause,
  })
}

/** The stream closed before the vendor's end-of-answer event. */
export function streamEndedEarlyError(): UpstreamError {
  return new UpstreamError({
    errorClass: 'connection_error',
    status: 502,
    upstreamStatus: null,
    type: 'server_error',
    code: 'upstream_stream_truncated',
    message: 'The provider closed the stream before the answer was complete.',
  })
}

/** The deployment has no credentials although its provider type needs them. */
export function missingCredentialsError(): UpstreamError {
  return new UpstreamError({
    errorClass: 'authentication',
    status: 502,
    upstreamStatus: null,
    type: 'api_error',
    code: 'upstream_credentials_missing',
    message: 'The gateway has no credentials for this deployment. The gateway administrator needs to configure them.',
  })
}
