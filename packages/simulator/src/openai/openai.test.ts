import OpenAI from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { countTokens } from '../core/tokenizer.ts'
import { type RunningSimulator, startSimulator } from '../server/start-simulator.ts'
import { parseSse } from '../testing/parse-sse.ts'

let simulator: RunningSimulator
let client: OpenAI

beforeAll(async () => {
  simulator = await startSimulator({ port: 0 })
  client = new OpenAI({ apiKey: 'sk-test', baseURL: `${simulator.url}/openai/v1`, maxRetries: 0 })
})
afterAll(() => simulator.close())

const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Weather for a city',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
      required: ['city', 'unit'],
    },
  },
}
const timeTool = {
  type: 'function' as const,
  function: { name: 'get_time', parameters: { type: 'object', properties: {} } },
}

describe('OpenAI chat completions through the official SDK', () => {
  const request = {
    model: 'gpt-4o-mini',
    messages: [
      { role: 'system' as const, content: 'You are terse.' },
      { role: 'user' as const, content: 'Tell me about switchyards.' },
    ],
  }

  it('answers deterministically, with usage equal to the tokenizer count', async () => {
    const first = await client.chat.completions.create(request)
    const second = await client.chat.completions.create(request)
    expect(first.object).toBe('chat.completion')
    expect(first.choices[0]?.message).toMatchObject({ role: 'assistant', refusal: null })
    expect(second.choices[0]?.message.content).toBe(first.choices[0]?.message.content)
    const content = first.choices[0]?.message.content ?? ''
    expect(first.usage).toMatchObject({
      prompt_tokens: countTokens('You are terse.') + countTokens('Tell me about switchyards.'),
      completion_tokens: countTokens(content),
      total_tokens: (first.usage?.prompt_tokens ?? 0) + countTokens(content),
    })
    expect(first.choices[0]?.finish_reason).toBe('stop')
  })

  it('streams the same content and usage, one token per chunk', async () => {
    const whole = await client.chat.completions.create(request)
    const stream = await client.chat.completions.create({
      ...request,
      stream: true,
      stream_options: { include_usage: true },
    })
    let content = ''
    let usage: unknown
    let finishReason: string | null = null
    let roleChunks = 0
    let contentChunks = 0
    for await (const chunk of stream) {
      expect(chunk.object).toBe('chat.completion.chunk')
      if (chunk.usage) usage = chunk.usage
      const choice = chunk.choices[0]
      if (choice === undefined) {
        expect(chunk.usage).toBeTruthy()
        continue
      }
      if (choice.delta.role) roleChunks += 1
      if (choice.delta.content) {
        content += choice.delta.content
        contentChunks += 1
      }
      finishReason = choice.finish_reason ?? finishReason
    }
    expect(roleChunks).toBe(1)
    expect(content).toBe(whole.choices[0]?.message.content)
    expect(contentChunks).toBe(whole.usage?.completion_tokens)
    expect(usage).toEqual(whole.usage)
    expect(finishReason).toBe('stop')
  })

  it('caps output at max_tokens with finish_reason length, and honours stop', async () => {
    const capped = await client.chat.completions.create({ ...request, max_completion_tokens: 5 })
    expect(capped.choices[0]?.finish_reason).toBe('length')
    expect(capped.usage?.completion_tokens).toBe(5)
    const full = (await client.chat.completions.create(request)).choices[0]?.message.content ?? ''
    const stop = ` ${full.split(' ')[2]}`
    const stopped = await client.chat.completions.create({ ...request, stop: [stop] })
    expect(stopped.choices[0]?.message.content).toBe(full.slice(0, full.indexOf(stop)))
    expect(stopped.choices[0]?.finish_reason).toBe('stop')
  })

  it('answers n choices', async () => {
    const completion = await client.chat.completions.create({ ...request, n: 3 })
    expect(completion.choices.map((choice) => choice.index)).toEqual([0, 1, 2])
    const total = completion.choices.reduce((sum, choice) => sum + countTokens(choice.message.content ?? ''), 0)
    expect(completion.usage?.completion_tokens).toBe(total)
  })

  it('calls a tool, then quotes its result', async () => {
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Weather in Paris?' }]
    const call = await client.chat.completions.create({ model: 'gpt-4o', messages, tools: [weatherTool, timeTool] })
    const choice = call.choices[0]
    expect(choice?.finish_reason).toBe('tool_calls')
    expect(choice?.message.content).toBeNull()
    const [toolCall] = choice?.message.tool_calls ?? []
    if (toolCall?.type !== 'function') throw new Error('expected a function call')
    expect(toolCall.function.name).toBe('get_weather')
    expect(JSON.parse(toolCall.function.arguments)).toEqual({ city: expect.any(String), unit: 'celsius' })
    const result = '{"temperature":21,"sky":"clear","wind":"light breeze from the west"}'
    messages.push(choice?.message as OpenAI.ChatCompletionMessageParam, {
      role: 'tool',
      tool_call_id: toolCall.id,
      content: result,
    })
    const answer = await client.chat.completions.create({ model: 'gpt-4o', messages, tools: [weatherTool, timeTool] })
    expect(answer.choices[0]?.finish_reason).toBe('stop')
    expect(answer.choices[0]?.message.content).toContain(`"${result.slice(0, 40)}"`)
  })

  it('streams parallel tool calls as index/id/name once, then argument pieces', async () => {
    const body = {
      model: 'gpt-4o',
      messages: [{ role: 'user' as const, content: 'Weather and time?' }],
      tools: [weatherTool, timeTool],
      parallel_tool_calls: true,
    }
    const whole = await client.chat.completions.create(body)
    expect(whole.choices[0]?.message.tool_calls?.map((call) => call.id)).toHaveLength(2)
    const response = await fetch(`${simulator.url}/openai/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-test', 'content-type': 'application/json' },
      body: JSON.stringify({ ...body, stream: true }),
    })
    const calls = new Map<number, { id: string; name: string; arguments: string }>()
    for (const { data } of parseSse(await response.text())) {
      if (data === '[DONE]') continue
      for (const delta of JSON.parse(data).choices[0]?.delta.tool_calls ?? []) {
        if (delta.id !== undefined) {
          expect(delta).toMatchObject({ type: 'function', function: { name: expect.any(String), arguments: '' } })
          calls.set(delta.index, { id: delta.id, name: delta.function.name, arguments: '' })
        } else {
          expect(delta.function.name).toBeUndefined()
          const call = calls.get(delta.index)
          if (call) call.arguments += delta.function.arguments
        }
      }
    }
    expect([...calls.values()]).toEqual(
      whole.choices[0]?.message.tool_calls?.map((call) =>
        call.type === 'function' ? { id: call.id, name: call.function.name, arguments: call.function.arguments } : {},
      ),
    )
  })

  it('answers JSON matching a json_schema response format, and accepts images', async () => {
    const completion = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Describe these.' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
          ],
        },
      ],
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'description',
          strict: true,
          schema: {
            type: 'object',
            properties: {
              title: { type: 'string' },
              count: { type: 'integer' },
              tags: { type: 'array', items: { type: 'string' } },
            },
            required: ['title', 'count', 'tags'],
            additionalProperties: false,
          },
        },
      },
    })
    expect(JSON.parse(completion.choices[0]?.message.content ?? '')).toEqual({
      title: expect.any(String),
      count: expect.any(Number),
      tags: [expect.any(String)],
    })
    const seen = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [
        {
          role: 'user',
          content: [{ type: 'image_url', image_url: { url: 'https://example.com/a.png' } }],
        },
      ],
    })
    expect(seen.choices[0]?.message.content).toMatch(/^I see 1 image\./)
  })
})

describe('OpenAI embeddings and models', () => {
  it('returns deterministic unit vectors, as floats or base64', async () => {
    const floats = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input: ['hello world', 'goodbye'],
      encoding_format: 'float',
    })
    expect(floats.data).toHaveLength(2)
    const vector = floats.data[0]?.embedding ?? []
    expect(vector).toHaveLength(1536)
    expect(Math.hypot(...vector)).toBeCloseTo(1, 4)
    expect(floats.usage).toEqual({ prompt_tokens: 3, total_tokens: 3 })
    // The SDK asks for base64 by default and decodes it back to floats.
    const decoded = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'hello world' })
    expect(decoded.data[0]?.embedding).toEqual(vector)
    const large = await client.embeddings.create({ model: 'text-embedding-3-large', input: 'x', dimensions: 256 })
    expect(large.data[0]?.embedding).toHaveLength(256)
  })

  it('lists models', async () => {
    const ids: string[] = []
    for await (const model of client.models.list()) ids.push(model.id)
    expect(ids).toContain('gpt-4o')
    expect((await client.models.retrieve('gpt-4o-mini')).id).toBe('gpt-4o-mini')
  })
})

describe('OpenAI errors', () => {
  it('refuses a request without a bearer key with 401 in OpenAI shape', async () => {
    const response = await fetch(`${simulator.url}/openai/v1/chat/completions`, { method: 'POST', body: '{}' })
    expect(response.status).toBe(401)
    expect(await response.json()).toEqual({
      error: { message: expect.any(String), type: 'invalid_request_error', param: null, code: 'invalid_api_key' },
    })
  })

  it('names the missing field', async () => {
    const error = await client.chat.completions.create({ model: 'gpt-4o' } as never).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(OpenAI.BadRequestError)
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('messages')
  })
})
