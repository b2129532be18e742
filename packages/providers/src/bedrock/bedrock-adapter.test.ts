import { existsSync, readFileSync } from 'node:fs'
import { ChatCompletionRequest } from '@switchyard/contracts'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { type LoadedAdapterFixture, loadAdapterFixtures, runAdapterContract } from '../adapter-contract.ts'
import type { CallContext, ChatStreamEvent } from '../provider-adapter.ts'
import { bedrockAdapter, createBedrockAdapter } from './bedrock-adapter.ts'
import { encodeEventStream, TranscriptFrame } from './event-stream-transcript.ts'

/**
 * Bedrock streams are binary, so fixtures keep them as JSON frame lists in `fixtures/streams/`
 * (same file name); the test encodes them with smithy's encoder into the transcript the contract
 * suite feeds, whole, byte by byte and in random-sized pieces.
 */
function withTranscripts(fixtures: LoadedAdapterFixture[]): LoadedAdapterFixture[] {
  return fixtures.map(({ file, fixture }) => {
    const path = new URL(`./fixtures/streams/${file}`, import.meta.url)
    if (!existsSync(path) || (fixture.kind !== 'chat' && fixture.kind !== 'stream-error')) return { file, fixture }
    const frames = z.array(TranscriptFrame).parse(JSON.parse(readFileSync(path, 'utf8')))
    const transcriptBase64 = Buffer.from(encodeEventStream(frames)).toString('base64')
    return { file, fixture: { ...fixture, transcriptBase64 } }
  })
}

runAdapterContract(
  'bedrock',
  bedrockAdapter,
  withTranscripts(loadAdapterFixtures(new URL('./fixtures/', import.meta.url))),
)

const context: CallContext<'bedrock'> = {
  target: { type: 'bedrock', region: 'us-west-2' },
  upstreamModel: 'anthropic.claude-3-haiku-20240307-v1:0',
  requestId: 'r1',
}
const now = () => 1_766_000_000_000

async function decode(frames: TranscriptFrame[]): Promise<ChatStreamEvent[]> {
  async function* body() {
    yield encodeEventStream(frames)
  }
  const events: ChatStreamEvent[] = []
  for await (const event of bedrockAdapter.decodeChatStream(body(), context, now)) events.push(event)
  return events
}

describe('bedrock adapter', () => {
  it('signs with the deployment region, the bedrock service and the time it is given', async () => {
    const adapter = createBedrockAdapter({ now: () => Date.parse('2025-12-17T19:48:20Z') })
    const request = ChatCompletionRequest.parse({ model: 'm', messages: [{ role: 'user', content: 'Hi' }] })
    const built = adapter.buildChatRequest(request, context)
    const credentials = { type: 'bedrock', accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } as const
    const signed = await adapter.authenticate(built, credentials, context)
    expect(signed.url).toBe(
      'https://bedrock-runtime.us-west-2.amazonaws.com/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse',
    )
    expect(signed.headers['x-amz-date']).toBe('20251217T194820Z')
    expect(signed.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20251217\/us-west-2\/bedrock\/aws4_request, SignedHeaders=accept;content-type;host;x-amz-date, Signature=[0-9a-f]{64}$/,
    )
    expect(signed.headers['x-amz-security-token']).toBeUndefined()
    expect(signed.body).toBe(built.body)
  })

  it('makes tool use ids Bedrock accepts, the same way for the call and its result', () => {
    const request = ChatCompletionRequest.parse({
      model: 'm',
      messages: [
        { role: 'user', content: 'x' },
        {
          role: 'assistant',
          tool_calls: [{ id: 'call:1/ä', type: 'function', function: { name: 'f', arguments: '{}' } }],
        },
        { role: 'tool', tool_call_id: 'call:1/ä', content: '' },
      ],
    })
    const body = JSON.parse(String(bedrockAdapter.buildChatRequest(request, context).body))
    expect(body.messages[1].content).toEqual([{ toolUse: { toolUseId: 'call_1__', name: 'f', input: {} } }])
    expect(body.messages[2].content).toEqual([{ toolResult: { toolUseId: 'call_1__', content: [] } }])
  })

  it('refuses images it cannot send, naming the part', () => {
    const request = ChatCompletionRequest.parse({
      model: 'm',
      messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/tiff;base64,AAAA' } }] }],
    })
    expect(() => bedrockAdapter.buildChatRequest(request, context)).toThrow(
      expect.objectContaining({ status: 400, param: 'messages[0].content[0].image_url.url' }),
    )
  })

  it('numbers tool calls by order, whatever the content block index', async () => {
    const events = await decode([
      { event: 'messageStart', payload: { role: 'assistant' } },
      {
        event: 'contentBlockStart',
        payload: { contentBlockIndex: 3, start: { toolUse: { toolUseId: 't1', name: 'a' } } },
      },
      {
        event: 'contentBlockStart',
        payload: { contentBlockIndex: 5, start: { toolUse: { toolUseId: 't2', name: 'b' } } },
      },
      { event: 'contentBlockDelta', payload: { contentBlockIndex: 5, delta: { toolUse: { input: '{}' } } } },
      { event: 'contentBlockDelta', payload: { contentBlockIndex: 3, delta: { toolUse: { input: '{"x":1}' } } } },
      { event: 'someFutureEvent', payload: { anything: true } },
      { event: 'messageStop', payload: { stopReason: 'tool_use' } },
      { event: 'metadata', payload: { usage: { inputTokens: 3, outputTokens: 4, totalTokens: 7 } } },
    ])
    const deltas = events.flatMap((event) => event.chunk.choices.flatMap((choice) => choice.delta.tool_calls ?? []))
    expect(deltas.map((delta) => [delta.index, delta.id, delta.function?.arguments])).toEqual([
      [0, 't1', ''],
      [1, 't2', ''],
      [1, undefined, '{}'],
      [0, undefined, '{"x":1}'],
    ])
    expect(events.at(-1)).toMatchObject({ kind: 'usage', usage: { inputTokens: 3, outputTokens: 4 } })
  })

  it('throws for an error frame, and for an event payload it cannot read', async () => {
    await expect(decode([{ errorCode: 'InternalFailure', errorMessage: 'boom' }])).rejects.toMatchObject({
      status: 502,
      errorClass: 'server_error',
    })
    await expect(decode([{ event: 'messageStop', payload: { stopReason: 7 } }])).rejects.toMatchObject({
      status: 502,
      code: 'upstream_malformed_response',
    })
  })
})
