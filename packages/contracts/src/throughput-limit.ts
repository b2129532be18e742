import { z } from 'zod'

const PerMinute = z.int().positive()

/** Requests and tokens per minute, spread into any object that throttles. */
export const throughputLimitShape = {
  requestsPerMinute: PerMinute.optional().describe('Maximum requests per minute'),
  tokensPerMinute: PerMinute.optional().describe('Maximum input + output tokens per minute'),
}

/** A limit that limits nothing is a mistake, not a default. */
export function checkThroughputLimit(
  limit: { requestsPerMinute?: number | undefined; tokensPerMinute?: number | undefined },
  ctx: z.RefinementCtx,
): void {
  if (limit.requestsPerMinute === undefined && limit.tokensPerMinute === undefined) {
    ctx.addIssue({ code: 'custom', message: 'set requestsPerMinute, tokensPerMinute or both', path: [] })
  }
}

/** Requests and tokens per minute; at least one of the two must be set. */
export const ThroughputLimit = z.strictObject(throughputLimitShape).superRefine(checkThroughputLimit)
export type ThroughputLimit = z.infer<typeof ThroughputLimit>
