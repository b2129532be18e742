import { AnthropicMessage } from '@switchyard/contracts'
import { describe, expect, it } from 'vitest'
import { answerCompletion, answerUsage } from './canonical-fixtures.ts'
import { type MessageContext, stopReasonOf, toAnthropicMessage, toolInput } from './to-anthropic-message.ts'

const context: MessageContext = { messageId: 'msg_1', model: 'claude-sonnet', stopSequences: [] }

describe('canonical completion → Anthropic message', () => {
  it('gives a text block, then one tool_use block per call, with the usage Anthropic counts', () => {
    const message = toAnthropicMessage({ completion: answerCompletion, usage: answerUsage }, context)
    expect(message).toEqual({
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet',
      content: [
        { type: 'text', text: 'Checking the weather in two cities.' },
        { type: 'tool_use', id: 'call_a', name: 'weather', input: { city: 'Paris', unit: 'C' } },
        { type: 'tool_use', id: 'call_b', name: 'weather', input: { city: 'Oslo' } },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: 300, output_tokens: 42, cache_read_input_tokens: 600, cache_creation_input_tokens: 100 },
    })
    expect(AnthropicMessage.safeParse(message).success).toBe(true)
  })

  it('reports the stop sequence when the provider says which one matched', () => {
    const choice = answerCompletion.choices[0]
    if (!choice) throw new Error('fixture has a choice')
    const completion = {
      ...answerCompletion,
      choices: [
        {
          ...choice,
          message: { role: 'assistant' as const, content: 'A' },
          finish_reason: 'stop' as const,
          stop_reason: '</a>',
        },
      ],
    }
    const message = toAnthropicMessage({ completion, usage: answerUsage }, { ...context, stopSequences: ['</a>'] })
    expect(message).toMatchObject({
      content: [{ type: 'text', text: 'A' }],
      stop_reason: 'stop_sequence',
      stop_sequence: '</a>',
    })
    const unmatched = toAnthropicMessage({ completion, usage: answerUsage }, context)
    expect(unmatched).toMatchObject({ stop_reason: 'end_turn', stop_sequence: null })
  })

  it('maps finish reasons to stop reasons', () => {
    expect(stopReasonOf('stop', false, null)).toBe('end_turn')
    expect(stopReasonOf('stop', false, '###')).toBe('stop_sequence')
    expect(stopReasonOf('length', false, null)).toBe('max_tokens')
    expect(stopReasonOf('tool_calls', true, null)).toBe('tool_use')
    expect(stopReasonOf('content_filter', false, null)).toBe('refusal')
    // Some OpenAI-compatible servers say `stop` after tool calls.
    expect(stopReasonOf('stop', true, null)).toBe('tool_use')
    expect(stopReasonOf(null, false, null)).toBe('end_turn')
  })

  it('parses tool arguments into an object, keeping unparsable ones raw', () => {
    expect(toolInput('{"a":1}')).toEqual({ a: 1 })
    expect(toolInput('')).toEqual({})
    expect(toolInput('{"a":')).toEqual({ _raw: '{"a":' })
    expect(toolInput('[1,2]')).toEqual({ _raw: '[1,2]' })
  })
})
