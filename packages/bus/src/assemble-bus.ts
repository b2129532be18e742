import type { CounterDelta } from '@switchyard/contracts'
import { AsyncQueue } from './async-queue.ts'
import type { Bus, UsageMessage } from './bus.ts'
import { BusClosedError, BusError, UsagePublishError } from './bus-errors.ts'
import {
  ConsumeUsageInput,
  parseBusInput,
  SnapshotChannelInput,
  SnapshotToPublishInput,
  toHeaderSafeReason,
  UsageDeadLetterInput,
  UsageToPublishInput,
} from './bus-inputs.ts'
import type { MutableBusStats } from './bus-stats.ts'
import { decodeCounterDelta, encodeCounterDelta } from './counter-delta-codec.ts'
import { publishSnapshotToStore } from './publish-snapshot.ts'
import { readLatestSnapshot, watchVerifiedSnapshots } from './read-snapshot.ts'
import { createSubscription } from './subscription.ts'
import type { TransportPorts, UsagePort, ValidConsumeUsageOptions } from './transport-ports.ts'

export interface AssembleBusOptions {
  readonly name: string
  readonly ports: TransportPorts
  readonly stats: MutableBusStats
  readonly keepSnapshotObjects: number
  readonly maxSnapshotBytes: number
  /** Deltas one subscriber may have waiting before the oldest are dropped. */
  readonly counterBufferSize: number
  readonly now: () => number
}

/**
 * Builds the `Bus` semantics shared by every transport on top of its ports: input validation,
 * closed-state checks, snapshot integrity and ordering, counter decoding, stats. One method
 * per `Bus` member, each delegating to a helper, hence the long factory.
 */
export function assembleBus(options: AssembleBusOptions): Bus {
  const { ports, stats } = options
  const lifetime = new AbortController()
  let closing: Promise<void> | undefined

  const assertOpen = (operation: string): void => {
    if (lifetime.signal.aborted) throw new BusClosedError(operation)
  }

  return {
    name: options.name,

    async publishSnapshot(snapshot) {
      assertOpen('publish a snapshot')
      const input = parseBusInput(SnapshotToPublishInput, snapshot, 'snapshot')
      return publishSnapshotToStore(ports.snapshots, stats, input, options)
    },

    async latestSnapshot(channel) {
      assertOpen('read the latest snapshot')
      const valid = parseBusInput(SnapshotChannelInput, channel, 'snapshot channel')
      return readLatestSnapshot(ports.snapshots, valid, stats, options)
    },

    watchSnapshots(channel) {
      assertOpen('watch snapshots')
      const valid = parseBusInput(SnapshotChannelInput, channel, 'snapshot channel')
      return untilLeftOrClosed(lifetime.signal, (signal) =>
        watchVerifiedSnapshots(ports.snapshots, valid, signal, stats, options),
      )
    },

    async publishUsage(event) {
      assertOpen('publish usage')
      const input = parseBusInput(UsageToPublishInput, event, 'usage event')
      let result: Awaited<ReturnType<UsagePort['publish']>>
      try {
        result = await ports.usage.publish(input.id, input.body)
      } catch (error) {
        if (error instanceof UsagePublishError) throw error
        throw new UsagePublishError(`Could not store usage event ${input.id}`, { cause: error })
      }
      if (result.isDuplicate) stats.usageDuplicates += 1
      else stats.usagePublished += 1
      return result
    },

    consumeUsage(consumeOptions) {
      assertOpen('consume usage')
      const valid = parseBusInput(ConsumeUsageInput, consumeOptions, 'usage consumer options')
      // A generator's return() waits behind a pending next(); this iterator's return() aborts
      // the pending pull, so a consumer blocked on an idle stream can still stop.
      const local = new AbortController()
      const messages = consumeWithStats(ports.usage, valid, AbortSignal.any([lifetime.signal, local.signal]), stats)
      return createSubscription(
        () => messages.next(),
        () => {
          local.abort()
          void messages.return(undefined)
        },
      )
    },

    async deadLetterUsage(letter) {
      assertOpen('dead-letter usage')
      const input = parseBusInput(UsageDeadLetterInput, letter, 'dead letter')
      try {
        await ports.usage.deadLetter({ id: input.id, body: input.body, reason: toHeaderSafeReason(input.reason) })
      } catch (error) {
        throw new UsagePublishError(`Could not dead-letter usage event ${input.id}`, { cause: error })
      }
      stats.usageDeadLettered += 1
    },

    publishCounters(delta) {
      assertOpen('publish counters')
      const payload = encodeCounterDelta(delta)
      try {
        ports.counters.publish(payload)
      } catch (error) {
        throw new BusError('Could not publish a counter delta', { cause: error })
      }
      stats.countersPublished += 1
    },

    subscribeCounters() {
      assertOpen('subscribe to counters')
      return subscribeCounterDeltas(ports, lifetime.signal, stats, options.counterBufferSize)
    },

    async flush() {
      assertOpen('flush')
      await ports.flush()
    },

    stats() {
      return { ...stats, usageQueueDepth: ports.usage.queueDepth() }
    },

    close() {
      if (!closing) {
        lifetime.abort()
        closing = ports.close()
      }
      return closing
    },
  }
}

/** Runs a generator with a signal that aborts when the bus closes or when the consumer leaves. */
async function* untilLeftOrClosed<T>(
  busSignal: AbortSignal,
  open: (signal: AbortSignal) => AsyncGenerator<T, void, undefined>,
): AsyncGenerator<T, void, undefined> {
  const local = new AbortController()
  try {
    yield* open(AbortSignal.any([busSignal, local.signal]))
  } finally {
    local.abort()
  }
}

async function* consumeWithStats(
  usage: UsagePort,
  options: ValidConsumeUsageOptions,
  busSignal: AbortSignal,
  stats: MutableBusStats,
): AsyncGenerator<UsageMessage, undefined, undefined> {
  const local = new AbortController()
  try {
    for await (const message of usage.consume(options, AbortSignal.any([busSignal, local.signal]))) {
      stats.usageDelivered += 1
      if (message.deliveryCount > 1) stats.usageRedeliveries += 1
      yield {
        id: message.id,
        body: message.body,
        deliveryCount: message.deliveryCount,
        ack: async () => {
          await message.ack()
          stats.usageAcked += 1
        },
        nak: (delayMs) => {
          message.nak(delayMs)
          stats.usageNaked += 1
        },
        term: (reason) => {
          message.term(reason)
          stats.usageTerminated += 1
        },
      }
    }
  } finally {
    local.abort()
  }
  return undefined
}

function subscribeCounterDeltas(
  ports: TransportPorts,
  busSignal: AbortSignal,
  stats: MutableBusStats,
  bufferSize: number,
): AsyncIterableIterator<CounterDelta> {
  const queue = new AsyncQueue<Uint8Array>({
    capacity: bufferSize,
    onDrop: () => {
      stats.counterDeltasDropped += 1
    },
  })
  // Subscribe now, not on the first `next()`: after `bus.flush()` the subscription is live.
  const unsubscribe = ports.counters.subscribe((payload) => queue.push(payload))
  const stop = () => {
    busSignal.removeEventListener('abort', stop)
    unsubscribe()
    queue.close()
  }
  busSignal.addEventListener('abort', stop, { once: true })
  const pull = async (): Promise<IteratorResult<CounterDelta, undefined>> => {
    for (;;) {
      const next = await queue.next()
      if (next.done) return next
      const delta = decodeCounterDelta(next.value)
      if (delta) {
        stats.countersReceived += 1
        return { done: false, value: delta }
      }
      stats.counterPayloadsRejected += 1
    }
  }
  return createSubscription(pull, stop)
}
