import { z } from 'zod'
import { SNAPSHOT_CHANNELS } from './bus.ts'
import { InvalidBusInputError } from './bus-errors.ts'
import type { ValidConsumeUsageOptions } from './transport-ports.ts'

/** Ids travel in a NATS header (`Nats-Msg-Id`): printable ASCII, no spaces, bounded like `UsageEvent.id`. */
const MessageId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces')

const Body = z.instanceof(Uint8Array)

/** A channel the caller may omit: the policy channel is the default. */
export const SnapshotChannelInput = z.enum(SNAPSHOT_CHANNELS).default('policy')

export const SnapshotToPublishInput = z.object({
  revision: z.int().positive(),
  body: Body,
  channel: SnapshotChannelInput,
})
export type ValidSnapshotToPublish = z.output<typeof SnapshotToPublishInput>

export const UsageToPublishInput = z.object({ id: MessageId, body: Body })

export const UsageDeadLetterInput = z.object({ id: MessageId, body: Body, reason: z.string().min(1).max(4096) })

const DEFAULT_MAX_ACK_PENDING = 10_000

export const ConsumeUsageInput = z
  .object({
    /** A NATS durable name: no dots, wildcards or whitespace. */
    durableName: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 of A-Z a-z 0-9 _ -'),
    maxBatch: z.int().min(1).max(10_000),
    ackWaitMs: z
      .int()
      .min(50)
      .max(24 * 60 * 60 * 1000),
    maxAckPending: z.int().min(1).max(1_000_000).optional(),
  })
  .transform(
    (options): ValidConsumeUsageOptions => ({
      durableName: options.durableName,
      maxBatch: options.maxBatch,
      ackWaitMs: options.ackWaitMs,
      maxAckPending: Math.max(options.maxAckPending ?? DEFAULT_MAX_ACK_PENDING, options.maxBatch),
    }),
  )

export function parseBusInput<T extends z.ZodType>(schema: T, input: unknown, what: string): z.output<T> {
  const parsed = schema.safeParse(input)
  if (!parsed.success) throw InvalidBusInputError.fromZod(what, parsed.error)
  return parsed.data
}

const HEADER_REASON_MAX_CHARS = 1024

/** A reason fit for a header value: control characters (CR/LF would break the header) become spaces. */
export function toHeaderSafeReason(reason: string): string {
  let safe = ''
  for (const char of reason.slice(0, HEADER_REASON_MAX_CHARS)) {
    const code = char.codePointAt(0) ?? 0
    safe += code < 0x20 || code === 0x7f ? ' ' : char
  }
  return safe
}
