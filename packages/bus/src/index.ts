export type {
  Bus,
  ConsumeUsageOptions,
  PublishedSnapshot,
  Snapshot,
  SnapshotChannel,
  SnapshotToPublish,
  UsageDeadLetter,
  UsageMessage,
  UsagePublishResult,
  UsageToPublish,
} from './bus.ts'
export { SNAPSHOT_CHANNELS } from './bus.ts'
export type { BusClock } from './bus-clock.ts'
export {
  BusClosedError,
  BusConnectError,
  BusError,
  InvalidBusInputError,
  SnapshotPublishError,
  SnapshotReadError,
  SnapshotTooLargeError,
  StaleSnapshotError,
  UsageAckError,
  UsagePublishError,
  UsageQueueFullError,
} from './bus-errors.ts'
export type { BusStats } from './bus-stats.ts'
export { DeadLetterHeaders } from './dead-letter-headers.ts'
export { createInProcessBus, type InProcessBusOptions } from './in-process-bus.ts'
export {
  createInProcessTransport,
  type InProcessTransport,
  type InProcessTransportOptions,
  type StoredDeadLetter,
} from './in-process-transport.ts'
export { createNatsBus, type NatsBusOptions } from './nats-bus.ts'
