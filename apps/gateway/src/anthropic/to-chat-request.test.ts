import { AnthropicMessagesRequest } from '@switchyard/contracts'
import { describe, expect, it } from 'vitest'
import { estimateInputTokens } from './estimate-input-tokens.ts'
import { toChatRequest } from './to-chat-request.ts'

const PNG = 'iVBORw0KGgo='

/** A Claude-Code-like conversation: system blocks, a tool round trip with an image, then a question. */
const conversation = {
  model: 'claude-sonnet',
  max_tokens: 1024,
  system: [
    { type: 'text', text: 'You are a coding agent.' },
    { type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } },
  ],
  messages: [
    { role: 'user', content: 'What is in screenshot.png?' },
    {
      role: 'assistant',
      content: [
        { type: 'thinking', thinking: 'I should read it.', signature: 'sig' },
        { type: 'text', text: 'Let me look.' },
        { type: 'tool_use', id: 'toolu_1', name: 'read_file', input: { path: 'screenshot.png' } },
      ],
    },
    {
      role: 'user',
      content: [
        { type: 'text', text: 'Here it is.' },
        {
          type: 'tool_result',
          tool_use_id: 'toolu_1',
          content: [
            { type: 'text', text: 'binary file, 2 KB' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
          ],
        },
        { type: 'image', source: { type: 'url', url: 'https://example.com/b.jpg' } },
      ],
    },
    {
      role: 'assistant',
      content: [{ type: 'tool_use', id: 'toolu_2', name: 'list_dir', input: {} }],
    },
    {
      role: 'user',
      content: [{ type: 'tool_result', tool_use_id: 'toolu_2', content: 'no such directory', is_error: true }],
    },
  ],
  tools: [
    {
      name: 'read_file',
      description: 'Reads a file',
      input_schema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
      cache_control: { type: 'ephemeral' },
    },
    { name: 'list_dir', input_schema: { type: 'object', properties: {} } },
  ],
  tool_choice: { type: 'any', disable_parallel_tool_use: true },
  stop_sequences: ['</answer>'],
  temperature: 0.2,
  top_p: 0.9,
  top_k: 40,
  thinking: { type: 'enabled', budget_tokens: 2048 },
  stream: true,
  metadata: { user_id: 'user-42' },
  service_tier: 'auto',
}

describe('Anthropic request → canonical request', () => {
  it('translates system, turns, tool uses, tool results and images in order', () => {
    const { request, droppedFields } = toChatRequest(AnthropicMessagesRequest.parse(conversation))
    expect(request).toEqual({
      model: 'claude-sonnet',
      max_completion_tokens: 1024,
      stream: true,
      stop: ['</answer>'],
      temperature: 0.2,
      top_p: 0.9,
      user: 'user-42',
      tool_choice: 'required',
      parallel_tool_calls: false,
      tools: [
        {
          type: 'function',
          function: {
            name: 'read_file',
            description: 'Reads a file',
            parameters: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
          },
        },
        { type: 'function', function: { name: 'list_dir', parameters: { type: 'object', properties: {} } } },
      ],
      messages: [
        { role: 'system', content: 'You are a coding agent.\n\nBe brief.' },
        { role: 'user', content: 'What is in screenshot.png?' },
        {
          role: 'assistant',
          content: 'Let me look.',
          tool_calls: [
            {
              id: 'toolu_1',
              type: 'function',
              function: { name: 'read_file', arguments: '{"path":"screenshot.png"}' },
            },
          ],
        },
        // The tool result comes first; its image moves into the user message, in block order.
        { role: 'tool', tool_call_id: 'toolu_1', content: 'binary file, 2 KB' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Here it is.' },
            { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
            { type: 'image_url', image_url: { url: 'https://example.com/b.jpg' } },
          ],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'toolu_2', type: 'function', function: { name: 'list_dir', arguments: '{}' } }],
        },
        { role: 'tool', tool_call_id: 'toolu_2', content: 'Error: no such directory' },
      ],
    })
    expect([...droppedFields].sort()).toEqual(['service_tier', 'thinking', 'top_k'])
  })

  it('maps each tool_choice, and sends none of it without tools', () => {
    const base = { model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }
    const tools = [{ name: 'f', input_schema: { type: 'object' } }]
    const choose = (tool_choice: unknown) =>
      toChatRequest(AnthropicMessagesRequest.parse({ ...base, tools, tool_choice })).request
    expect(choose({ type: 'auto' })).toMatchObject({ tool_choice: 'auto' })
    expect(choose({ type: 'none' })).toMatchObject({ tool_choice: 'none' })
    expect(choose({ type: 'tool', name: 'f' })).toMatchObject({
      tool_choice: { type: 'function', function: { name: 'f' } },
    })
    expect(choose({ type: 'auto', disable_parallel_tool_use: false })).not.toHaveProperty('parallel_tool_calls')
    const withoutTools = toChatRequest(
      AnthropicMessagesRequest.parse({ ...base, tool_choice: { type: 'any' } }),
    ).request
    expect(withoutTools).toEqual({
      model: 'm',
      max_completion_tokens: 5,
      messages: [{ role: 'user', content: 'hi' }],
    })
  })

  it('refuses what it cannot translate, naming the field', () => {
    const base = { model: 'm', max_tokens: 5 }
    const issueOf = (body: unknown) => {
      const issue = AnthropicMessagesRequest.safeParse(body).error?.issues[0]
      return { path: issue?.path, message: issue?.message }
    }
    const document = { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBE' } }
    expect(
      issueOf({ ...base, messages: [{ role: 'user', content: [{ type: 'text', text: 'x' }, document] }] }),
    ).toEqual({
      path: ['messages', 0, 'content', 1, 'type'],
      message: expect.stringContaining('"document" are not supported'),
    })
    const webSearch = { type: 'web_search_20250305', name: 'web_search', max_uses: 3 }
    expect(issueOf({ ...base, messages: [{ role: 'user', content: 'x' }], tools: [webSearch] })).toEqual({
      path: ['tools', 0, 'type'],
      message: expect.stringContaining('server tools such as "web_search_20250305" are not supported'),
    })
    expect(issueOf({ model: 'm', messages: [{ role: 'user', content: 'x' }] }).path).toEqual(['max_tokens'])
    expect(issueOf({ ...base, messages: [{ role: 'system', content: 'x' }] })).toEqual({
      path: ['messages', 0, 'role'],
      message: expect.stringContaining('role must be "user" or "assistant"'),
    })
    const toolUseFromUser = { type: 'tool_use', id: 't', name: 'f', input: {} }
    expect(issueOf({ ...base, messages: [{ role: 'user', content: [toolUseFromUser] }] }).message).toContain(
      'unsupported user content block type "tool_use"',
    )
  })
})

describe('count_tokens estimate', () => {
  it('counts about four characters per token, a flat count per image and a little per turn', () => {
    const body = AnthropicMessagesRequest.parse({
      model: 'm',
      max_tokens: 1,
      system: 'x'.repeat(40),
      messages: [
        { role: 'user', content: 'y'.repeat(400) },
        {
          role: 'user',
          content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } }],
        },
      ],
    })
    expect(estimateInputTokens(body)).toBe(110 + 1_600 + 8)
  })
})
