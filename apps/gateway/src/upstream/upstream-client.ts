import type { RouteTimeouts } from '@switchyard/contracts'
import { UpstreamError, type UpstreamRequest } from '@switchyard/providers'
import { Agent, errors, request } from 'undici'

export interface UpstreamResponse {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  /** Body bytes; must be consumed or cancelled. */
  readonly body: AsyncIterable<Uint8Array>
  text(): Promise<string>
  /** Discards the body and releases the connection. */
  dump(): Promise<void>
}

export interface UpstreamClientOptions {
  /** Most open connections to one upstream origin. */
  readonly connectionsPerOrigin: number
  readonly keepAliveTimeoutMs: number
}

/** Raised when the client went away: the upstream call was cancelled on purpose. */
export class ClientClosedError extends Error {
  override readonly name = 'ClientClosedError'
}

/**
 * HTTP to providers over keep-alive connection pools (undici), with the route's timeouts:
 * connect, first byte (headers), idle (between body chunks) and total (the whole attempt).
 * The connect timeout is an agent setting, so there is one agent per distinct value.
 */
export class UpstreamClient {
  readonly #agents = new Map<number, Agent>()
  readonly #options: UpstreamClientOptions

  constructor(options: UpstreamClientOptions) {
    this.#options = options
  }

  async send(upstream: UpstreamRequest, timeouts: RouteTimeouts, clientSignal: AbortSignal): Promise<UpstreamResponse> {
    // One controller and one timer per attempt, both released as soon as the body is done: a
    // timer left running for the whole total timeout (minutes) per request would pile up.
    const controller = new AbortController()
    const deadline = { isExpired: false }
    const onClientAbort = () => controller.abort(clientSignal.reason)
    if (clientSignal.aborted) controller.abort(clientSignal.reason)
    else clientSignal.addEventListener('abort', onClientAbort, { once: true })
    const timer = setTimeout(() => {
      deadline.isExpired = true
      controller.abort()
    }, timeouts.totalMs)
    const release = () => {
      clearTimeout(timer)
      clientSignal.removeEventListener('abort', onClientAbort)
    }
    const fail = (error: unknown) => {
      release()
      return toUpstreamError(error, clientSignal, deadline.isExpired)
    }
    try {
      const response = await request(upstream.url, {
        method: upstream.method,
        headers: upstream.headers,
        body: upstream.body ?? null,
        signal: controller.signal,
        dispatcher: this.#agent(timeouts.connectMs),
        headersTimeout: timeouts.firstByteMs,
        bodyTimeout: timeouts.idleMs,
      })
      const headers: Record<string, string> = {}
      for (const [name, value] of Object.entries(response.headers)) {
        if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value
      }
      const body = response.body
      return {
        status: response.statusCode,
        headers,
        body: mapBodyErrors(body, fail, release),
        text: () =>
          body.text().then(
            (text) => {
              release()
              return text
            },
            (error: unknown) => Promise.reject(fail(error)),
          ),
        dump: () => body.dump().then(release, release),
      }
    } catch (error) {
      throw fail(error)
    }
  }

  /** Requests being sent or read right now, across every upstream origin. */
  runningRequests(): number {
    let running = 0
    for (const agent of this.#agents.values()) {
      for (const stats of Object.values(agent.stats)) running += stats.running
    }
    return running
  }

  async close(): Promise<void> {
    await Promise.all([...this.#agents.values()].map((agent) => agent.close()))
  }

  #agent(connectTimeoutMs: number): Agent {
    let agent = this.#agents.get(connectTimeoutMs)
    if (!agent) {
      agent = new Agent({
        connections: this.#options.connectionsPerOrigin,
        keepAliveTimeout: this.#options.keepAliveTimeoutMs,
        connect: { timeout: connectTimeoutMs },
      })
      this.#agents.set(connectTimeoutMs, agent)
    }
    return agent
  }
}

async function* mapBodyErrors(
  body: AsyncIterable<Uint8Array>,
  fail: (error: unknown) => Error,
  release: () => void,
): AsyncGenerator<Uint8Array> {
  try {
    yield* body
  } catch (error) {
    throw fail(error)
  } finally {
    release()
  }
}

/** Network failures in the words the router and the client understand. */
function toUpstreamError(error: unknown, clientSignal: AbortSignal, isTotalTimeout: boolean): Error {
  if (error instanceof UpstreamError || error instanceof ClientClosedError) return error
  if (clientSignal.aborted) return new ClientClosedError('the client closed the connection', { cause: error })
  const timeout = (message: string) =>
    new UpstreamError({
      errorClass: 'timeout',
      status: 504,
      upstreamStatus: null,
      message,
      type: 'server_error',
      code: 'upstream_timeout',
      cause: error,
    })
  if (isTotalTimeout) return timeout('The provider did not finish within the route’s total timeout.')
  if (error instanceof errors.HeadersTimeoutError)
    return timeout('The provider did not answer within the route’s first-byte timeout.')
  if (error instanceof errors.BodyTimeoutError)
    return timeout('The provider stream stalled longer than the route’s idle timeout.')
  if (error instanceof errors.ConnectTimeoutError)
    return timeout('Could not connect to the provider within the route’s connect timeout.')
  return new UpstreamError({
    errorClass: 'connection_error',
    status: 502,
    upstreamStatus: null,
    message: 'The connection to the provider failed.',
    type: 'server_error',
    code: 'upstream_connection_error',
    cause: error,
  })
}
