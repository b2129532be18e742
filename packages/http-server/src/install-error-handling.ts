import type { Hono } from 'hono'
import type { Env } from 'hono/types'
import type { Logger } from './create-logger.ts'
import { HttpError, NotFoundError, toErrorResponse } from './http-error.ts'

/** Installs the single error mapper and an OpenAI-shaped 404 for unknown routes. */
export function installErrorHandling<E extends Env>(app: Hono<E>, log: Logger): Hono<E> {
  app.onError((error, c) => {
    const { status, body, headers } = toErrorResponse(error)
    if (status >= 500 && !(error instanceof HttpError)) {
      log.error({ err: error, method: c.req.method, path: c.req.path }, 'request failed')
    }
    return c.json(body, status, headers)
  })
  app.notFound((c) => {
    const { status, body } = toErrorResponse(
      new NotFoundError(`Unknown route: ${c.req.method} ${c.req.path}`, 'unknown_route'),
    )
    return c.json(body, status)
  })
  return app
}
