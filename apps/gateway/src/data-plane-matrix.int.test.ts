import Anthropic from '@anthropic-ai/sdk'
import OpenAI from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { collectOpenAIStream } from './testing/collect-openai-stream.ts'
import { type GatewayHarness, PROVIDER_FAMILIES, startGatewayHarness } from './testing/gateway-harness.ts'
import { assertMatches, loadOpenAISpecValidators } from './testing/openai-spec-validator.ts'

// A 1×1 transparent PNG.
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=='
const WEATHER_RESULT = 'Sunny, 21 degrees'

let harness: GatewayHarness
let openai: OpenAI
let anthropic: Anthropic
const spec = loadOpenAISpecValidators()

beforeAll(async () => {
  harness = await startGatewayHarness()
  openai = new OpenAI({ apiKey: harness.apiKey, baseURL: `${harness.gatewayUrl}/v1`, maxRetries: 0 })
  anthropic = new Anthropic({ apiKey: harness.apiKey, baseURL: harness.gatewayUrl, maxRetries: 0 })
})
afterAll(async () => {
  await harness?.close()
})

const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Current weather in a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
}

describe.each(PROVIDER_FAMILIES)('provider family %s', (family) => {
  const model = `m-${family}`

  describe('official openai client on /v1/chat/completions', () => {
    async function both(body: OpenAI.Chat.ChatCompletionCreateParamsNonStreaming) {
      const completion = await openai.chat.completions.create(body)
      assertMatches(spec.chatCompletion, completion, 'completion')
      const stream = await openai.chat.completions.create({
        ...body,
        stream: true,
        stream_options: { include_usage: true },
      })
      const streamed = await collectOpenAIStream(stream)
      for (const chunk of streamed.chunks) assertMatches(spec.chatCompletionChunk, chunk, 'chunk')
      const choice = completion.choices[0]
      expect(streamed.content).toBe(choice?.message.content ?? '')
      expect(streamed.finishReason).toBe(choice?.finish_reason)
      expect(streamed.usage).toEqual({
        prompt_tokens: completion.usage?.prompt_tokens,
        completion_tokens: completion.usage?.completion_tokens,
      })
      expect(completion.usage?.completion_tokens).toBeGreaterThan(0)
      return { completion, streamed }
    }

    it('plain text, streaming and not, with equal content and usage', async () => {
      const { completion } = await both({ model, messages: [{ role: 'user', content: 'Tell me about switchyards.' }] })
      expect(completion.choices[0]?.message.content?.length).toBeGreaterThan(0)
      expect(completion.choices[0]?.finish_reason).toBe('stop')
    })

    it('a tool call round trip', async () => {
      const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Weather in Paris?' }]
      const { completion, streamed } = await both({ model, messages, tools: [weatherTool] })
      const call = completion.choices[0]?.message.tool_calls?.[0]
      expect(completion.choices[0]?.finish_reason).toBe('tool_calls')
      expect(call?.type === 'function' && call.function.name).toBe('get_weather')
      const args = JSON.parse(call?.type === 'function' ? call.function.arguments : '{}')
      expect(typeof args.city).toBe('string')
      expect(streamed.toolCalls).toHaveLength(1)
      expect(streamed.toolCalls[0]?.name).toBe('get_weather')
      expect(JSON.parse(streamed.toolCalls[0]?.arguments ?? '{}')).toEqual(args)
      if (!call) throw new Error('no tool call')
      const followUp = await both({
        model,
        tools: [weatherTool],
        messages: [
          ...messages,
          { role: 'assistant', content: null, tool_calls: [call] },
          { role: 'tool', tool_call_id: call.id, content: WEATHER_RESULT },
        ],
      })
      expect(followUp.completion.choices[0]?.message.content).toContain('Sunny')
      expect(followUp.completion.choices[0]?.finish_reason).toBe('stop')
    })

    it('image input', async () => {
      const { completion } = await both({
        model,
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is in this picture?' },
              { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
            ],
          },
        ],
      })
      expect(completion.choices[0]?.message.content).toContain('I see 1 image')
    })
  })

  describe('official anthropic client on /v1/messages', () => {
    async function both(body: Anthropic.MessageCreateParamsNonStreaming) {
      const message = await anthropic.messages.create(body)
      const stream = anthropic.messages.stream(body)
      const eventTypes: string[] = []
      stream.on('streamEvent', (event) => eventTypes.push(event.type))
      const streamed = await stream.finalMessage()
      expect(eventTypes[0]).toBe('message_start')
      expect(eventTypes.at(-1)).toBe('message_stop')
      expect(eventTypes.at(-2)).toBe('message_delta')
      // Tool-use ids may be minted per request (Gemini sends none), so they are compared apart.
      const withoutIds = (content: Anthropic.ContentBlock[]) =>
        content.map((block) => (block.type === 'tool_use' ? { ...block, id: 'id' } : block))
      expect(withoutIds(streamed.content)).toEqual(withoutIds(message.content))
      expect(streamed.stop_reason).toBe(message.stop_reason)
      expect(streamed.usage.input_tokens).toBe(message.usage.input_tokens)
      expect(streamed.usage.output_tokens).toBe(message.usage.output_tokens)
      expect(message.usage.output_tokens).toBeGreaterThan(0)
      return message
    }
    const textOf = (message: Anthropic.Message) =>
      message.content.map((block) => (block.type === 'text' ? block.text : '')).join('')

    it('plain text, streaming and not, with equal content and usage', async () => {
      const message = await both({
        model,
        max_tokens: 256,
        messages: [{ role: 'user', content: 'Tell me about switchyards.' }],
      })
      expect(textOf(message).length).toBeGreaterThan(0)
      expect(message.stop_reason).toBe('end_turn')
    })

    it('a tool use round trip', async () => {
      const tools: Anthropic.Tool[] = [
        {
          name: 'get_weather',
          description: 'Current weather in a city',
          input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        },
      ]
      const question: Anthropic.MessageParam = { role: 'user', content: 'Weather in Paris?' }
      const message = await both({ model, max_tokens: 256, tools, messages: [question] })
      expect(message.stop_reason).toBe('tool_use')
      const toolUse = message.content.find((block) => block.type === 'tool_use')
      expect(toolUse?.type === 'tool_use' && toolUse.name).toBe('get_weather')
      if (toolUse?.type !== 'tool_use') throw new Error('no tool use')
      expect(typeof (toolUse.input as { city?: unknown }).city).toBe('string')
      const answer = await both({
        model,
        max_tokens: 256,
        tools,
        messages: [
          question,
          { role: 'assistant', content: message.content },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUse.id, content: WEATHER_RESULT }] },
        ],
      })
      expect(textOf(answer)).toContain('Sunny')
    })

    it('image input', async () => {
      const message = await both({
        model,
        max_tokens: 256,
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is in this picture?' },
              { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
            ],
          },
        ],
      })
      expect(textOf(message)).toContain('I see 1 image')
    })
  })
})
