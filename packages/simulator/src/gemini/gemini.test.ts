import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { countTokens } from '../core/tokenizer.ts'
import { type RunningSimulator, startSimulator } from '../server/start-simulator.ts'
import { parseSse } from '../testing/parse-sse.ts'

let simulator: RunningSimulator
beforeAll(async () => {
  simulator = await startSimulator({ port: 0 })
})
afterAll(() => simulator.close())

const model = 'gemini-2.5-flash'
const body = {
  systemInstruction: { parts: [{ text: 'Be brief.' }] },
  contents: [{ role: 'user', parts: [{ text: 'What is a switchyard?' }] }],
}

interface GeminiPart {
  readonly text?: string
  readonly functionCall?: { readonly name: string; readonly args: Record<string, unknown> }
}
interface GeminiResponse {
  readonly candidates: readonly {
    readonly content: { readonly parts: readonly GeminiPart[]; readonly role: string }
    readonly finishReason?: string
  }[]
  readonly usageMetadata?: Record<string, unknown>
}

async function answer(method: string, payload: unknown, query = '', headers: Record<string, string> = {}) {
  return (await (await call(method, payload, query, headers)).json()) as GeminiResponse
}

const textOf = (response: GeminiResponse | undefined) => response?.candidates[0]?.content.parts[0]?.text ?? ''

async function call(method: string, payload: unknown, query = '', headers: Record<string, string> = {}) {
  return await fetch(`${simulator.url}/gemini/v1beta/models/${model}:${method}${query}`, {
    method: 'POST',
    headers: { 'x-goog-api-key': 'g-key', 'content-type': 'application/json', ...headers },
    body: JSON.stringify(payload),
  })
}

describe('Gemini generateContent', () => {
  it('answers a GenerateContentResponse with usage equal to the tokenizer count', async () => {
    const response = await call('generateContent', body)
    expect(response.status).toBe(200)
    const json = (await response.json()) as GeminiResponse
    const text = textOf(json)
    expect(json).toEqual({
      candidates: [{ content: { parts: [{ text }], role: 'model' }, finishReason: 'STOP', index: 0 }],
      usageMetadata: {
        promptTokenCount: countTokens('Be brief.') + countTokens('What is a switchyard?'),
        candidatesTokenCount: countTokens(text),
        totalTokenCount: countTokens('Be brief.') + countTokens('What is a switchyard?') + countTokens(text),
        promptTokensDetails: [{ modality: 'TEXT', tokenCount: 8 }],
      },
      modelVersion: model,
      responseId: expect.any(String),
    })
  })

  it('streams the same text and usage as SSE (alt=sse) and as a JSON array', async () => {
    const whole = await answer('generateContent', body)
    const sse = await call('streamGenerateContent', body, '?alt=sse')
    expect(sse.headers.get('content-type')).toContain('text/event-stream')
    const chunks = parseSse(await sse.text()).map(({ data }) => JSON.parse(data) as GeminiResponse)
    expect(chunks.map(textOf).join('')).toBe(textOf(whole))
    expect(chunks).toHaveLength(Number(whole.usageMetadata?.candidatesTokenCount))
    expect(chunks.at(-1)?.candidates[0]?.finishReason).toBe('STOP')
    expect(chunks.at(-1)?.usageMetadata).toEqual(whole.usageMetadata)
    const array = (await (await call('streamGenerateContent', body)).json()) as GeminiResponse[]
    expect(array).toHaveLength(chunks.length)
    expect(array.at(-1)?.usageMetadata).toEqual(whole.usageMetadata)
  })

  it('calls a function, then quotes its response', async () => {
    const tools = [
      {
        functionDeclarations: [
          {
            name: 'get_weather',
            description: 'Weather for a city',
            parameters: { type: 'OBJECT', properties: { city: { type: 'STRING' } }, required: ['city'] },
          },
        ],
      },
    ]
    const first = await answer('generateContent', { ...body, tools })
    const part = first.candidates[0]?.content.parts[0]
    expect(part).toEqual({ functionCall: { name: 'get_weather', args: { city: expect.any(String) } } })
    expect(first.candidates[0]?.finishReason).toBe('STOP')
    const contents = [
      ...body.contents,
      { role: 'model', parts: [part] },
      { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { sky: 'clear', degrees: 21 } } }] },
    ]
    const second = await answer('generateContent', { ...body, contents, tools })
    expect(textOf(second)).toContain('{"sky":"clear","degrees":21}')
  })

  it('honours maxOutputTokens, JSON mode and an inline image', async () => {
    const capped = await answer('generateContent', { ...body, generationConfig: { maxOutputTokens: 4 } })
    expect(capped.candidates[0]?.finishReason).toBe('MAX_TOKENS')
    expect(capped.usageMetadata?.candidatesTokenCount).toBe(4)
    const json = await answer('generateContent', {
      ...body,
      generationConfig: {
        responseMimeType: 'application/json',
        responseSchema: { type: 'OBJECT', properties: { name: { type: 'STRING' } }, required: ['name'] },
      },
    })
    expect(JSON.parse(textOf(json))).toEqual({ name: expect.any(String) })
    const image = {
      contents: [
        { parts: [{ text: 'What is this?' }, { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } }] },
      ],
    }
    const seen = await answer('generateContent', image, '?key=query-key', { 'x-goog-api-key': '' })
    expect(textOf(seen)).toMatch(/^I see 1 image\./)
  })

  it('refuses a missing key and a bad body in Google error shape', async () => {
    const noKey = await fetch(`${simulator.url}/gemini/v1beta/models/${model}:generateContent`, {
      method: 'POST',
      body: JSON.stringify(body),
    })
    expect(noKey.status).toBe(403)
    expect(await noKey.json()).toEqual({
      error: { code: 403, message: expect.any(String), status: 'PERMISSION_DENIED' },
    })
    const bad = await call('generateContent', { contents: [] })
    expect(bad.status).toBe(400)
    expect(await bad.json()).toEqual({ error: { code: 400, message: expect.any(String), status: 'INVALID_ARGUMENT' } })
  })
})
