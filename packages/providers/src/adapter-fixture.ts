import { readdirSync, readFileSync } from 'node:fs'
import {
  ChatCompletion,
  ChatCompletionRequest,
  ProviderCredentials,
  ProviderTarget,
  TokenUsage,
} from '@switchyard/contracts'
import { z } from 'zod'

/** The recorded-fixture format of the adapter contract suite: see `adapter-contract.ts`. */

const FixtureContext = z.strictObject({
  target: ProviderTarget,
  upstreamModel: z.string().min(1),
  requestId: z.string().min(1),
})
export type FixtureContext = z.infer<typeof FixtureContext>

const ExpectedUpstream = z.strictObject({
  method: z.enum(['GET', 'POST']),
  url: z.string(),
  headers: z.record(z.string(), z.string()),
  body: z.unknown(),
})
export type ExpectedUpstream = z.infer<typeof ExpectedUpstream>

const ExpectedError = z.strictObject({
  status: z.int(),
  errorClass: z.string(),
  type: z.string().optional(),
  code: z.string().nullable().optional(),
  param: z.string().nullable().optional(),
  retryAfterMs: z.int().nullable().optional(),
  messageIncludes: z.string().optional(),
  messageExcludes: z.array(z.string()).optional(),
})
export type ExpectedError = z.infer<typeof ExpectedError>

const Transcript = { transcript: z.string().optional(), transcriptBase64: z.string().optional() }
const HeaderMatcher = z.union([z.string(), z.strictObject({ matches: z.string() })])

const ChatFixture = z.strictObject({
  kind: z.literal('chat'),
  description: z.string(),
  context: FixtureContext,
  nowMs: z.int(),
  request: ChatCompletionRequest,
  upstream: ExpectedUpstream,
  streamUpstream: ExpectedUpstream.optional(),
  response: z.unknown().optional(),
  ...Transcript,
  expected: z.strictObject({ completion: ChatCompletion, usage: TokenUsage }).optional(),
})

export const AdapterFixture = z.discriminatedUnion('kind', [
  ChatFixture.refine((f) => f.expected !== undefined || (f.response === undefined && !hasTranscript(f)), {
    message: 'a chat fixture with a response or transcript needs `expected`',
  }),
  z.strictObject({
    kind: z.literal('errors'),
    description: z.string(),
    cases: z
      .array(
        z.strictObject({
          description: z.string(),
          status: z.int(),
          headers: z.record(z.string(), z.string()),
          bodyText: z.string(),
          nowMs: z.int().optional(),
          expected: ExpectedError,
        }),
      )
      .min(1),
  }),
  z.strictObject({
    kind: z.literal('stream-error'),
    description: z.string(),
    context: FixtureContext,
    nowMs: z.int(),
    ...Transcript,
    expected: ExpectedError,
  }),
  z.strictObject({
    kind: z.literal('build-error'),
    description: z.string(),
    context: FixtureContext,
    request: ChatCompletionRequest,
    expected: ExpectedError,
  }),
  z.strictObject({
    kind: z.literal('auth'),
    description: z.string(),
    context: FixtureContext,
    credentials: ProviderCredentials.nullable(),
    expectedHeaders: z.record(z.string(), HeaderMatcher).optional(),
    expectedUrl: z.string().optional(),
    expectedError: ExpectedError.optional(),
  }),
])
export type AdapterFixture = z.infer<typeof AdapterFixture>

export interface LoadedAdapterFixture {
  readonly file: string
  readonly fixture: AdapterFixture
}

/** Reads and validates every `*.json` in a fixtures folder, in name order. */
export function loadAdapterFixtures(directory: URL): LoadedAdapterFixture[] {
  return readdirSync(directory)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      const parsed = AdapterFixture.safeParse(JSON.parse(readFileSync(new URL(file, directory), 'utf8')))
      if (!parsed.success) throw new Error(`fixture ${file} is invalid: ${z.prettifyError(parsed.error)}`)
      return { file, fixture: parsed.data }
    })
}

export function hasTranscript(fixture: {
  transcript?: string | undefined
  transcriptBase64?: string | undefined
}): boolean {
  return fixture.transcript !== undefined || fixture.transcriptBase64 !== undefined
}

export function transcriptBytes(fixture: { transcript?: string | undefined; transcriptBase64?: string | undefined }) {
  if (fixture.transcriptBase64 !== undefined) return new Uint8Array(Buffer.from(fixture.transcriptBase64, 'base64'))
  return new TextEncoder().encode(fixture.transcript ?? '')
}

export type ChatFixture = z.infer<typeof ChatFixture>
