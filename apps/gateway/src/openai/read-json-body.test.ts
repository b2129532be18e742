import { ChatCompletionRequest, ErrorBody } from '@switchyard/contracts'
import { HttpError, toErrorResponse } from '@switchyard/http-server'
import { describe, expect, it } from 'vitest'
import { readJsonBody, renderParam } from './read-json-body.ts'

const LIMIT = 1024

async function errorOf(body: NonNullable<RequestInit['body']>, headers: Record<string, string> = {}) {
  const request = new Request('http://gateway/v1/chat/completions', {
    method: 'POST',
    body,
    headers,
    duplex: 'half',
  } as RequestInit)
  try {
    await readJsonBody(request, ChatCompletionRequest, LIMIT)
  } catch (error) {
    expect(error).toBeInstanceOf(HttpError)
    const { status, body: errorBody } = toErrorResponse(error)
    return { status, error: ErrorBody.parse(errorBody).error }
  }
  throw new Error('expected the body to be refused')
}

const valid = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }

describe('readJsonBody', () => {
  it('parses a valid request and keeps unknown fields for pass-through', async () => {
    const request = new Request('http://gateway/', {
      method: 'POST',
      body: JSON.stringify({ ...valid, logit_bias: { '50256': -100 }, service_tier: 'auto' }),
    })
    const parsed = await readJsonBody(request, ChatCompletionRequest, LIMIT)
    expect(parsed.model).toBe('gpt-4o-mini')
    expect(parsed).toMatchObject({ logit_bias: { '50256': -100 }, service_tier: 'auto' })
  })

  it.each([
    ['malformed JSON', '{"model": "x",', 400, 'invalid_json', null],
    ['a JSON array', '[1,2]', 400, 'invalid_json', null],
    ['a JSON string', '"hello"', 400, 'invalid_json', null],
    ['an empty body', '', 400, 'invalid_json', null],
    ['missing model', JSON.stringify({ messages: valid.messages }), 400, 'missing_required_parameter', 'model'],
    ['missing messages', JSON.stringify({ model: 'x' }), 400, 'missing_required_parameter', 'messages'],
    ['empty messages', JSON.stringify({ model: 'x', messages: [] }), 400, 'invalid_value', 'messages'],
    ['model of the wrong type', JSON.stringify({ ...valid, model: 42 }), 400, 'invalid_type', 'model'],
    ['temperature as a string', JSON.stringify({ ...valid, temperature: 'hot' }), 400, 'invalid_type', 'temperature'],
    ['temperature out of range', JSON.stringify({ ...valid, temperature: 3 }), 400, 'invalid_value', 'temperature'],
    [
      'an unknown role',
      JSON.stringify({ ...valid, messages: [{ role: 'wizard', content: 'x' }] }),
      400,
      'invalid_value',
      'messages[0].role',
    ],
    [
      'content of the wrong type',
      JSON.stringify({ ...valid, messages: [{ role: 'user', content: 7 }] }),
      400,
      'invalid_value',
      'messages[0].content',
    ],
    [
      'a tool without a name',
      JSON.stringify({ ...valid, tools: [{ type: 'function', function: {} }] }),
      400,
      'missing_required_parameter',
      'tools[0].function.name',
    ],
    ['n of zero', JSON.stringify({ ...valid, n: 0 }), 400, 'invalid_value', 'n'],
    ['max_tokens negative', JSON.stringify({ ...valid, max_tokens: -5 }), 400, 'invalid_value', 'max_tokens'],
    ['stream as a string', JSON.stringify({ ...valid, stream: 'yes' }), 400, 'invalid_type', 'stream'],
  ])('refuses %s', async (_name, body, status, code, param) => {
    const { status: actualStatus, error } = await errorOf(body)
    expect(actualStatus).toBe(status)
    expect(error.code).toBe(code)
    expect(error.param).toBe(param)
    expect(error.type).toBe('invalid_request_error')
  })

  it('names the param in the message, as OpenAI does', async () => {
    expect((await errorOf(JSON.stringify({ model: 'x' }))).error.message).toBe(
      "Missing required parameter: 'messages'.",
    )
    expect((await errorOf(JSON.stringify({ ...valid, temperature: 'hot' }))).error.message).toBe(
      "Invalid type for 'temperature': expected number, but got a string instead.",
    )
  })

  it('refuses a body over the limit, declared or streamed in chunks', async () => {
    const big = JSON.stringify({ ...valid, padding: 'x'.repeat(LIMIT) })
    expect(await errorOf(big)).toMatchObject({ status: 413, error: { code: 'request_too_large' } })
    const encoder = new TextEncoder()
    const chunked = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let index = 0; index < 8; index += 1) controller.enqueue(encoder.encode('x'.repeat(200)))
        controller.close()
      },
    })
    expect(await errorOf(chunked)).toMatchObject({ status: 413 })
  })

  it('refuses bytes that are not UTF-8', async () => {
    const bytes = new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])
    expect(await errorOf(bytes)).toMatchObject({ status: 400, error: { code: 'invalid_encoding' } })
  })

  it('accepts unicode in content', async () => {
    const request = new Request('http://gateway/', {
      method: 'POST',
      body: JSON.stringify({ ...valid, messages: [{ role: 'user', content: 'héllo 世界 🚀 \u0000' }] }),
    })
    const parsed = await readJsonBody(request, ChatCompletionRequest, LIMIT)
    expect(parsed.messages[0]?.content).toBe('héllo 世界 🚀 \u0000')
  })
})

describe('renderParam', () => {
  it('renders paths the way OpenAI names params', () => {
    expect(renderParam(['messages', 0, 'content', 1, 'image_url'])).toBe('messages[0].content[1].image_url')
    expect(renderParam([])).toBe('')
  })
})
