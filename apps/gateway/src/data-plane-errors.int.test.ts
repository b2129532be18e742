import OpenAI from 'openai'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  type GatewayHarness,
  PROVIDER_FAMILIES,
  startGatewayHarness,
  UPSTREAM_MODELS,
} from './testing/gateway-harness.ts'
import { assertMatches, loadOpenAISpecValidators } from './testing/openai-spec-validator.ts'

let harness: GatewayHarness
const spec = loadOpenAISpecValidators()

beforeAll(async () => {
  harness = await startGatewayHarness()
})
afterEach(() => harness.simulator.scenarios.clear())
afterAll(async () => {
  await harness?.close()
})

function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${harness.gatewayUrl}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${harness.apiKey}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  })
}

const chat = (model: string, extra: Record<string, unknown> = {}) => ({
  model,
  messages: [{ role: 'user', content: 'hello' }],
  ...extra,
})

describe('who may call', () => {
  it('refuses a missing or wrong key with 401 in the OpenAI shape', async () => {
    const missing = await post('/v1/chat/completions', chat('m-openai'), { authorization: '' })
    expect(missing.status).toBe(401)
    const missingBody = (await missing.json()) as { error: { code: string } }
    assertMatches(spec.error, missingBody, 'error')
    expect(missingBody.error.code).toBe('missing_api_key')
    const wrong = await post('/v1/chat/completions', chat('m-openai'), { authorization: 'Bearer sk-sy-wrong' })
    expect(wrong.status).toBe(401)
    expect(JSON.stringify(await wrong.json())).not.toContain('sk-sy-wrong')
  })

  it('answers an unknown model with 404 model_not_found naming the param', async () => {
    const response = await post('/v1/chat/completions', chat('gpt-99'))
    expect(response.status).toBe(404)
    expect(((await response.json()) as { error: unknown }).error).toMatchObject({
      code: 'model_not_found',
      param: 'model',
    })
  })

  it('answers /v1/models and /v1/embeddings in the shapes OpenAI publishes', async () => {
    const models = await fetch(`${harness.gatewayUrl}/v1/models`, {
      headers: { authorization: `Bearer ${harness.apiKey}` },
    })
    assertMatches(spec.models, await models.json(), 'model list')
    for (const family of ['openai', 'azure-openai', 'openai-compatible'] as const) {
      const response = await post('/v1/embeddings', { model: `m-${family}`, input: ['switchyard', 'gateway'] })
      expect(response.status).toBe(200)
      const body = (await response.json()) as { data: unknown[] }
      assertMatches(spec.embeddings, body, `${family} embeddings`)
      expect(body.data).toHaveLength(2)
    }
    const unsupported = await post('/v1/embeddings', { model: 'm-anthropic', input: 'x' })
    expect(unsupported.status).toBe(400)
    assertMatches(spec.error, await unsupported.json(), 'error')
  })

  it('lists exactly the models of the snapshot on /v1/models', async () => {
    const client = new OpenAI({ apiKey: harness.apiKey, baseURL: `${harness.gatewayUrl}/v1` })
    const models = []
    for await (const model of client.models.list()) models.push(model.id)
    expect(models).toEqual(PROVIDER_FAMILIES.map((family) => `m-${family}`).sort())
  })
})

describe('provider failures keep a faithful status', () => {
  it.each(PROVIDER_FAMILIES)('%s: 429 stays 429 with Retry-After', async (family) => {
    harness.simulator.scenarios.set(UPSTREAM_MODELS[family], { error: { status: 429, retryAfterSeconds: 7 } })
    const response = await post('/v1/chat/completions', chat(`m-${family}`))
    expect(response.status).toBe(429)
    expect(response.headers.get('retry-after')).toBe('7')
    const body = (await response.json()) as { error: { type: string } }
    assertMatches(spec.error, body, 'error')
    expect(body.error.type).toBe('rate_limit_error')
  })

  it.each(PROVIDER_FAMILIES)('%s: an upstream 500 becomes 502, a 503 stays 503', async (family) => {
    harness.simulator.scenarios.set(UPSTREAM_MODELS[family], { error: { status: 500 } })
    expect((await post('/v1/chat/completions', chat(`m-${family}`))).status).toBe(502)
    harness.simulator.scenarios.set(UPSTREAM_MODELS[family], { error: { status: 503 } })
    expect((await post('/v1/chat/completions', chat(`m-${family}`))).status).toBe(503)
  })
})

describe('streams', () => {
  it.each(PROVIDER_FAMILIES)(
    '%s: a stream cut after its first bytes ends with an error event, never [DONE]',
    async (family) => {
      harness.simulator.scenarios.set(UPSTREAM_MODELS[family], { resetAfterChunks: 3, outputTokens: 40 })
      const response = await post('/v1/chat/completions', chat(`m-${family}`, { stream: true }))
      expect(response.status).toBe(200)
      const text = await response.text()
      const frames = text.split('\n\n').filter((frame) => frame.startsWith('data: '))
      expect(text).not.toContain('data: [DONE]')
      const last = JSON.parse(frames.at(-1)?.slice('data: '.length) ?? '{}')
      assertMatches(spec.error, last, 'error event')
      expect(frames.length).toBeGreaterThan(1)
    },
  )

  it('reports who answered and the gateway overhead in headers', async () => {
    const response = await post('/v1/chat/completions', chat('m-anthropic'), { 'x-request-id': 'trace-123' })
    expect(response.headers.get('x-request-id')).toBe('trace-123')
    expect(response.headers.get('x-switchyard-provider')).toBe('anthropic')
    expect(response.headers.get('x-switchyard-model')).toBe('claude-sonnet-4-5')
    expect(response.headers.get('x-switchyard-attempts')).toBe('1')
    expect(Number(response.headers.get('x-switchyard-overhead-ms'))).toBeGreaterThanOrEqual(0)
  })

  it('warns about fields dropped for providers that do not take unknown fields', async () => {
    const response = await post('/v1/chat/completions', chat('m-gemini', { logit_bias: { '1': 2 } }))
    expect(response.status).toBe(200)
    expect(response.headers.get('x-switchyard-warning')).toContain('logit_bias')
    const passthrough = await post('/v1/chat/completions', chat('m-openai', { logit_bias: { '1': 2 } }))
    expect(passthrough.headers.get('x-switchyard-warning')).toBeNull()
  })
})

describe('metrics', () => {
  it('exposes Prometheus metrics by route, model, provider and status', async () => {
    await post('/v1/chat/completions', chat('m-openai'))
    const text = await (await fetch(`${harness.gatewayUrl}/metrics`)).text()
    expect(text).toMatch(
      /switchyard_request_duration_seconds_count\{route="\/v1\/chat\/completions",model="m-openai",provider="openai",status="200"\} \d+/,
    )
    expect(text).toContain('switchyard_gateway_overhead_seconds_bucket')
    expect(text).toMatch(/switchyard_tokens_total\{model="m-openai",provider="openai",direction="output"\} \d+/)
  })
})
