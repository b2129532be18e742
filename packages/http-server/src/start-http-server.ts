import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import type { Hono } from 'hono'
import type { Env } from 'hono/types'

export interface HttpServerOptions {
  readonly host: string
  /** 0 picks a free port. */
  readonly port: number
}

export interface RunningHttpServer {
  readonly url: string
  readonly port: number
  /**
   * Stops accepting connections and waits for in-flight requests to finish; after
   * `drainTimeoutMs` the remaining connections are cut.
   */
  close(drainTimeoutMs: number): Promise<void>
}

export async function startHttpServer<E extends Env>(
  app: Hono<E>,
  options: HttpServerOptions,
): Promise<RunningHttpServer> {
  const { server, address } = await new Promise<{ server: Server; address: AddressInfo }>((resolve, reject) => {
    const started = serve({ fetch: app.fetch, hostname: options.host, port: options.port }, (info) =>
      resolve({ server: started as Server, address: info }),
    )
    started.once('error', reject)
  })
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    close: (drainTimeoutMs) =>
      new Promise<void>((resolve) => {
        // A keep-alive connection whose request finishes during the drain turns idle only
        // then, so idle connections are swept until the server has closed.
        const sweep = setInterval(() => server.closeIdleConnections(), 50)
        const cutoff = setTimeout(() => server.closeAllConnections(), drainTimeoutMs)
        server.close(() => {
          clearInterval(sweep)
          clearTimeout(cutoff)
          resolve()
        })
        server.closeIdleConnections()
      }),
  }
}
