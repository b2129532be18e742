/**
 * Every NATS name Switchyard uses, in one place. Subjects carry a version segment so a
 * breaking payload change gets a new subject instead of confusing old readers.
 */
export const NatsNames = {
  /** KV bucket holding one small pointer per snapshot channel: revision, checksum, object name. */
  snapshotPointerBucket: 'sy_snapshot_pointer',
  /** Object store holding snapshot bodies; they can exceed the 1 MiB default max payload. */
  snapshotObjectStore: 'sy_snapshots',
  /** Key of the `policy` channel's pointer in the pointer bucket (the name predates channels). */
  snapshotPointerKey: 'current',
  /** Prefix of the `policy` channel's body names: `snapshot-<revision>-<sha256 prefix>`. */
  snapshotObjectPrefix: 'snapshot-',
  /** Key of the `keys` channel's pointer (the key overlay) in the pointer bucket. */
  keysSnapshotPointerKey: 'keys',
  /** Prefix of the `keys` channel's body names: `keys-<revision>-<sha256 prefix>`. */
  keysSnapshotObjectPrefix: 'keys-',

  /** Durable stream of usage events. */
  usageStream: 'SY_USAGE',
  /** Subjects the usage stream captures; events publish to `usageEventSubject`. */
  usageStreamSubjects: 'sy.usage.v1.>',
  usageEventSubject: 'sy.usage.v1.event',
  /** Window in which the stream drops a re-published message id. */
  usageDuplicateWindowMs: 2 * 60 * 60 * 1000,
  /** Durable consumer the ingesters share. */
  usageIngesterConsumer: 'sy-ingester',
  /** Events that failed validation, with the reason in a header. */
  usageDeadLetterSubject: 'sy.deadletter.v1.usage',
  /** Stream capturing `usageDeadLetterSubject`, so dead letters stay inspectable and replayable. */
  usageDeadLetterStream: 'SY_USAGE_DEADLETTER',

  /** Core (non-persistent) subject where pods exchange rate-limit and budget counter deltas. */
  counterDeltaSubject: 'sy.counters.v1.delta',
} as const

export type NatsNames = typeof NatsNames
