import { HttpError } from '@switchyard/http-server'

/** The Postgres error code of a failed query, which drizzle wraps as the error's cause. */
function postgresCode(error: unknown): string | undefined {
  for (let current = error; current instanceof Error || typeof current === 'object'; ) {
    if (current === null) return undefined
    const code = (current as { code?: unknown }).code
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code
    current = (current as { cause?: unknown }).cause
    if (current === undefined) return undefined
  }
  return undefined
}

/**
 * Turns the constraint violations a write can meet into 409s that say what to do; anything else
 * passes through as the server error it is.
 */
export function conflictFromDatabase(error: unknown, what: string): unknown {
  const code = postgresCode(error)
  if (code === '23505') {
    return new HttpError(
      409,
      'invalid_request_error',
      `${what} conflicts with an existing one: names must be unique.`,
      {
        code: 'conflict',
      },
    )
  }
  if (code === '23503') {
    return new HttpError(
      409,
      'invalid_request_error',
      `${what} is still referenced by other resources (or references one that is gone); remove those first.`,
      { code: 'in_use' },
    )
  }
  return error
}
