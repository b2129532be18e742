import type { ChatCompletionRequest, ProviderType } from '@switchyard/contracts'
import {
  type CallContext,
  type ChatResult,
  type ChatStreamEvent,
  type ProviderAdapter,
  type ProviderAdapterRegistry,
  UpstreamError,
} from '@switchyard/providers'
import type { RuntimeDeployment, RuntimeModel } from '../policy/runtime-policy.ts'
import type { UpstreamClient, UpstreamResponse } from './upstream-client.ts'

export interface InvokeDeps {
  readonly adapters: ProviderAdapterRegistry
  readonly upstream: UpstreamClient
  readonly now: () => number
}

export interface Attempt {
  readonly model: RuntimeModel
  readonly deployment: RuntimeDeployment
  readonly requestId: string
  readonly signal: AbortSignal
}

/** The registry is a mapped type; at a call site the provider type is only known at run time. */
export function adapterFor(adapters: ProviderAdapterRegistry, type: ProviderType): ProviderAdapter {
  return adapters[type] as unknown as ProviderAdapter
}

function callContext(attempt: Attempt): CallContext {
  return {
    target: attempt.deployment.provider.target,
    upstreamModel: attempt.deployment.upstreamModel,
    requestId: attempt.requestId,
  }
}

async function send(deps: InvokeDeps, attempt: Attempt, adapter: ProviderAdapter, request: ChatCompletionRequest) {
  const context = callContext(attempt)
  const built = adapter.buildChatRequest(request, context)
  const signed = await adapter.authenticate(built, attempt.deployment.provider.credentials, context)
  const response = await deps.upstream.send(signed, attempt.model.timeouts, attempt.signal)
  if (response.status >= 400) {
    throw adapter.toUpstreamError({
      status: response.status,
      headers: response.headers,
      bodyText: await response.text(),
    })
  }
  return { response, context }
}

/** One non-streaming attempt against one deployment. */
export async function invokeChat(
  deps: InvokeDeps,
  attempt: Attempt,
  request: ChatCompletionRequest,
): Promise<ChatResult> {
  const adapter = adapterFor(deps.adapters, attempt.deployment.provider.target.type)
  const { response, context } = await send(deps, attempt, adapter, { ...request, stream: false })
  return adapter.parseChatResponse(await readJson(response), context, deps.now)
}

/** One streaming attempt; resolves once the provider accepted the request (headers received). */
export async function invokeChatStream(
  deps: InvokeDeps,
  attempt: Attempt,
  request: ChatCompletionRequest,
): Promise<AsyncIterable<ChatStreamEvent>> {
  const adapter = adapterFor(deps.adapters, attempt.deployment.provider.target.type)
  const { response, context } = await send(deps, attempt, adapter, { ...request, stream: true })
  return adapter.decodeChatStream(response.body, context, deps.now)
}

async function readJson(response: UpstreamResponse): Promise<unknown> {
  const text = await response.text()
  try {
    return JSON.parse(text)
  } catch (cause) {
    throw new UpstreamError({
      errorClass: 'server_error',
      status: 502,
      upstreamStatus: response.status,
      message: 'The provider answered with a body that is not JSON.',
      type: 'server_error',
      code: 'invalid_upstream_response',
      cause,
    })
  }
}
