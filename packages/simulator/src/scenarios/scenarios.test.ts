import Anthropic from '@anthropic-ai/sdk'
import OpenAI from 'openai'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type RunningSimulator, startSimulator } from '../server/start-simulator.ts'
import { signAwsRequest } from '../testing/sign-aws-request.ts'
import type { ScenarioInput } from './scenario.ts'

let simulator: RunningSimulator
let openai: OpenAI
let anthropic: Anthropic

beforeAll(async () => {
  simulator = await startSimulator({ port: 0 })
  openai = new OpenAI({ apiKey: 'sk-test', baseURL: `${simulator.url}/openai/v1`, maxRetries: 0 })
  anthropic = new Anthropic({ apiKey: 'sk-ant', baseURL: `${simulator.url}/anthropic`, maxRetries: 0 })
})
afterAll(() => simulator.close())
beforeEach(() => simulator.scenarios.clear())

const question = 'How do switchyards work?'

/** One request per provider family, for model `key`, with an optional scenario header. */
const providers = {
  openai: (key: string, stream = false) => ({
    path: '/openai/v1/chat/completions',
    headers: { authorization: 'Bearer k' },
    body: {
      model: key,
      messages: [{ role: 'user', content: question }],
      stream,
      stream_options: stream ? { include_usage: true } : undefined,
    },
  }),
  azure: (key: string) => ({
    path: `/azure/openai/deployments/${key}/chat/completions?api-version=2024-10-21`,
    headers: { 'api-key': 'k' },
    body: { messages: [{ role: 'user', content: question }] },
  }),
  anthropic: (key: string) => ({
    path: '/anthropic/v1/messages',
    headers: { 'x-api-key': 'k', 'anthropic-version': '2023-06-01' },
    body: { model: key, max_tokens: 100, messages: [{ role: 'user', content: question }] },
  }),
  gemini: (key: string) => ({
    path: `/gemini/v1beta/models/${key}:generateContent`,
    headers: { 'x-goog-api-key': 'k' },
    body: { contents: [{ role: 'user', parts: [{ text: question }] }] },
  }),
  bedrock: (key: string) => ({
    path: `/bedrock/model/${key}/converse`,
    headers: {},
    body: { messages: [{ role: 'user', content: [{ text: question }] }] },
  }),
}
type Provider = keyof typeof providers

/** The fields these tests read, across the providers' response shapes. */
interface AnswerBody {
  readonly usage: Record<string, unknown>
  readonly usageMetadata: Record<string, unknown>
  readonly choices: readonly { readonly finish_reason: string }[]
  readonly candidates: readonly { readonly finishReason: string }[]
  readonly stop_reason: string
  readonly stopReason: string
}

async function answer(provider: Provider, key: string, scenario?: ScenarioInput): Promise<AnswerBody> {
  return (await (await send(provider, key, scenario)).json()) as AnswerBody
}

async function send(provider: Provider, key: string, scenario?: ScenarioInput) {
  const { path, headers, body } = providers[provider](key)
  const json = JSON.stringify(body)
  const url = `${simulator.url}${path}`
  const signed =
    provider === 'bedrock'
      ? signAwsRequest({ url, body: json, region: 'us-west-2', accessKeyId: 'AKID', secretAccessKey: 's' })
      : {}
  const scenarioHeader = scenario === undefined ? {} : { 'x-simulator-scenario': JSON.stringify(scenario) }
  return await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers, ...signed, ...scenarioHeader },
    body: json,
  })
}

describe('error scenarios', () => {
  it('answers 429 with retry-after in each provider’s shape', async () => {
    const expected: Record<Provider, unknown> = {
      openai: { error: { message: expect.any(String), type: 'requests', param: null, code: 'rate_limit_exceeded' } },
      azure: { error: { code: '429', message: expect.any(String) } },
      anthropic: {
        type: 'error',
        error: { type: 'rate_limit_error', message: expect.any(String) },
        request_id: expect.any(String),
      },
      gemini: { error: { code: 429, message: expect.any(String), status: 'RESOURCE_EXHAUSTED' } },
      bedrock: { message: expect.any(String) },
    }
    for (const provider of Object.keys(providers) as Provider[]) {
      simulator.scenarios.set(`limited-${provider}`, { error: { status: 429, retryAfterSeconds: 7 } })
      const response = await send(provider, `limited-${provider}`)
      expect(response.status, provider).toBe(429)
      expect(response.headers.get('retry-after'), provider).toBe('7')
      expect(await response.json(), provider).toEqual(expected[provider])
    }
    const throttled = await send('bedrock', 'limited-bedrock')
    expect(throttled.headers.get('x-amzn-errortype')).toBe('ThrottlingException')
  })

  it('speaks each provider’s overload status, and sends a custom body verbatim', async () => {
    const overloaded = await send('anthropic', 'm', { error: { status: 529 } })
    expect(await overloaded.json()).toMatchObject({ error: { type: 'overloaded_error' } })
    const unavailable = await send('bedrock', 'm', { error: { status: 503 } })
    expect(unavailable.headers.get('x-amzn-errortype')).toBe('ServiceUnavailableException')
    const custom = await send('openai', 'm', { error: { status: 418, body: 'teapot' } })
    expect([custom.status, await custom.text()]).toEqual([418, 'teapot'])
  })

  it('fails the first N requests per key, then succeeds; DELETE resets the count', async () => {
    simulator.scenarios.set('flaky', { failFirstN: 2, error: { status: 503, retryAfterSeconds: 0.01 } })
    const retrying = new OpenAI({ apiKey: 'k', baseURL: `${simulator.url}/openai/v1`, maxRetries: 2 })
    const completion = await retrying.chat.completions.create({
      model: 'flaky',
      messages: [{ role: 'user', content: question }],
    })
    expect(completion.choices[0]?.finish_reason).toBe('stop')
    expect((await send('openai', 'flaky')).status).toBe(200)

    await fetch(`${simulator.url}/_simulator/scenarios`, { method: 'DELETE' })
    const put = await fetch(`${simulator.url}/_simulator/scenarios/flaky`, {
      method: 'PUT',
      body: JSON.stringify({ failFirstN: 1 }),
    })
    expect(put.status).toBe(200)
    expect((await send('openai', 'flaky')).status).toBe(500)
    expect((await send('openai', 'flaky')).status).toBe(200)
  })
})

describe('stream fault scenarios', () => {
  it('resetAfterChunks breaks the stream for the OpenAI and Anthropic SDKs', async () => {
    const stream = await openai.chat.completions.create(
      {
        model: 'breaking',
        messages: [{ role: 'user', content: question }],
        stream: true,
      },
      { headers: { 'x-simulator-scenario': JSON.stringify({ resetAfterChunks: 3 }) } },
    )
    const received: string[] = []
    await expect(
      (async () => {
        for await (const chunk of stream) received.push(chunk.choices[0]?.delta.content ?? '')
      })(),
    ).rejects.toThrow()
    expect(received.length).toBeLessThanOrEqual(3)

    simulator.scenarios.set('claude-breaking', { resetAfterChunks: 4 })
    const messages = anthropic.messages.stream({
      model: 'claude-breaking',
      max_tokens: 50,
      messages: [{ role: 'user', content: question }],
    })
    await expect(messages.finalMessage()).rejects.toThrow()
  })

  it('stallAfterChunks keeps the connection open with no more data', async () => {
    const response = await send('openai', 'stalling', { stallAfterChunks: 2 }).then(async () =>
      fetch(`${simulator.url}${providers.openai('m').path}`, {
        method: 'POST',
        headers: { authorization: 'Bearer k', 'x-simulator-scenario': JSON.stringify({ stallAfterChunks: 2 }) },
        body: JSON.stringify(providers.openai('stalling', true).body),
        signal: AbortSignal.timeout(300),
      }),
    )
    const reader = response.body?.getReader()
    let text = ''
    await expect(
      (async () => {
        for (;;) {
          const { done, value } = (await reader?.read()) ?? { done: true, value: undefined }
          if (done) return
          text += new TextDecoder().decode(value)
        }
      })(),
    ).rejects.toThrow()
    expect(text.match(/^data: /gm)).toHaveLength(2)
  })

  it('paces streams with ttftMs and tokensPerSecond, and delays headers with latencyMs', async () => {
    const started = performance.now()
    const response = await send('openai', 'slow', { latencyMs: 60 })
    expect(performance.now() - started).toBeGreaterThanOrEqual(55)
    await response.body?.cancel()
    const streamStarted = performance.now()
    const stream = await fetch(`${simulator.url}/openai/v1/chat/completions`, {
      method: 'POST',
      headers: {
        authorization: 'Bearer k',
        'x-simulator-scenario': JSON.stringify({ ttftMs: 40, tokensPerSecond: 500 }),
      },
      body: JSON.stringify(providers.openai('slow', true).body),
    })
    const text = await stream.text()
    // 40 ms to the first chunk, then 20 more chunks 2 ms apart.
    expect(performance.now() - streamStarted).toBeGreaterThanOrEqual(70)
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true)
  })
})

describe('usage scenarios', () => {
  it('gives exactly outputTokens, in every format', async () => {
    const scenario = { outputTokens: 5 }
    const openaiUsage = (await answer('openai', 'm', scenario)).usage
    expect(openaiUsage.completion_tokens).toBe(5)
    expect((await answer('anthropic', 'm', scenario)).usage.output_tokens).toBe(5)
    expect((await answer('gemini', 'm', scenario)).usageMetadata.candidatesTokenCount).toBe(5)
    expect((await answer('bedrock', 'm', scenario)).usage.outputTokens).toBe(5)
  })

  it('reports cached, cache-write and reasoning tokens in each provider’s fields', async () => {
    const scenario = { cachedInputTokens: 3, cacheWriteInputTokens: 1, reasoningTokens: 4, outputTokens: 6 }
    const openaiUsage = (await answer('openai', 'm', scenario)).usage
    expect(openaiUsage).toMatchObject({
      prompt_tokens: 5,
      completion_tokens: 10,
      prompt_tokens_details: { cached_tokens: 3, cache_write_tokens: 1 },
      completion_tokens_details: { reasoning_tokens: 4 },
    })
    expect((await answer('anthropic', 'm', scenario)).usage).toMatchObject({
      input_tokens: 1,
      cache_read_input_tokens: 3,
      cache_creation_input_tokens: 1,
      output_tokens: 10,
    })
    expect((await answer('gemini', 'm', scenario)).usageMetadata).toMatchObject({
      promptTokenCount: 5,
      cachedContentTokenCount: 3,
      candidatesTokenCount: 6,
      thoughtsTokenCount: 4,
      totalTokenCount: 15,
    })
    expect((await answer('bedrock', 'm', scenario)).usage).toEqual({
      inputTokens: 1,
      outputTokens: 10,
      totalTokens: 15,
      cacheReadInputTokens: 3,
      cacheWriteInputTokens: 1,
    })
  })

  it('overrides the finish reason in each provider’s words', async () => {
    const scenario = { finishReason: 'length' } as const
    expect((await answer('openai', 'm', scenario)).choices[0]?.finish_reason).toBe('length')
    expect((await answer('anthropic', 'm', scenario)).stop_reason).toBe('max_tokens')
    expect((await answer('gemini', 'm', scenario)).candidates[0]?.finishReason).toBe('MAX_TOKENS')
    expect((await answer('bedrock', 'm', scenario)).stopReason).toBe('max_tokens')
    const filtered = { finishReason: 'SAFETY' } as const
    expect((await answer('bedrock', 'm', filtered)).stopReason).toBe('content_filtered')
    expect((await answer('azure', 'm', filtered)).choices[0]).toMatchObject({
      finish_reason: 'content_filter',
      content_filter_results: { violence: { filtered: true } },
    })
  })
})

describe('scenario control', () => {
  it('lets the header win over the registry', async () => {
    simulator.scenarios.set('m', { error: { status: 500 } })
    expect((await send('openai', 'm')).status).toBe(500)
    expect((await send('openai', 'm', { outputTokens: 2 })).status).toBe(200)
  })

  it('manages scenarios over HTTP and refuses invalid ones', async () => {
    const base = `${simulator.url}/_simulator/scenarios`
    const put = await fetch(`${base}/${encodeURIComponent('anthropic.claude:0')}`, {
      method: 'PUT',
      body: JSON.stringify({ latencyMs: 5, finishReason: 'max_tokens' }),
    })
    expect(await put.json()).toEqual({ key: 'anthropic.claude:0', scenario: { latencyMs: 5, finishReason: 'length' } })
    expect(await (await fetch(base)).json()).toEqual({ 'anthropic.claude:0': { latencyMs: 5, finishReason: 'length' } })
    const invalid = await fetch(`${base}/x`, { method: 'PUT', body: JSON.stringify({ latencyMs: -1 }) })
    expect(invalid.status).toBe(400)
    const typo = await fetch(`${base}/x`, { method: 'PUT', body: JSON.stringify({ latency: 5 }) })
    expect(typo.status).toBe(400)
    expect((await fetch(`${base}/anthropic.claude%3A0`, { method: 'DELETE' })).status).toBe(200)
    expect(await (await fetch(base)).json()).toEqual({})
    const badHeader = await send('anthropic', 'm', { outputTokens: -3 })
    expect(badHeader.status).toBe(400)
    expect(await badHeader.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } })
  })
})
