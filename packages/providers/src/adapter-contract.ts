/**
 * The one contract suite every provider adapter runs against its recorded fixtures (STYLE rule 9).
 * Test-only: imports vitest and reads files, so `index.ts` does not export it. Use it from a
 * provider folder's test:
 *
 *   const fixtures = loadAdapterFixtures(new URL('./fixtures/', import.meta.url))
 *   runAdapterContract('my-provider', myProviderAdapter, fixtures)
 *
 * Fixture format: one JSON file per scenario in `<provider>/fixtures/*.json`, hand-written from the
 * vendor's documented wire format, with a `kind`:
 *
 * - `chat`: `context` {target (a ProviderTarget), upstreamModel, requestId}, `nowMs` (what `now()`
 *   returns), `request` (canonical ChatCompletionRequest), `upstream` {method, url, headers (before
 *   authentication), body (JSON; compared parsed)}, optional `streamUpstream` (same, for the request
 *   with `stream: true`), optional `response` (the vendor's non-streamed body, JSON), optional
 *   `transcript` (the vendor's raw stream body as text) or `transcriptBase64` (binary streams),
 *   and `expected` {completion (canonical ChatCompletion), usage (TokenUsage)} whenever a response
 *   or transcript is given. The transcript must tell the same answer as the response: the suite
 *   checks that the streamed content, tool calls (id, name, arguments: equal as JSON when both
 *   parse) and finish reason equal the non-streamed completion's first choice, and that the one
 *   `usage` event, which comes last, equals `expected.usage`.
 * - `errors`: `cases` [{description, status, headers, bodyText, nowMs?, expected}] for
 *   `toUpstreamError`, where `expected` is {status, errorClass, type?, code?, param?,
 *   retryAfterMs?, messageIncludes?, messageExcludes? (e.g. a key that must never show)}.
 * - `stream-error`: `context`, `nowMs`, a transcript that fails mid-stream, `expected` as above:
 *   `decodeChatStream` must throw that `UpstreamError`.
 * - `build-error`: `context`, `request` that cannot be translated, `expected` as above:
 *   `buildChatRequest` must throw that `UpstreamError`.
 * - `auth`: `context`, `credentials` (ProviderCredentials or null), then either `expectedHeaders`
 *   (exactly the headers `authenticate` adds; a value may be `{"matches": "<regex>"}` for signed,
 *   time-dependent values) with optional `expectedUrl`, or `expectedError`.
 *
 * Streams are fed whole, byte by byte, and in random-sized pieces from fixed seeds, so multi-byte
 * characters and events split across reads are covered. Outputs are validated with the canonical
 * zod schemas plus the fields OpenAI's published schemas require (`logprobs`, `refusal`,
 * `finish_reason` present even when null); ajv is not resolvable from this package.
 */
import type { ProviderCredentials, ProviderTarget, ProviderType } from '@switchyard/contracts'
import { describe, expect, it } from 'vitest'
import { aggregateStream, collect, expectCompletionShape, expectSameToolCall } from './adapter-contract-stream.ts'
import {
  type AdapterFixture,
  type ChatFixture,
  type ExpectedError,
  type ExpectedUpstream,
  type FixtureContext,
  hasTranscript,
  type LoadedAdapterFixture,
  transcriptBytes,
} from './adapter-fixture.ts'
import type { CallContext, ProviderAdapter, UpstreamRequest } from './provider-adapter.ts'
import { UpstreamError } from './upstream-error.ts'

export { AdapterFixture, type LoadedAdapterFixture, loadAdapterFixtures } from './adapter-fixture.ts'

/** The shared suite: one `describe` per adapter, one test per fixture aspect. */
export function runAdapterContract<T extends ProviderType>(
  name: string,
  adapter: ProviderAdapter<T>,
  fixtures: readonly LoadedAdapterFixture[],
): void {
  describe(`${name} adapter contract`, () => {
    it('has fixtures', () => expect(fixtures.length).toBeGreaterThan(0))
    for (const { file, fixture } of fixtures) fixtureTests(`${file}: ${fixture.description}`, adapter, fixture)
  })
}

function fixtureTests<T extends ProviderType>(
  title: string,
  adapter: ProviderAdapter<T>,
  fixture: AdapterFixture,
): void {
  if (fixture.kind === 'chat') chatTests(title, adapter, fixture)
  else if (fixture.kind === 'errors') {
    for (const item of fixture.cases) {
      it(`${title}: ${item.description}`, () => {
        const now = () => item.nowMs ?? 0
        expectUpstreamError(adapter.toUpstreamError(item, now), item.expected)
      })
    }
  } else if (fixture.kind === 'stream-error') {
    it(title, async () => {
      const context = contextFor(adapter, fixture.context)
      for (const seed of [0, 1, -1]) {
        const decode = collect(adapter, transcriptBytes(fixture), context, () => fixture.nowMs, seed)
        expectUpstreamError(
          await decode.then(
            () => undefined,
            (error: unknown) => error,
          ),
          fixture.expected,
        )
      }
    })
  } else if (fixture.kind === 'build-error') {
    it(title, () => {
      const context = contextFor(adapter, fixture.context)
      const error = captureError(() => adapter.buildChatRequest(fixture.request, context))
      expectUpstreamError(error, fixture.expected)
    })
  } else it(title, () => authTest(adapter, fixture))
}

function chatTests<T extends ProviderType>(title: string, adapter: ProviderAdapter<T>, fixture: ChatFixture): void {
  const now = () => fixture.nowMs
  it(`${title}: builds the upstream request`, () => {
    const context = contextFor(adapter, fixture.context)
    expectUpstream(adapter.buildChatRequest(fixture.request, context), fixture.upstream)
    if (fixture.streamUpstream !== undefined) {
      const streamRequest = { ...fixture.request, stream: true }
      expectUpstream(adapter.buildChatRequest(streamRequest, context), fixture.streamUpstream)
    }
  })
  const { expected, response } = fixture
  if (expected === undefined) return
  if (response !== undefined) {
    it(`${title}: parses the response`, () => {
      const result = adapter.parseChatResponse(response, contextFor(adapter, fixture.context), now)
      expectCompletionShape(result.completion)
      expect(result.completion).toEqual(expected.completion)
      expect(result.usage).toEqual(expected.usage)
    })
  }
  if (!hasTranscript(fixture)) return
  it(`${title}: decodes the stream into the same answer`, async () => {
    const context = contextFor(adapter, fixture.context)
    const bytes = transcriptBytes(fixture)
    for (const seed of [0, 1, 2, 3, 42, -1]) {
      const answer = aggregateStream(await collect(adapter, bytes, context, now, seed))
      const choice = expected.completion.choices[0]
      expect(answer.content, `seed ${seed}`).toBe(choice?.message.content ?? '')
      expect(answer.finishReason, `seed ${seed}`).toBe(choice?.finish_reason)
      expect(answer.usage, `seed ${seed}`).toEqual(expected.usage)
      const expectedCalls = (choice?.message.tool_calls ?? []).map((call) => ({
        id: call.id,
        name: call.function.name,
        arguments: call.function.arguments,
      }))
      expect(answer.toolCalls.length, `seed ${seed}`).toBe(expectedCalls.length)
      for (const [index, call] of answer.toolCalls.entries()) expectSameToolCall(call, expectedCalls[index])
    }
  })
}

function authTest<T extends ProviderType>(
  adapter: ProviderAdapter<T>,
  fixture: Extract<AdapterFixture, { kind: 'auth' }>,
): Promise<void> {
  const context = contextFor(adapter, fixture.context)
  const { credentials } = fixture
  if (credentials !== null && !isCredentialsOf(credentials, adapter.type))
    throw new Error('credentials of another type')
  const typed = credentials
  const built = adapter.buildChatRequest({ model: 'any', messages: [{ role: 'user', content: 'Hi' }] }, context)
  return Promise.resolve()
    .then(() => adapter.authenticate(built, typed, context))
    .then(
      (signed) => {
        if (fixture.expectedError !== undefined) throw new Error('authenticate should have failed')
        expect(signed.url).toBe(fixture.expectedUrl ?? built.url)
        expect(signed.method).toBe(built.method)
        expect(signed.body).toEqual(built.body)
        const added = Object.fromEntries(Object.entries(signed.headers).filter(([key]) => !(key in built.headers)))
        for (const [key, value] of Object.entries(built.headers)) expect(signed.headers[key], key).toBe(value)
        expect(Object.keys(added).sort()).toEqual(Object.keys(fixture.expectedHeaders ?? {}).sort())
        for (const [key, matcher] of Object.entries(fixture.expectedHeaders ?? {})) {
          if (typeof matcher === 'string') expect(added[key], key).toBe(matcher)
          else expect(added[key], key).toMatch(new RegExp(matcher.matches))
        }
      },
      (error: unknown) => {
        if (fixture.expectedError === undefined) throw error
        expectUpstreamError(error, fixture.expectedError)
      },
    )
}

function contextFor<T extends ProviderType>(adapter: ProviderAdapter<T>, context: FixtureContext): CallContext<T> {
  const { target } = context
  if (!isTargetOf(target, adapter.type)) throw new Error(`fixture target is ${target.type}, adapter is ${adapter.type}`)
  return { target, upstreamModel: context.upstreamModel, requestId: context.requestId }
}

function isTargetOf<T extends ProviderType>(
  target: ProviderTarget,
  type: T,
): target is Extract<ProviderTarget, { type: T }> {
  return target.type === type
}

function isCredentialsOf<T extends ProviderType>(
  credentials: ProviderCredentials,
  type: T,
): credentials is Extract<ProviderCredentials, { type: T }> {
  return credentials.type === type
}

function expectUpstream(actual: UpstreamRequest, expected: ExpectedUpstream): void {
  expect(actual.method).toBe(expected.method)
  expect(actual.url).toBe(expected.url)
  expect(actual.headers).toEqual(expected.headers)
  const text = typeof actual.body === 'string' ? actual.body : new TextDecoder().decode(actual.body)
  expect(JSON.parse(text)).toEqual(expected.body)
}

function captureError(action: () => unknown): unknown {
  try {
    action()
  } catch (error) {
    return error
  }
  return undefined
}

function expectUpstreamError(error: unknown, expected: ExpectedError): void {
  expect(error).toBeInstanceOf(UpstreamError)
  if (!(error instanceof UpstreamError)) return
  expect(error.status).toBe(expected.status)
  expect(error.errorClass).toBe(expected.errorClass)
  if (expected.type !== undefined) expect(error.type).toBe(expected.type)
  if (expected.code !== undefined) expect(error.code).toBe(expected.code)
  if (expected.param !== undefined) expect(error.param).toBe(expected.param)
  if (expected.retryAfterMs !== undefined) expect(error.retryAfterMs).toBe(expected.retryAfterMs)
  if (expected.messageIncludes !== undefined) expect(error.message).toContain(expected.messageIncludes)
  for (const secret of expected.messageExcludes ?? []) expect(error.message).not.toContain(secret)
}
