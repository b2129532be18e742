import type { UpstreamRequest } from './provider-adapter.ts'

/** The request with headers added (lower-case names), for `authenticate`. Never mutates. */
export function withHeaders(request: UpstreamRequest, headers: Readonly<Record<string, string>>): UpstreamRequest {
  return { ...request, headers: { ...request.headers, ...headers } }
}
