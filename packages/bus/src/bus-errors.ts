import type { z } from 'zod'

/** Base class of every error the bus throws; `cause` carries the transport's own error. */
export class BusError extends Error {
  override readonly name: string = 'BusError'
}

/** The bus was closed: nothing more can be published or subscribed. */
export class BusClosedError extends BusError {
  override readonly name = 'BusClosedError'
  constructor(operation: string) {
    super(`Bus is closed: cannot ${operation}`)
  }
}

/** The transport could not be reached or set up (connection, streams, buckets). */
export class BusConnectError extends BusError {
  override readonly name = 'BusConnectError'
}

/** A caller handed the bus something it cannot carry (a programming error, not a transport failure). */
export class InvalidBusInputError extends BusError {
  override readonly name = 'InvalidBusInputError'

  static fromZod(what: string, error: z.ZodError): InvalidBusInputError {
    const issues = error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ')
    return new InvalidBusInputError(`Invalid ${what}: ${issues}`, { cause: error })
  }
}

/** A snapshot revision not newer than the current one (or the same revision with another body). */
export class StaleSnapshotError extends BusError {
  override readonly name = 'StaleSnapshotError'
  readonly revision: number
  readonly currentRevision: number
  constructor(revision: number, currentRevision: number) {
    super(`Snapshot revision ${revision} is not newer than the current revision ${currentRevision}`)
    this.revision = revision
    this.currentRevision = currentRevision
  }
}

export class SnapshotTooLargeError extends BusError {
  override readonly name = 'SnapshotTooLargeError'
}

/** Storing a snapshot body or its pointer failed; the previous snapshot stays current. */
export class SnapshotPublishError extends BusError {
  override readonly name = 'SnapshotPublishError'
}

/** Reading the current snapshot failed for a transport reason (not a corrupt snapshot: those are skipped). */
export class SnapshotReadError extends BusError {
  override readonly name = 'SnapshotReadError'
}

/** The usage event was not stored; the caller should spool it and publish again later (same id). */
export class UsagePublishError extends BusError {
  override readonly name: string = 'UsagePublishError'
}

/** The in-process usage queue is at its cap; the caller should spool and retry later. */
export class UsageQueueFullError extends UsagePublishError {
  override readonly name = 'UsageQueueFullError'
  readonly maxPendingUsage: number
  constructor(maxPendingUsage: number) {
    super(`Usage queue is full (${maxPendingUsage} messages pending)`)
    this.maxPendingUsage = maxPendingUsage
  }
}

/** An ack was not confirmed; the message may be delivered again (consumers must be idempotent). */
export class UsageAckError extends BusError {
  override readonly name = 'UsageAckError'
}
