import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { type GatewayHarness, startGatewayHarness } from './testing/gateway-harness.ts'

const retries = { maxAttempts: 3, initialBackoffMs: 5, maxBackoffMs: 20 }

let harness: GatewayHarness

beforeAll(async () => {
  harness = await startGatewayHarness({
    models: [
      { name: 'solo', deployments: [{ upstreamModel: 'solo-1' }], route: { retries } },
      {
        name: 'duo',
        deployments: [
          { upstreamModel: 'duo-cheap', inputMicroUsdPerMTok: 1 },
          { upstreamModel: 'duo-dear', inputMicroUsdPerMTok: 9 },
        ],
        route: { strategy: 'lowest-cost', retries },
      },
    ],
  })
})
afterEach(() => harness.simulator.scenarios.clear())
afterAll(async () => {
  await harness?.close()
})

interface Frame {
  choices?: { delta?: { content?: string; role?: string } }[]
  error?: { message: string }
}

async function stream(model: string) {
  const response = await harness.post('/v1/chat/completions', {
    model,
    stream: true,
    messages: [{ role: 'user', content: 'tell me a long story' }],
  })
  const text = await response.text()
  const data = text
    .split('\n\n')
    .filter((frame) => frame.startsWith('data: '))
    .map((frame) => frame.slice('data: '.length))
  const isDone = data.at(-1) === '[DONE]'
  const frames = data.filter((item) => item !== '[DONE]').map((item) => JSON.parse(item) as Frame)
  const content = frames.map((frame) => frame.choices?.[0]?.delta?.content ?? '').join('')
  const roles = frames.filter((frame) => frame.choices?.[0]?.delta?.role !== undefined).length
  return { response, frames, content, roles, isDone }
}

describe('streams', () => {
  it('retries a stream that failed before its first event', async () => {
    harness.simulator.scenarios.set('solo-1', { error: { status: 503 }, failFirstN: 1, outputTokens: 20 })
    const { response, content, isDone, roles } = await stream('solo')
    expect(response.status).toBe(200)
    expect(response.headers.get('x-switchyard-attempts')).toBe('2')
    expect(isDone).toBe(true)
    expect(roles).toBe(1)
    expect(content.length).toBeGreaterThan(0)
  })

  it('moves a stream whose connection dropped before the first event to another deployment', async () => {
    harness.simulator.scenarios.set('duo-cheap', { resetAfterChunks: 0 })
    const { response, isDone } = await stream('duo')
    expect(response.status).toBe(200)
    expect(response.headers.get('x-switchyard-attempts')).toBe('2')
    expect(response.headers.get('x-switchyard-deployment')).toBe(harness.deploymentIdOf('duo-dear'))
    expect(isDone).toBe(true)
  })

  it('never retries a stream cut after its first events: the chunks, then an error event', async () => {
    harness.simulator.scenarios.set('solo-1', { outputTokens: 40 })
    const whole = await stream('solo')
    expect(whole.isDone).toBe(true)

    harness.simulator.scenarios.set('solo-1', { outputTokens: 40, resetAfterChunks: 4 })
    const attemptsBefore = await harness.upstreamAttempts()
    const cut = await stream('solo')
    expect(cut.response.status).toBe(200)
    expect(cut.response.headers.get('x-switchyard-attempts')).toBe('1')
    expect(await harness.upstreamAttempts()).toBe(attemptsBefore + 1)
    expect(cut.isDone).toBe(false)
    expect(cut.frames.at(-1)?.error?.message).toBeTruthy()
    // What arrived is the start of the real answer, once: nothing replayed, nothing doubled.
    const chunks = cut.frames.filter((frame) => frame.error === undefined)
    expect(chunks.length).toBeGreaterThan(0)
    expect(chunks.length).toBeLessThanOrEqual(4)
    expect(cut.roles).toBe(1)
    expect(whole.content.startsWith(cut.content)).toBe(true)
    expect(cut.content.length).toBeLessThan(whole.content.length)
  })
})
