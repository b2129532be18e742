import { ClientClosedError } from '../upstream/upstream-client.ts'
import type { RoutingSummary } from './attempt-record.ts'

/**
 * The client went away before the answer's first byte (during an attempt or a backoff wait):
 * the `ClientClosedError` of the attempt loop, with every attempt made so far, so that the
 * request is metered (status `aborted`) like any other that reached an upstream attempt.
 */
export class ClientLeftError extends ClientClosedError {
  readonly summary: RoutingSummary

  constructor(cause: ClientClosedError, summary: RoutingSummary) {
    super(cause.message, { cause })
    this.summary = summary
  }
}
