import { jetstreamManager } from '@nats-io/jetstream'
import { connect } from '@nats-io/transport-node'
import { NatsNames } from '@switchyard/contracts'

/** What the ingesters' durable consumer still owes: not yet delivered, and delivered but unacked. */
export interface UsageBacklog {
  /** Messages in the usage stream. */
  readonly streamMessages: number
  readonly pending: number
  readonly ackPending: number
  /** Messages delivered more than once (after an ack timeout or a nak). */
  readonly redelivered: number
}

/**
 * Reads the ingester consumer's state straight from JetStream. Ingesters ack only after
 * ClickHouse accepted the insert, so `pending + ackPending === 0` means every event stored in
 * the stream is in ClickHouse.
 */
export async function readUsageBacklog(natsUrl: string): Promise<UsageBacklog | null> {
  const connection = await connect({ servers: natsUrl, name: 'e2e-backlog' })
  try {
    const jsm = await jetstreamManager(connection)
    const stream = await jsm.streams.info(NatsNames.usageStream)
    const consumer = await jsm.consumers.info(NatsNames.usageStream, NatsNames.usageIngesterConsumer).catch(() => null)
    if (consumer === null) return null
    return {
      streamMessages: stream.state.messages,
      pending: consumer.num_pending,
      ackPending: consumer.num_ack_pending,
      redelivered: consumer.num_redelivered,
    }
  } finally {
    await connection.close()
  }
}
