import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { type GatewayHarness, startGatewayHarness } from './testing/gateway-harness.ts'

const fastRetries = { maxAttempts: 2, initialBackoffMs: 5, maxBackoffMs: 20 }

const contextLengthError = {
  status: 400,
  body: {
    error: {
      message: "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens.",
      type: 'invalid_request_error',
      param: 'messages',
      code: 'context_length_exceeded',
    },
  },
}

let harness: GatewayHarness

beforeAll(async () => {
  harness = await startGatewayHarness({
    models: [
      {
        name: 'primary',
        deployments: [{ upstreamModel: 'primary-1' }],
        route: { retries: fastRetries, fallbacks: ['backup'] },
      },
      { name: 'backup', deployments: [{ upstreamModel: 'backup-1' }] },
      {
        name: 'small-context',
        deployments: [{ upstreamModel: 'small-1', inputMicroUsdPerMTok: 1 }, { upstreamModel: 'small-2' }],
        route: {
          strategy: 'lowest-cost',
          retries: fastRetries,
          fallbackOn: ['5xx', 'context_length'],
          fallbacks: ['large-context'],
        },
      },
      { name: 'large-context', deployments: [{ upstreamModel: 'large-1' }] },
      {
        name: 'strict',
        deployments: [{ upstreamModel: 'strict-1' }],
        route: { retries: fastRetries, fallbacks: ['backup'] },
      },
    ],
  })
})
afterEach(() => harness.simulator.scenarios.clear())
afterAll(async () => {
  await harness?.close()
})

const chat = (model: string) => ({ model, messages: [{ role: 'user', content: 'hello' }] })

describe('fallbacks', () => {
  it('falls back to the next model on 503 and says from which model', async () => {
    harness.simulator.scenarios.set('primary-1', { error: { status: 503 } })
    const response = await harness.post('/v1/chat/completions', chat('primary'))
    expect(response.status).toBe(200)
    expect(response.headers.get('x-switchyard-fallback-from')).toBe('primary')
    expect(response.headers.get('x-switchyard-deployment')).toBe(harness.deploymentIdOf('backup-1'))
    expect(response.headers.get('x-switchyard-model')).toBe('backup-1')
    expect(response.headers.get('x-switchyard-attempts')).toBe('3')
  })

  it('falls back on the Anthropic Messages API too', async () => {
    harness.simulator.scenarios.set('primary-1', { error: { status: 503 } })
    const response = await harness.post(
      '/v1/messages',
      { model: 'primary', max_tokens: 50, messages: [{ role: 'user', content: 'hello' }] },
      { 'anthropic-version': '2023-06-01' },
    )
    expect(response.status).toBe(200)
    expect(response.headers.get('x-switchyard-fallback-from')).toBe('primary')
    expect(((await response.json()) as { model: string }).model).toBe('primary')
  })

  it('goes straight to the fallback on a context-length error (no other deployment of the model)', async () => {
    harness.simulator.scenarios.set('small-1', { error: contextLengthError })
    harness.simulator.scenarios.set('small-2', { error: contextLengthError })
    const response = await harness.post('/v1/chat/completions', chat('small-context'))
    expect(response.status).toBe(200)
    expect(response.headers.get('x-switchyard-attempts')).toBe('2')
    expect(response.headers.get('x-switchyard-fallback-from')).toBe('small-context')
    expect(response.headers.get('x-switchyard-deployment')).toBe(harness.deploymentIdOf('large-1'))
  })

  it('does not fall back on a context-length error the route does not list', async () => {
    harness.simulator.scenarios.set('strict-1', { error: contextLengthError })
    const response = await harness.post('/v1/chat/completions', chat('strict'))
    expect(response.status).toBe(400)
    expect(response.headers.get('x-switchyard-attempts')).toBe('1')
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('context_length_exceeded')
  })

  it('does not fall back on a client error', async () => {
    harness.simulator.scenarios.set('primary-1', { error: { status: 422 } })
    const response = await harness.post('/v1/chat/completions', chat('primary'))
    expect(response.status).toBe(400)
    expect(response.headers.get('x-switchyard-attempts')).toBe('1')
  })
})
