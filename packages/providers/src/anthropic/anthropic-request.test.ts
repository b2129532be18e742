import type { ChatCompletionRequest } from '@switchyard/contracts'
import { describe, expect, it } from 'vitest'
import { UpstreamError } from '../upstream-error.ts'
import { buildAnthropicBody, JSON_RESPONSE_TOOL_NAME } from './anthropic-request.ts'

const tool = { type: 'function' as const, function: { name: 'f', parameters: { type: 'object' } } }
const base: ChatCompletionRequest = { model: 'c', messages: [{ role: 'user', content: 'Hi' }] }

describe('buildAnthropicBody', () => {
  it('turns parallel_tool_calls: false alone into auto without parallel use', () => {
    const body = buildAnthropicBody({ ...base, tools: [tool], parallel_tool_calls: false }, 'm')
    expect(body.tool_choice).toEqual({ type: 'auto', disable_parallel_tool_use: true })
    expect(buildAnthropicBody({ ...base, parallel_tool_calls: false }, 'm')).not.toHaveProperty('tool_choice')
  })

  it('names a tool to force it, and sends tools without a schema as empty objects', () => {
    const body = buildAnthropicBody(
      {
        ...base,
        tools: [{ type: 'function', function: { name: 'g' } }],
        tool_choice: { type: 'function', function: { name: 'g' } },
      },
      'm',
    )
    expect(body.tools).toEqual([{ name: 'g', input_schema: { type: 'object', properties: {} } }])
    expect(body.tool_choice).toEqual({ type: 'tool', name: 'g' })
  })

  it('emulates json_object with a forced tool, and refuses it next to real tools', () => {
    const body = buildAnthropicBody({ ...base, response_format: { type: 'json_object' } }, 'm')
    expect(body.tool_choice).toEqual({ type: 'tool', name: JSON_RESPONSE_TOOL_NAME })
    expect(body.tools).toMatchObject([{ name: JSON_RESPONSE_TOOL_NAME, input_schema: { type: 'object' } }])
    expect(buildAnthropicBody({ ...base, response_format: { type: 'text' } }, 'm')).not.toHaveProperty('tools')
    expect(() => buildAnthropicBody({ ...base, tools: [tool], response_format: { type: 'json_object' } }, 'm')).toThrow(
      UpstreamError,
    )
  })

  it('reads empty tool arguments as {}, leaves empty tool results without content, refuses non-object input', () => {
    const call = { id: 't1', type: 'function' as const, function: { name: 'f', arguments: '' } }
    const body = buildAnthropicBody(
      {
        ...base,
        messages: [
          { role: 'user', content: 'Hi' },
          { role: 'assistant', content: null, tool_calls: [call] },
          { role: 'tool', tool_call_id: 't1', content: '' },
        ],
      },
      'm',
    )
    expect(body.messages).toEqual([
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'f', input: {} }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1' }] },
    ])
    const arrayCall = { ...call, function: { name: 'f', arguments: '[1]' } }
    expect(() =>
      buildAnthropicBody({ ...base, messages: [{ role: 'assistant', content: null, tool_calls: [arrayCall] }] }, 'm'),
    ).toThrow('JSON object')
  })

  it('refuses image URLs it cannot send', () => {
    const image = { type: 'image_url' as const, image_url: { url: 'ftp://example.com/a.png' } }
    expect(() => buildAnthropicBody({ ...base, messages: [{ role: 'user', content: [image] }] }, 'm')).toThrow(
      'https:// URLs',
    )
  })
})
