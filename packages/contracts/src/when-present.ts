import type { z } from 'zod'

/**
 * A schema-level error message that applies only when a value is there: a missing value falls
 * through to the reader's error map (which says "required") instead of reading as a bad value.
 */
export function whenPresent(message: string | ((input: unknown) => string)) {
  return (iss: z.core.$ZodRawIssue): string | undefined => {
    if (iss.input === undefined) return undefined
    return typeof message === 'string' ? message : message(iss.input)
  }
}
