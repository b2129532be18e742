import { EventStreamCodec } from '@smithy/eventstream-codec'
import { fromUtf8, toUtf8 } from '@smithy/util-utf8'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { countTokens } from '../core/tokenizer.ts'
import { type RunningSimulator, startSimulator } from '../server/start-simulator.ts'
import { signAwsRequest } from '../testing/sign-aws-request.ts'
import { signWithSmithy } from '../testing/smithy-signer.ts'

const credentials = { accessKeyId: 'AKIDSIMULATOR', secretAccessKey: 'simulator/secret+KEY' }
const modelId = 'anthropic.claude-3-5-haiku-20241022-v1:0'
let simulator: RunningSimulator

beforeAll(async () => {
  simulator = await startSimulator({ port: 0, bedrockCredentials: credentials })
})
afterAll(() => simulator.close())

const body = {
  system: [{ text: 'Be brief.' }],
  messages: [{ role: 'user', content: [{ text: 'What is a switchyard?' }] }],
  inferenceConfig: { maxTokens: 200 },
}

function urlOf(operation: 'converse' | 'converse-stream'): string {
  return `${simulator.url}/bedrock/model/${encodeURIComponent(modelId)}/${operation}`
}

interface ConverseBlock {
  readonly text?: string
  readonly toolUse?: { readonly toolUseId: string; readonly name: string; readonly input: Record<string, unknown> }
}
interface ConverseBody {
  readonly output: { readonly message: { readonly role: string; readonly content: readonly ConverseBlock[] } }
  readonly stopReason: string
  readonly usage: Record<string, number>
  readonly message?: string
}

async function converse(payload: unknown): Promise<ConverseBody> {
  return (await (await send('converse', payload)).json()) as ConverseBody
}

const textOf = (body: ConverseBody) => body.output.message.content[0]?.text ?? ''

async function send(
  operation: 'converse' | 'converse-stream',
  payload: unknown,
  overrides: Partial<typeof credentials> = {},
) {
  const json = JSON.stringify(payload)
  const headers = signAwsRequest({
    url: urlOf(operation),
    body: json,
    region: 'us-east-1',
    ...credentials,
    ...overrides,
  })
  return await fetch(urlOf(operation), { method: 'POST', headers, body: json })
}

const codec = new EventStreamCodec(toUtf8, fromUtf8)

/** Splits an event-stream body into messages by their length prefix, and decodes each. */
function decodeFrames(bytes: Uint8Array) {
  const events: { type: string; headers: Record<string, unknown>; payload: Record<string, unknown> }[] = []
  let offset = 0
  while (offset < bytes.length) {
    const length = new DataView(bytes.buffer, bytes.byteOffset + offset, 4).getUint32(0)
    const message = codec.decode(bytes.subarray(offset, offset + length))
    const headers = Object.fromEntries(Object.entries(message.headers).map(([name, header]) => [name, header.value]))
    events.push({ type: String(headers[':event-type']), headers, payload: JSON.parse(toUtf8(message.body)) })
    offset += length
  }
  return events
}

describe('Bedrock Converse', () => {
  it('answers a signed request with the Converse shape and tokenizer usage', async () => {
    const response = await send('converse', body)
    expect(response.status).toBe(200)
    const json = (await response.json()) as ConverseBody
    const text = textOf(json)
    const inputTokens = countTokens('Be brief.') + countTokens('What is a switchyard?')
    expect(json).toEqual({
      output: { message: { role: 'assistant', content: [{ text }] } },
      stopReason: 'end_turn',
      usage: { inputTokens, outputTokens: countTokens(text), totalTokens: inputTokens + countTokens(text) },
      metrics: { latencyMs: expect.any(Number) },
    })
  })

  it('streams the same answer as event-stream frames', async () => {
    const whole = await converse(body)
    const response = await send('converse-stream', body)
    expect(response.headers.get('content-type')).toBe('application/vnd.amazon.eventstream')
    const events = decodeFrames(new Uint8Array(await response.arrayBuffer()))
    for (const event of events) {
      expect(event.headers).toMatchObject({ ':content-type': 'application/json', ':message-type': 'event' })
    }
    const types = events.map((event) => event.type)
    expect(types[0]).toBe('messageStart')
    expect(types.slice(-3)).toEqual(['contentBlockStop', 'messageStop', 'metadata'])
    const text = events
      .filter((event) => event.type === 'contentBlockDelta')
      .map((event) => (event.payload.delta as { text: string }).text)
      .join('')
    expect(text).toBe(textOf(whole))
    expect(events.at(-2)?.payload).toEqual({ stopReason: 'end_turn' })
    expect(events.at(-1)?.payload).toEqual({ usage: whole.usage, metrics: { latencyMs: expect.any(Number) } })
  })

  it('uses a tool (streamed as start + input deltas), then quotes its result', async () => {
    const toolConfig = {
      tools: [
        {
          toolSpec: {
            name: 'get_weather',
            inputSchema: { json: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
          },
        },
      ],
    }
    const call = await converse({ ...body, toolConfig })
    expect(call.stopReason).toBe('tool_use')
    const toolUse = call.output.message.content[0]?.toolUse
    if (toolUse === undefined) throw new Error('expected a tool use')
    expect(toolUse).toEqual({
      toolUseId: expect.stringMatching(/^tooluse_/),
      name: 'get_weather',
      input: { city: expect.any(String) },
    })

    const events = decodeFrames(
      new Uint8Array(await (await send('converse-stream', { ...body, toolConfig })).arrayBuffer()),
    )
    expect(events[1]?.payload).toEqual({
      contentBlockIndex: 0,
      start: { toolUse: { toolUseId: toolUse.toolUseId, name: 'get_weather' } },
    })
    const input = events
      .filter((event) => event.type === 'contentBlockDelta')
      .map((event) => (event.payload.delta as { toolUse: { input: string } }).toolUse.input)
      .join('')
    expect(JSON.parse(input)).toEqual(toolUse.input)

    const messages = [
      ...body.messages,
      call.output.message,
      {
        role: 'user',
        content: [{ toolResult: { toolUseId: toolUse.toolUseId, content: [{ json: { sky: 'clear' } }] } }],
      },
    ]
    const answer = await converse({ ...body, messages, toolConfig })
    expect(answer.stopReason).toBe('end_turn')
    expect(textOf(answer)).toContain('"{"sky":"clear"}"')
  })
})

describe('Bedrock SigV4', () => {
  it('accepts a request signed by AWS’s own signer, model id with a colon included', async () => {
    const json = JSON.stringify(body)
    const headers = await signWithSmithy({
      url: urlOf('converse'),
      body: json,
      region: 'ap-southeast-2',
      ...credentials,
    })
    expect(headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDSIMULATOR\/\d{8}\/ap-southeast-2\/bedrock\/aws4_request/,
    )
    const response = await fetch(urlOf('converse'), { method: 'POST', headers, body: json })
    expect(response.status).toBe(200)
    const tampered = await fetch(urlOf('converse'), {
      method: 'POST',
      headers,
      body: json.replace('Be brief', 'Be long'),
    })
    expect(tampered.status).toBe(403)
  })

  it('rejects a tampered body, a wrong secret and an unknown key like AWS', async () => {
    const json = JSON.stringify(body)
    const headers = signAwsRequest({ url: urlOf('converse'), body: json, region: 'eu-west-1', ...credentials })
    const tampered = await fetch(urlOf('converse'), {
      method: 'POST',
      headers,
      body: json.replace('switchyard', 'railyard'),
    })
    expect(tampered.status).toBe(403)
    expect(tampered.headers.get('x-amzn-errortype')).toBe('InvalidSignatureException')
    expect(((await tampered.json()) as ConverseBody).message).toMatch(
      /^The request signature we calculated does not match/,
    )

    const wrongSecret = await send('converse', body, { secretAccessKey: 'not-the-secret' })
    expect(wrongSecret.status).toBe(403)
    const unknownKey = await send('converse', body, { accessKeyId: 'AKIDOTHER' })
    expect(unknownKey.headers.get('x-amzn-errortype')).toBe('UnrecognizedClientException')
  })

  it('checks the header format, the region and the service', async () => {
    const json = JSON.stringify(body)
    const post = (headers: Record<string, string>) => fetch(urlOf('converse'), { method: 'POST', headers, body: json })
    const missing = await post({})
    expect(missing.status).toBe(403)
    expect(missing.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException')
    expect((await post({ authorization: 'Bearer nope' })).headers.get('x-amzn-errortype')).toBe(
      'IncompleteSignatureException',
    )
    const wrongService = signAwsRequest({
      url: urlOf('converse'),
      body: json,
      region: 'us-east-1',
      service: 's3',
      ...credentials,
    })
    expect(await (await post(wrongService)).json()).toEqual({
      message: "Credential should be scoped to correct service: 'bedrock'.",
    })
    const badRegion = signAwsRequest({ url: urlOf('converse'), body: json, region: 'Mars', ...credentials })
    expect((await post(badRegion)).status).toBe(403)
  })

  it('refuses a bad body with a ValidationException', async () => {
    const response = await send('converse', { messages: [] })
    expect(response.status).toBe(400)
    expect(response.headers.get('x-amzn-errortype')).toBe('ValidationException')
    expect(((await response.json()) as ConverseBody).message).toMatch(/^1 validation error detected/)
  })
})
