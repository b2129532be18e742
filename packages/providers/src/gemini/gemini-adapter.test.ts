import { ChatCompletionRequest } from '@switchyard/contracts'
import { describe, expect, it } from 'vitest'
import { loadAdapterFixtures, runAdapterContract } from '../adapter-contract.ts'
import type { CallContext, ChatStreamEvent } from '../provider-adapter.ts'
import { UpstreamError } from '../upstream-error.ts'
import { geminiAdapter } from './gemini-adapter.ts'

runAdapterContract('gemini', geminiAdapter, loadAdapterFixtures(new URL('./fixtures/', import.meta.url)))

const context: CallContext<'gemini'> = {
  target: { type: 'gemini' },
  upstreamModel: 'gemini-2.5-flash',
  requestId: 'r1',
}
const now = () => 1_766_000_000_000

function bodyOf(messages: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  const request = ChatCompletionRequest.parse({ model: 'm', messages, ...extra })
  const built = geminiAdapter.buildChatRequest(request, context)
  return JSON.parse(String(built.body))
}

async function decode(events: unknown[]): Promise<ChatStreamEvent[]> {
  const text = events.map((event) => `data: ${JSON.stringify(event)}\r\n\r\n`).join('')
  async function* body() {
    yield new TextEncoder().encode(text)
  }
  const out: ChatStreamEvent[] = []
  for await (const event of geminiAdapter.decodeChatStream(body(), context, now)) out.push(event)
  return out
}

describe('gemini tool call ids and signatures', () => {
  it('names each function response after the call it answers, and keeps a returned thought signature', () => {
    const body = bodyOf([
      { role: 'user', content: 'Weather?' },
      {
        role: 'assistant',
        content: 'Checking.',
        tool_calls: [
          {
            id: 'call_r0_0',
            type: 'function',
            function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
            extra_content: { google: { thought_signature: 'c2lnbmF0dXJl' } },
          },
          { id: 'call_r0_1', type: 'function', function: { name: 'get_time', arguments: '' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_r0_1', content: [{ type: 'text', text: '12:00' }] },
      { role: 'tool', tool_call_id: 'call_r0_0', content: 'sunny' },
    ])
    expect(body.contents).toEqual([
      { role: 'user', parts: [{ text: 'Weather?' }] },
      {
        role: 'model',
        parts: [
          { text: 'Checking.' },
          { functionCall: { name: 'get_weather', args: { city: 'Oslo' } }, thoughtSignature: 'c2lnbmF0dXJl' },
          { functionCall: { name: 'get_time', args: {} } },
        ],
      },
      {
        role: 'user',
        parts: [
          { functionResponse: { name: 'get_time', response: { output: '12:00' } } },
          { functionResponse: { name: 'get_weather', response: { output: 'sunny' } } },
        ],
      },
    ])
  })

  it('refuses tool call arguments that are not a JSON object', () => {
    const messages = [
      { role: 'user', content: 'x' },
      { role: 'assistant', tool_calls: [{ id: 'a', type: 'function', function: { name: 'f', arguments: '[1]' } }] },
    ]
    expect(() => bodyOf(messages)).toThrow(UpstreamError)
    expect(() => bodyOf(messages)).toThrow('JSON object')
  })

  it('maps tool_choice to functionCallingConfig', () => {
    const tools = [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: { a: {} } } } }]
    const configOf = (tool_choice: unknown) =>
      bodyOf([{ role: 'user', content: 'x' }], { tools, tool_choice }).toolConfig
    expect(configOf('none')).toEqual({ functionCallingConfig: { mode: 'NONE' } })
    expect(configOf('auto')).toEqual({ functionCallingConfig: { mode: 'AUTO' } })
    expect(configOf({ type: 'function', function: { name: 'f' } })).toEqual({
      functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['f'] },
    })
  })

  it('gives stable ids, distinct across candidates, streamed or not', async () => {
    const call = (city: string) => ({ functionCall: { name: 'get_weather', args: { city } } })
    const response = {
      candidates: [
        { index: 0, content: { role: 'model', parts: [call('A'), call('B')] }, finishReason: 'STOP' },
        { index: 1, content: { role: 'model', parts: [call('C')] }, finishReason: 'STOP' },
      ],
      usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 9 },
    }
    const { completion } = geminiAdapter.parseChatResponse(response, context, now)
    const ids = completion.choices.map((choice) => choice.message.tool_calls?.map((toolCall) => toolCall.id))
    expect(ids).toEqual([['call_r1_0', 'call_r1_1'], ['call_r1_1_0']])

    const events = await decode([
      {
        candidates: [
          { index: 0, content: { parts: [call('A')] } },
          { index: 1, content: { parts: [call('C')] } },
        ],
      },
      { candidates: [{ index: 0, content: { parts: [call('B')] }, finishReason: 'STOP' }] },
      {
        candidates: [{ index: 1, finishReason: 'STOP' }],
        usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 9 },
      },
    ])
    const streamed = events.flatMap((event) =>
      event.chunk.choices.flatMap((choice) =>
        (choice.delta.tool_calls ?? []).map((delta) => [choice.index, delta.index, delta.id]),
      ),
    )
    expect(streamed).toEqual([
      [0, 0, 'call_r1_0'],
      [1, 0, 'call_r1_1_0'],
      [0, 1, 'call_r1_1'],
    ])
    const finishes = events.flatMap((event) =>
      event.chunk.choices.map((choice) => choice.finish_reason).filter(Boolean),
    )
    expect(finishes).toEqual(['tool_calls', 'tool_calls'])
    expect(events.at(-1)).toMatchObject({ kind: 'usage', usage: { inputTokens: 5, outputTokens: 9 } })
  })
})

describe('gemini responses', () => {
  it('leaves thought summaries out of the answer', () => {
    const response = {
      candidates: [
        { content: { parts: [{ text: 'thinking…', thought: true }, { text: 'Answer.' }] }, finishReason: 'STOP' },
      ],
    }
    expect(geminiAdapter.parseChatResponse(response, context, now).completion.choices[0]?.message.content).toBe(
      'Answer.',
    )
  })

  it('turns a blocked prompt into a 400 content_policy error', () => {
    const blocked = { promptFeedback: { blockReason: 'SAFETY' }, usageMetadata: { promptTokenCount: 4 } }
    expect(() => geminiAdapter.parseChatResponse(blocked, context, now)).toThrow(
      expect.objectContaining({ status: 400, errorClass: 'content_policy' }),
    )
  })

  it('refuses a body that is not a GenerateContentResponse', () => {
    expect(() => geminiAdapter.parseChatResponse({ candidates: 'no' }, context, now)).toThrow(
      expect.objectContaining({ status: 502, errorClass: 'server_error' }),
    )
  })
})
