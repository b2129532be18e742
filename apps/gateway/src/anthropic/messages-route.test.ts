import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import Anthropic from '@anthropic-ai/sdk'
import { AnthropicMessage, ChatCompletion, ChatCompletionChunk, type TokenUsage } from '@switchyard/contracts'
import { createLogger } from '@switchyard/http-server'
import {
  type ChatStreamEvent,
  decodeSse,
  type ProviderAdapter,
  type ProviderAdapterRegistry,
  UpstreamError,
} from '@switchyard/providers'
import { hashApiKey } from '@switchyard/secrets'
import type { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createGatewayApp } from '../app.ts'
import { GatewayMetrics } from '../metrics/gateway-metrics.ts'
import { compileWithoutKeyring, snapshotMessage } from '../snapshot/snapshot-fixture.ts'
import { SnapshotState } from '../snapshot/snapshot-state.ts'
import { UpstreamClient } from '../upstream/upstream-client.ts'
import { answerCompletion, answerStream } from './canonical-fixtures.ts'

const API_KEY = 'sk-switchyard-test-key'
const MESSAGES_ONLY_KEY = 'sk-switchyard-messages-only'
const pepper = Buffer.from('test-pepper')

/** A provider on loopback that answers OpenAI chat completions, and remembers what it was sent. */
function startUpstream(received: unknown[]): Promise<Server> {
  const server = createServer(async (request, response) => {
    let text = ''
    for await (const piece of request) text += String(piece)
    const body = JSON.parse(text) as { stream?: boolean; messages: Array<{ content: unknown }> }
    received.push(body)
    if (JSON.stringify(body.messages).includes('please fail')) {
      response.writeHead(429, { 'content-type': 'application/json', 'retry-after': '7' }).end('{}')
    } else if (body.stream) {
      response.writeHead(200, { 'content-type': 'text/event-stream' })
      for (const event of answerStream) response.write(`data: ${JSON.stringify(event.chunk)}\n\n`)
      response.end('data: [DONE]\n\n')
    } else {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answerCompletion))
    }
  })
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)))
}

function usageOf(usage: ChatCompletion['usage']): TokenUsage {
  const cached = usage?.prompt_tokens_details?.cached_tokens ?? 0
  const inputTokens = usage?.prompt_tokens ?? 0
  return {
    inputTokens,
    outputTokens: usage?.completion_tokens ?? 0,
    cachedInputTokens: cached,
    cacheWriteInputTokens: 0,
    reasoningTokens: 0,
  }
}

/** Just enough of an OpenAI-compatible adapter for the route: the real ones live in packages/providers. */
const fakeAdapter: ProviderAdapter = {
  type: 'openai-compatible',
  buildChatRequest: (request, context) => ({
    method: 'POST',
    url: `${context.target.type === 'openai-compatible' ? context.target.baseUrl : ''}/chat/completions`,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...request, model: context.upstreamModel }),
  }),
  parseChatResponse: (body) => {
    const completion = ChatCompletion.parse(body)
    return { completion, usage: usageOf(completion.usage) }
  },
  decodeChatStream: async function* (body): AsyncGenerator<ChatStreamEvent> {
    for await (const event of decodeSse(body)) {
      if (event.data === '[DONE]') return
      const chunk = ChatCompletionChunk.parse(JSON.parse(event.data))
      yield chunk.usage ? { kind: 'usage', usage: usageOf(chunk.usage), chunk } : { kind: 'chunk', chunk }
    }
  },
  toUpstreamError: (response) =>
    new UpstreamError({
      errorClass: 'rate_limited',
      status: response.status,
      upstreamStatus: response.status,
      message: 'The provider is rate limiting this deployment.',
      type: 'rate_limit_error',
      retryAfterMs: Number(response.headers['retry-after']) * 1000,
    }),
  authenticate: (request) => request,
}

function snapshotFor(baseUrl: string) {
  return snapshotMessage(1, {
    providers: [{ id: 'prov_1', name: 'local', target: { type: 'openai-compatible', baseUrl }, credentials: null }],
    models: [
      {
        id: 'model_1',
        name: 'claude-sonnet',
        routeId: null,
        deployments: [
          {
            id: 'dep_1',
            providerId: 'prov_1',
            upstreamModel: 'gpt-upstream',
            weight: 1,
            prices: { inputMicroUsdPerMTok: 1, outputMicroUsdPerMTok: 1 },
            limits: null,
          },
        ],
      },
    ],
    keys: [
      {
        id: 'key_1',
        name: 'test',
        hash: hashApiKey(pepper, API_KEY),
        prefix: 'sk-switchyard',
        orgId: 'org_1',
        teamId: null,
        projectId: null,
        environment: null,
        userId: null,
        tags: {},
        allowedModels: null,
        scopes: null,
        expiresAt: null,
        status: 'active',
      },
      {
        id: 'key_2',
        name: 'messages-only',
        hash: hashApiKey(pepper, MESSAGES_ONLY_KEY),
        prefix: 'sk-switchyard',
        orgId: 'org_1',
        teamId: null,
        projectId: null,
        environment: null,
        userId: null,
        tags: {},
        allowedModels: null,
        scopes: ['messages'],
        expiresAt: null,
        status: 'active',
      },
    ],
  })
}

describe('POST /v1/messages', () => {
  const received: unknown[] = []
  let server: Server
  let upstream: UpstreamClient
  let app: Hono

  beforeAll(async () => {
    server = await startUpstream(received)
    const { port } = server.address() as AddressInfo
    const snapshots = new SnapshotState(compileWithoutKeyring)
    snapshots.apply(snapshotFor(`http://127.0.0.1:${port}/v1`))
    upstream = new UpstreamClient({ connectionsPerOrigin: 4, keepAliveTimeoutMs: 1_000 })
    app = createGatewayApp({
      podId: 'pod-test',
      snapshots,
      log: createLogger('test', 'silent'),
      adapters: { 'openai-compatible': fakeAdapter } as unknown as ProviderAdapterRegistry,
      upstream,
      metrics: new GatewayMetrics(),
      keyPepper: pepper,
      maxBodyBytes: 1_000_000,
    })
  })

  afterAll(async () => {
    await upstream.close()
    await new Promise((resolve) => server.close(resolve))
  })

  const post = (path: string, body: unknown, headers: Record<string, string> = { 'x-api-key': API_KEY }) =>
    app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', ...headers },
      body: JSON.stringify(body),
    })
  const hello = { model: 'claude-sonnet', max_tokens: 100, messages: [{ role: 'user', content: 'Weather?' }] }

  it('answers an Anthropic message from an OpenAI provider, and says what it dropped', async () => {
    const response = await post('/v1/messages', { ...hello, top_k: 5 }, { 'x-api-key': API_KEY, 'anthropic-beta': 'x' })
    expect(response.status).toBe(200)
    const message = AnthropicMessage.parse(await response.json())
    expect(message).toMatchObject({
      model: 'claude-sonnet',
      stop_reason: 'tool_use',
      content: [{ type: 'text' }, {}, {}],
    })
    expect(message.id).toMatch(/^msg_[0-9a-f]{32}$/)
    expect(response.headers.get('x-switchyard-warning')).toBe('dropped fields the gateway cannot translate: top_k')
    expect(response.headers.get('request-id')).toBe(response.headers.get('x-request-id'))
    expect(received.at(-1)).toEqual({
      model: 'gpt-upstream',
      messages: [{ role: 'user', content: 'Weather?' }],
      max_completion_tokens: 100,
      stream: false,
    })
  })

  it('lets a key scoped to messages call only the messages API', async () => {
    expect((await post('/v1/messages', hello, { 'x-api-key': MESSAGES_ONLY_KEY })).status).toBe(200)
    const counted = await post('/v1/messages/count_tokens', hello, { 'x-api-key': MESSAGES_ONLY_KEY })
    expect(counted.status).toBe(200)
    const bearer = { authorization: `Bearer ${MESSAGES_ONLY_KEY}` }
    const chat = await post(
      '/v1/chat/completions',
      { model: 'claude-sonnet', messages: [{ role: 'user', content: 'x' }] },
      bearer,
    )
    expect(chat.status).toBe(403)
    expect(await chat.json()).toMatchObject({ error: { type: 'permission_error', code: 'scope_not_allowed' } })
    const models = await app.request('/v1/models', { headers: bearer })
    expect(models.status).toBe(403)
    expect((await app.request('/v1/models', { headers: { authorization: `Bearer ${API_KEY}` } })).status).toBe(200)
  })

  it('streams Anthropic events', async () => {
    const response = await post('/v1/messages', { ...hello, stream: true }, { authorization: `Bearer ${API_KEY}` })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8')
    const names = [...(await response.text()).matchAll(/^event: (\w+)$/gm)].map((match) => match[1])
    expect(names[0]).toBe('message_start')
    expect(names.slice(-2)).toEqual(['message_delta', 'message_stop'])
    expect(names.filter((name) => name === 'content_block_start')).toHaveLength(3)
  })

  it('answers every failure in the Anthropic error shape', async () => {
    const cases = [
      { body: hello, headers: {}, status: 401, type: 'authentication_error' },
      { body: { ...hello, max_tokens: undefined }, status: 400, type: 'invalid_request_error', says: 'max_tokens' },
      { body: { ...hello, model: 'nope' }, status: 404, type: 'not_found_error', says: 'nope' },
      {
        body: { ...hello, tools: [{ type: 'web_search_20250305', name: 'web_search' }] },
        status: 400,
        type: 'invalid_request_error',
        says: 'server tools',
      },
      {
        body: { ...hello, messages: [{ role: 'user', content: 'please fail' }] },
        status: 429,
        type: 'rate_limit_error',
      },
    ]
    for (const { body, headers, status, type, says } of cases) {
      const response = await post('/v1/messages', body, headers)
      expect(response.status, JSON.stringify(body)).toBe(status)
      const json = (await response.json()) as { type: string; error: { type: string; message: string } }
      expect(json).toMatchObject({ type: 'error', error: { type } })
      if (says) expect(json.error.message).toContain(says)
      if (status === 429) expect(response.headers.get('retry-after')).toBe('7')
    }
  })

  it('estimates count_tokens', async () => {
    const response = await post('/v1/messages/count_tokens', { model: 'claude-sonnet', messages: hello.messages })
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ input_tokens: 2 + 4 })
  })

  it('is read by the official Anthropic SDK, streamed and not, to the same message', async () => {
    const client = new Anthropic({
      apiKey: API_KEY,
      baseURL: 'http://gateway.test',
      maxRetries: 0,
      fetch: (url: string | URL | Request, init?: RequestInit) => Promise.resolve(app.request(String(url), init)),
    })
    const params = {
      model: 'claude-sonnet',
      max_tokens: 100,
      messages: [{ role: 'user' as const, content: 'Weather?' }],
    }
    const created = await client.messages.create(params)
    const streamed = await client.messages.stream(params).finalMessage()
    const fields = ({ type, role, model, content, stop_reason, stop_sequence, usage }: Anthropic.Message) => ({
      type,
      role,
      model,
      content,
      stop_reason,
      stop_sequence,
      usage,
    })
    expect(fields(streamed)).toEqual(fields(created))
    expect(created.content.map((block) => block.type)).toEqual(['text', 'tool_use', 'tool_use'])
    await expect(client.messages.create({ ...params, model: 'nope' })).rejects.toBeInstanceOf(Anthropic.NotFoundError)
  })
})
