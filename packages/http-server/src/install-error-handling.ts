import type { Hono } from 'hono'
import type { Env } from 'hono/types'
import { NotFoundError, toErrorResponse } from './http-error.ts'

export type ErrorLogger = (event: { message: string; error: unknown; method: string; path: string }) => void

/** Installs the single error mapper and an OpenAI-shaped 404 for unknown routes. */
export function installErrorHandling<E extends Env>(app: Hono<E>, logUnexpected: ErrorLogger): Hono<E> {
  app.onError((error, c) => {
    const { status, body } = toErrorResponse(error)
    if (status >= 500) logUnexpected({ message: 'request failed', error, method: c.req.method, path: c.req.path })
    return c.json(body, status)
  })
  app.notFound((c) => {
    const { status, body } = toErrorResponse(
      new NotFoundError(`Unknown route: ${c.req.method} ${c.req.path}`, 'unknown_route'),
    )
    return c.json(body, status)
  })
  return app
}
