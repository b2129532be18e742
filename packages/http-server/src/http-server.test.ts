import { ErrorBody } from '@switchyard/contracts'
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { createLogger } from './create-logger.ts'
import { healthRoutes } from './health-routes.ts'
import { InvalidRequestError } from './http-error.ts'
import { installErrorHandling } from './install-error-handling.ts'
import { startHttpServer } from './start-http-server.ts'

function appWithErrors() {
  const logged: string[] = []
  const app = installErrorHandling(
    new Hono(),
    createLogger('test', 'error', { write: (line: string) => logged.push(line) }),
  )
  app.get('/bad', () => {
    throw new InvalidRequestError('messages must not be empty', { param: 'messages', code: 'empty_array' })
  })
  app.get('/boom', () => {
    throw new Error('connection string postgres://admin:hunter2@db')
  })
  return { app, logged }
}

describe('error handling', () => {
  it('answers a client error in the OpenAI shape with its status', async () => {
    const response = await appWithErrors().app.request('/bad')
    expect(response.status).toBe(400)
    expect(ErrorBody.parse(await response.json())).toEqual({
      error: {
        message: 'messages must not be empty',
        type: 'invalid_request_error',
        code: 'empty_array',
        param: 'messages',
      },
    })
  })

  it('never shows the message of an unexpected error, and logs it', async () => {
    const { app, logged } = appWithErrors()
    const response = await app.request('/boom')
    expect(response.status).toBe(500)
    const text = await response.text()
    expect(text).not.toContain('hunter2')
    expect(ErrorBody.parse(JSON.parse(text)).error.code).toBe('internal_error')
    expect(logged).toHaveLength(1)
    expect(JSON.parse(logged[0] ?? '{}')).toMatchObject({
      msg: 'request failed',
      path: '/boom',
      err: { type: 'Error' },
    })
  })

  it('answers unknown routes with an OpenAI-shaped 404', async () => {
    const response = await appWithErrors().app.request('/v1/nope', { method: 'POST' })
    expect(response.status).toBe(404)
    expect(ErrorBody.parse(await response.json()).error).toMatchObject({
      code: 'unknown_route',
      type: 'not_found_error',
    })
  })
})

describe('health routes', () => {
  it('is live always and ready only when the check says so', async () => {
    let isReady = false
    const app = healthRoutes('gateway', () => ({ isReady, details: { revision: isReady ? 7 : null } }))
    expect((await app.request('/livez')).status).toBe(200)
    const notReady = await app.request('/readyz')
    expect(notReady.status).toBe(503)
    expect(await notReady.json()).toEqual({ status: 'not_ready', component: 'gateway', revision: null })
    isReady = true
    const ready = await app.request('/readyz')
    expect(ready.status).toBe(200)
    expect(await ready.json()).toEqual({ status: 'ready', component: 'gateway', revision: 7 })
  })

  it('is not ready when the check throws', async () => {
    const app = healthRoutes('control-plane', () => {
      throw new TypeError('db down')
    })
    const response = await app.request('/readyz')
    expect(response.status).toBe(503)
    expect(await response.json()).toEqual({ status: 'not_ready', component: 'control-plane', error: 'TypeError' })
  })
})

describe('startHttpServer', () => {
  it('lets an in-flight request finish when closing, then refuses new ones', async () => {
    let release: () => void = () => {}
    const released = new Promise<void>((resolve) => {
      release = resolve
    })
    let arrive: () => void = () => {}
    const arrived = new Promise<void>((resolve) => {
      arrive = resolve
    })
    const app = new Hono()
    app.get('/slow', async (c) => {
      arrive()
      await released
      return c.text('done')
    })
    const server = await startHttpServer(app, { host: '127.0.0.1', port: 0 })
    const inFlight = fetch(`${server.url}/slow`)
    await arrived
    const closing = server.close(5_000)
    release()
    const response = await inFlight
    expect(await response.text()).toBe('done')
    await closing
    await expect(fetch(`${server.url}/slow`)).rejects.toThrow()
  })
})

describe('createLogger', () => {
  it('blanks secret-bearing fields wherever they sit', () => {
    const lines: string[] = []
    const logger = createLogger('test', 'info', { write: (line: string) => lines.push(line) })
    logger.info({ headers: { authorization: 'Bearer sk-live-123', 'x-api-key': 'sk-ant-456' } }, 'request')
    logger.info({ provider: { apiKey: 'sk-789' } }, 'provider')
    const written = lines.join('')
    expect(written).not.toMatch(/sk-live-123|sk-ant-456|sk-789/)
    expect(written).toContain('[redacted]')
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ component: 'test', msg: 'request' })
  })
})
