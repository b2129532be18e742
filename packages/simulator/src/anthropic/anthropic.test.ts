import Anthropic from '@anthropic-ai/sdk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { countTokens } from '../core/tokenizer.ts'
import { type RunningSimulator, startSimulator } from '../server/start-simulator.ts'
import { parseSse } from '../testing/parse-sse.ts'

let simulator: RunningSimulator
let client: Anthropic

beforeAll(async () => {
  simulator = await startSimulator({ port: 0 })
  client = new Anthropic({ apiKey: 'sk-ant-test', baseURL: `${simulator.url}/anthropic`, maxRetries: 0 })
})
afterAll(() => simulator.close())

const request = {
  model: 'claude-sonnet-4-6',
  max_tokens: 256,
  system: 'Be brief.',
  messages: [{ role: 'user' as const, content: 'Tell me about rail yards.' }],
}

const weatherTool = {
  name: 'get_weather',
  description: 'Weather for a city',
  input_schema: {
    type: 'object' as const,
    properties: { city: { type: 'string' } },
    required: ['city'],
  },
}

describe('Anthropic Messages through the official SDK', () => {
  it('answers a message with usage equal to the tokenizer count', async () => {
    const message = await client.messages.create(request)
    expect(message).toMatchObject({ type: 'message', role: 'assistant', model: request.model, stop_reason: 'end_turn' })
    expect(message.stop_sequence).toBeNull()
    const [block] = message.content
    if (block?.type !== 'text') throw new Error('expected text')
    expect(message.usage).toMatchObject({
      input_tokens: countTokens('Be brief.') + countTokens('Tell me about rail yards.'),
      output_tokens: countTokens(block.text),
      cache_read_input_tokens: 0,
      cache_creation_input_tokens: 0,
    })
  })

  it('streams the same message, and finalMessage() equals the non-streamed one', async () => {
    const whole = await client.messages.create(request)
    const stream = client.messages.stream(request)
    const types: string[] = []
    for await (const event of stream) types.push(event.type)
    const final = await stream.finalMessage()
    expect(final.content).toEqual(whole.content)
    expect(final.usage).toEqual(whole.usage)
    expect(final.stop_reason).toBe('end_turn')
    const deltas = types.filter((type) => type === 'content_block_delta').length
    expect(types).toEqual([
      'message_start',
      'content_block_start',
      ...Array(deltas).fill('content_block_delta'),
      'content_block_stop',
      'message_delta',
      'message_stop',
    ])
    expect(deltas).toBe(whole.usage.output_tokens)
  })

  it('sends the exact SSE framing, with a ping after the first block start', async () => {
    const response = await fetch(`${simulator.url}/anthropic/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': 'k', 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
      body: JSON.stringify({ ...request, stream: true }),
    })
    expect(response.headers.get('content-type')).toContain('text/event-stream')
    const events = parseSse(await response.text())
    for (const { event, data } of events) expect(JSON.parse(data).type).toBe(event)
    expect(events.slice(0, 3).map(({ event }) => event)).toEqual(['message_start', 'content_block_start', 'ping'])
    const delta = JSON.parse(events.at(-2)?.data ?? '{}')
    expect(delta).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { output_tokens: 16 },
    })
  })

  it('uses a tool, then quotes its result', async () => {
    const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'Weather in Oslo?' }]
    const call = await client.messages.create({ ...request, messages, tools: [weatherTool] })
    expect(call.stop_reason).toBe('tool_use')
    const [toolUse] = call.content
    if (toolUse?.type !== 'tool_use') throw new Error('expected tool_use')
    expect(toolUse).toMatchObject({ name: 'get_weather', input: { city: expect.any(String) } })
    expect(toolUse.id).toMatch(/^toolu_/)
    expect(call.usage.output_tokens).toBe(countTokens('get_weather') + countTokens(JSON.stringify(toolUse.input)))

    const streamed = await client.messages.stream({ ...request, messages, tools: [weatherTool] }).finalMessage()
    expect(streamed.content).toEqual(call.content)

    messages.push(
      { role: 'assistant', content: call.content },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: toolUse.id, content: 'Sunny, 18 degrees, light wind from the north' },
        ],
      },
    )
    const answer = await client.messages.create({ ...request, messages, tools: [weatherTool] })
    expect(answer.stop_reason).toBe('end_turn')
    const [text] = answer.content
    expect(text?.type === 'text' && text.text).toContain('"Sunny, 18 degrees, light wind from the n"')
  })

  it('stops at max_tokens and at stop sequences', async () => {
    const capped = await client.messages.create({ ...request, max_tokens: 3 })
    expect(capped).toMatchObject({ stop_reason: 'max_tokens', usage: { output_tokens: 3 } })
    const whole = await client.messages.create(request)
    const [block] = whole.content
    const word = block?.type === 'text' ? (block.text.split(' ')[2] ?? '') : ''
    const stopped = await client.messages.create({ ...request, stop_sequences: [word] })
    expect(stopped).toMatchObject({ stop_reason: 'stop_sequence', stop_sequence: word })
  })

  it('counts tokens', async () => {
    const counted = await client.messages.countTokens({ model: request.model, messages: request.messages })
    expect(counted.input_tokens).toBe(countTokens('Tell me about rail yards.'))
  })
})

describe('Anthropic errors', () => {
  it('needs x-api-key (401) and anthropic-version (400), in Anthropic shape', async () => {
    const url = `${simulator.url}/anthropic/v1/messages`
    const noKey = await fetch(url, { method: 'POST', body: JSON.stringify(request) })
    expect(noKey.status).toBe(401)
    expect(await noKey.json()).toMatchObject({ type: 'error', error: { type: 'authentication_error' } })
    const noVersion = await fetch(url, { method: 'POST', headers: { 'x-api-key': 'k' }, body: JSON.stringify(request) })
    expect(noVersion.status).toBe(400)
    expect(await noVersion.json()).toMatchObject({
      type: 'error',
      error: { type: 'invalid_request_error', message: 'anthropic-version: header is required' },
    })
  })

  it('refuses a request without max_tokens', async () => {
    const { max_tokens: _omitted, ...body } = request
    const error = await client.messages.create(body as never).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(Anthropic.BadRequestError)
    expect(String(error)).toContain('max_tokens')
  })
})
