import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamManager,
  type StreamConfig,
} from '@nats-io/jetstream'
import { nanos } from '@nats-io/nats-core'

export type DesiredStream = Pick<
  StreamConfig,
  'name' | 'subjects' | 'storage' | 'retention' | 'discard' | 'max_age' | 'duplicate_window' | 'num_replicas'
>

export function isJetStreamApiError(error: unknown, code: number): boolean {
  return error instanceof JetStreamApiError && error.code === code
}

/**
 * Creates the stream, or brings an existing one to the desired limits. Every process calls
 * this at start, so it must be idempotent and tolerate a concurrent creator. Storage and
 * retention cannot change on a live stream: a mismatch there fails loudly.
 */
export async function ensureStream(jsm: JetStreamManager, desired: DesiredStream): Promise<void> {
  try {
    const info = await jsm.streams.info(desired.name)
    const { config } = info
    const isCurrent =
      config.max_age === desired.max_age &&
      config.duplicate_window === desired.duplicate_window &&
      config.discard === desired.discard &&
      config.subjects.length === desired.subjects.length &&
      config.subjects.every((subject, index) => subject === desired.subjects[index])
    if (!isCurrent) await jsm.streams.update(desired.name, { ...config, ...desired })
    return
  } catch (error) {
    if (!isJetStreamApiError(error, JetStreamApiCodes.StreamNotFound)) throw error
  }
  try {
    await jsm.streams.add(desired)
  } catch (error) {
    // Another process created it between our info and add; it exists, which is all we need.
    await jsm.streams.info(desired.name).catch(() => {
      throw error
    })
  }
}

export interface DesiredDurable {
  readonly stream: string
  readonly name: string
  readonly filterSubject: string
  readonly ackWaitMs: number
  readonly maxAckPending: number
}

/**
 * A durable pull consumer that starts at the first message the stream holds (an ingester
 * that starts late must still see everything) and redelivers without limit until acked or
 * termed. Existing durables get the caller's ack wait and ack-pending limit.
 */
export async function ensureDurable(jsm: JetStreamManager, desired: DesiredDurable): Promise<void> {
  const ackWait = nanos(desired.ackWaitMs)
  try {
    const info = await jsm.consumers.info(desired.stream, desired.name)
    if (info.config.ack_wait !== ackWait || info.config.max_ack_pending !== desired.maxAckPending) {
      await jsm.consumers.update(desired.stream, desired.name, {
        ack_wait: ackWait,
        max_ack_pending: desired.maxAckPending,
      })
    }
    return
  } catch (error) {
    if (!isJetStreamApiError(error, JetStreamApiCodes.ConsumerNotFound)) throw error
  }
  try {
    await jsm.consumers.add(desired.stream, {
      durable_name: desired.name,
      ack_policy: AckPolicy.Explicit,
      ack_wait: ackWait,
      max_ack_pending: desired.maxAckPending,
      max_deliver: -1,
      deliver_policy: DeliverPolicy.All,
      filter_subject: desired.filterSubject,
    })
  } catch (error) {
    await jsm.consumers.info(desired.stream, desired.name).catch(() => {
      throw error
    })
  }
}
