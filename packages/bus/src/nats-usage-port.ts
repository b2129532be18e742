import {
  DiscardPolicy,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  PubHeaders,
  RetentionPolicy,
  StorageType,
} from '@nats-io/jetstream'
import { headers, type NatsConnection, nanos } from '@nats-io/nats-core'
import { NatsNames } from '@switchyard/contracts'
import { abortableDelay, backoffDelayMs } from './backoff.ts'
import type { UsageMessage } from './bus.ts'
import { UsageAckError } from './bus-errors.ts'
import type { MutableBusStats } from './bus-stats.ts'
import { DeadLetterHeaders } from './dead-letter-headers.ts'
import { ensureDurable, ensureStream } from './nats-streams.ts'
import type { UsagePort, ValidConsumeUsageOptions } from './transport-ports.ts'

export interface NatsUsageOptions {
  readonly replicas: number
  /** How long the usage stream keeps events, acked or not. */
  readonly usageRetentionMs: number
  readonly deadLetterRetentionMs: number
  /** A pull request lives this long; idle heartbeats (half of it) detect a lost server. */
  readonly pullExpiresMs: number
}

/**
 * Usage events in a JetStream stream with LIMITS retention (kept for `usageRetentionMs`,
 * acked or not) rather than WORK-QUEUE: a work queue deletes a message on its first ack and
 * allows one consumer per subject, so a second durable (a replay after a ClickHouse restore,
 * an archiver) could never read the events again. De-duplication is the stream's
 * `duplicate_window` on the event id.
 */
export async function openNatsUsagePort(
  connection: NatsConnection,
  js: JetStreamClient,
  jsm: JetStreamManager,
  stats: MutableBusStats,
  options: NatsUsageOptions,
): Promise<UsagePort> {
  await ensureStream(jsm, {
    name: NatsNames.usageStream,
    subjects: [NatsNames.usageStreamSubjects],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    max_age: nanos(options.usageRetentionMs),
    duplicate_window: nanos(NatsNames.usageDuplicateWindowMs),
    num_replicas: options.replicas,
  })
  await ensureStream(jsm, {
    name: NatsNames.usageDeadLetterStream,
    subjects: [NatsNames.usageDeadLetterSubject],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    max_age: nanos(options.deadLetterRetentionMs),
    duplicate_window: nanos(NatsNames.usageDuplicateWindowMs),
    num_replicas: options.replicas,
  })
  // `+TERM <reason>` is understood from nats-server 2.11; older servers ignore the whole
  // ack (the message would come back), so they get a bare `+TERM`.
  const isTermReasonSupported = isServerAtLeast(connection.info?.version, [2, 11, 0])
  let queueDepth = 0

  return {
    async publish(id, body) {
      const ack = await js.publish(NatsNames.usageEventSubject, body, {
        msgID: id,
        expect: { streamName: NatsNames.usageStream },
      })
      return { isDuplicate: ack.duplicate }
    },

    async *consume(consumeOptions, signal) {
      for await (const message of consumeDurable(jsm, js, consumeOptions, options, stats, signal)) {
        queueDepth = message.info.pending
        yield toUsageMessage(message, isTermReasonSupported)
      }
    },

    async deadLetter(letter) {
      const letterHeaders = headers()
      letterHeaders.set(DeadLetterHeaders.usageId, letter.id)
      letterHeaders.set(DeadLetterHeaders.reason, letter.reason)
      await js.publish(NatsNames.usageDeadLetterSubject, letter.body, {
        msgID: letter.id,
        headers: letterHeaders,
        expect: { streamName: NatsNames.usageDeadLetterStream },
      })
    },

    queueDepth: () => queueDepth,
  }
}

/**
 * The durable consumer loop: (re)creates the durable, pulls with `consume()`, and starts over
 * with backoff whenever the iterator ends for any reason but our own stop. Nothing is acked
 * here: the caller acks what it processed, the rest comes back after the ack wait.
 */
async function* consumeDurable(
  jsm: JetStreamManager,
  js: JetStreamClient,
  consumeOptions: ValidConsumeUsageOptions,
  options: NatsUsageOptions,
  stats: MutableBusStats,
  signal: AbortSignal,
): AsyncGenerator<JsMsg, void, undefined> {
  let attempt = 0
  while (!signal.aborted) {
    try {
      await ensureDurable(jsm, {
        stream: NatsNames.usageStream,
        name: consumeOptions.durableName,
        filterSubject: NatsNames.usageEventSubject,
        ackWaitMs: consumeOptions.ackWaitMs,
        maxAckPending: consumeOptions.maxAckPending,
      })
      const consumer = await js.consumers.get(NatsNames.usageStream, consumeOptions.durableName)
      const messages = await consumer.consume({
        max_messages: consumeOptions.maxBatch,
        expires: options.pullExpiresMs,
        // A deleted durable or stream ends the iterator, and this loop re-creates them.
        abort_on_missing_resource: true,
      })
      const stop = () => messages.stop()
      signal.addEventListener('abort', stop, { once: true })
      if (signal.aborted) stop()
      try {
        for await (const message of messages) {
          attempt = 0
          yield message
        }
      } finally {
        signal.removeEventListener('abort', stop)
        messages.stop()
      }
    } catch {
      // Server unreachable, JetStream not ready, durable or stream deleted: start over.
    }
    if (signal.aborted) return
    stats.usageConsumerRestarts += 1
    await abortableDelay(backoffDelayMs(attempt), signal)
    attempt += 1
  }
}

function toUsageMessage(message: JsMsg, isTermReasonSupported: boolean): UsageMessage {
  return {
    id: message.headers?.get(PubHeaders.MsgIdHdr) || `${NatsNames.usageStream}:${message.seq}`,
    body: message.data,
    deliveryCount: message.info.deliveryCount,
    async ack() {
      try {
        await message.ackAck()
      } catch (error) {
        throw new UsageAckError(`Ack of usage message ${message.seq} was not confirmed`, { cause: error })
      }
    },
    nak: (delayMs) => message.nak(delayMs),
    term: (reason) => (isTermReasonSupported ? message.term(reason) : message.term()),
  }
}

function isServerAtLeast(version: string | undefined, minimum: readonly [number, number, number]): boolean {
  const parts = (version ?? '').split(/[.-]/, 3).map((part) => Number.parseInt(part, 10))
  for (let index = 0; index < 3; index += 1) {
    const have = parts[index] ?? 0
    const need = minimum[index] ?? 0
    if (Number.isNaN(have)) return false
    if (have !== need) return have > need
  }
  return true
}
