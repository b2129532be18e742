import { setTimeout as delay } from 'node:timers/promises'
import type { Bus, UsageMessage } from '@switchyard/bus'
import { NatsNames, UsageEvent } from '@switchyard/contracts'
import type { Logger } from '@switchyard/http-server'
import { type ClickHouseHandle, insertUsageRows, toUsageRow, type UsageRow } from '@switchyard/usage-store'

export interface IngestOptions {
  readonly database: string
  /** Most events per insert. */
  readonly maxBatch: number
  /** Longest an event waits for its batch to fill. */
  readonly maxWaitMs: number
  /** A message not acked within this time is delivered again (to this or another ingester). */
  readonly ackWaitMs: number
  /** First retry delay after a failed insert; doubles up to 30 s. */
  readonly retryBackoffMs: number
}

export interface IngestStats {
  inserted: number
  deadLettered: number
  insertFailures: number
  /** Acks that failed after their insert succeeded (the events are redelivered, then de-duplicated). */
  ackFailures: number
}

const decoder = new TextDecoder('utf-8', { fatal: true })

/**
 * The durable consumer loop: batch by size and time, validate every event (a bad one is
 * dead-lettered with the reason and never retried), insert the batch, and ack only after
 * ClickHouse accepted it. A failed insert is retried with backoff; until it succeeds nothing is
 * acked, so a crash at any point loses nothing, and the table de-duplicates re-deliveries by id.
 * Ends when the bus closes or `signal` aborts.
 */
export async function ingestUsage(
  bus: Bus,
  clickhouse: ClickHouseHandle,
  options: IngestOptions,
  log: Logger,
  signal: AbortSignal,
  stats: IngestStats = { inserted: 0, deadLettered: 0, insertFailures: 0, ackFailures: 0 },
): Promise<IngestStats> {
  const messages = bus.consumeUsage({
    durableName: NatsNames.usageIngesterConsumer,
    maxBatch: options.maxBatch,
    ackWaitMs: options.ackWaitMs,
  })
  const stop = () => void messages.return?.(undefined)
  signal.addEventListener('abort', stop, { once: true })
  let next = messages.next()
  try {
    for (;;) {
      const batch: Array<{ message: UsageMessage; row: UsageRow }> = []
      // The batch waits at most maxWaitMs from its first event, not from when the loop began
      // waiting: after a quiet spell, the next event does not go out alone.
      let deadline = Number.POSITIVE_INFINITY
      let isDone = false
      while (batch.length < options.maxBatch) {
        const waitMs = batch.length === 0 ? Number.POSITIVE_INFINITY : deadline - Date.now()
        if (waitMs <= 0) break
        const result = await (Number.isFinite(waitMs) ? Promise.race([next, delay(waitMs).then(() => null)]) : next)
        if (result === null) break
        if (result.done) {
          isDone = true
          break
        }
        next = messages.next()
        const row = await validate(bus, result.value, stats, log)
        if (row) {
          if (batch.length === 0) deadline = Date.now() + options.maxWaitMs
          batch.push({ message: result.value, row })
        }
      }
      if (batch.length > 0) await insertUntilAccepted(clickhouse, options, batch, stats, log, signal)
      if (isDone || signal.aborted) return stats
    }
  } finally {
    signal.removeEventListener('abort', stop)
  }
}

async function validate(bus: Bus, message: UsageMessage, stats: IngestStats, log: Logger): Promise<UsageRow | null> {
  let reason: string
  try {
    const parsed = UsageEvent.safeParse(JSON.parse(decoder.decode(message.body)))
    if (parsed.success) {
      if (parsed.data.id === message.id) return toUsageRow(parsed.data)
      reason = `message id ${message.id} differs from event id ${parsed.data.id}`
    } else {
      const issue = parsed.error.issues[0]
      reason = `invalid usage event: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`
    }
  } catch {
    reason = 'body is not UTF-8 JSON'
  }
  await bus.deadLetterUsage({ id: message.id, body: message.body, reason })
  message.term(reason)
  stats.deadLettered += 1
  log.warn({ eventId: message.id, reason }, 'usage event dead-lettered')
  return null
}

async function insertUntilAccepted(
  clickhouse: ClickHouseHandle,
  options: IngestOptions,
  batch: ReadonlyArray<{ message: UsageMessage; row: UsageRow }>,
  stats: IngestStats,
  log: Logger,
  signal: AbortSignal,
): Promise<void> {
  let backoffMs = options.retryBackoffMs
  for (;;) {
    try {
      await insertUsageRows(
        clickhouse.client,
        options.database,
        batch.map((entry) => entry.row),
      )
      break
    } catch (error) {
      stats.insertFailures += 1
      log.warn({ err: error, events: batch.length, retryInMs: backoffMs }, 'usage insert failed; retrying')
      // Unacked, the batch is redelivered after ackWait if this process dies meanwhile.
      if (signal.aborted) return
      await delay(backoffMs)
      backoffMs = Math.min(backoffMs * 2, 30_000)
    }
  }
  stats.inserted += batch.length
  // A lost ack (NATS went away between the insert and the ack) is not fatal: the event comes back
  // after ackWait, is inserted again and collapses with its first row. The loop goes on.
  const acks = await Promise.allSettled(batch.map((entry) => entry.message.ack()))
  const failed = acks.filter((ack) => ack.status === 'rejected')
  if (failed.length > 0) {
    stats.ackFailures += failed.length
    log.warn(
      { err: failed[0]?.reason, events: failed.length },
      'usage acks failed after the insert; those events will be redelivered and de-duplicated',
    )
  }
}
