/** Headers on a dead-lettered usage event (NATS: in `NatsNames.usageDeadLetterStream`). */
export const DeadLetterHeaders = {
  /** The event id the letter carries (also its `Nats-Msg-Id`, so re-dead-lettering is idempotent). */
  usageId: 'Sy-Usage-Id',
  /** Why the event could not be ingested. */
  reason: 'Sy-Dead-Letter-Reason',
} as const
