import { type HttpServerOptions, type Logger, type RunningHttpServer, startHttpServer } from '@switchyard/http-server'
import { createGatewayApp } from './app.ts'
import { followSnapshots, type SnapshotSource } from './snapshot/follow-snapshots.ts'
import { SnapshotState } from './snapshot/snapshot-state.ts'

export interface GatewayRuntimeDeps {
  readonly podId: string
  /** NATS in distributed mode, the in-process bus in embedded mode. */
  readonly bus: SnapshotSource
  readonly log: Logger
  readonly http: HttpServerOptions
}

export interface RunningGateway {
  readonly url: string
  readonly snapshots: SnapshotState
  /** Stops taking requests and drains in-flight ones; the bus is the caller's to close. */
  stop(drainTimeoutMs: number): Promise<void>
}

/** Wires a gateway pod: follows snapshots from the bus and serves the data-plane API. */
export async function startGateway(deps: GatewayRuntimeDeps): Promise<RunningGateway> {
  const snapshots = new SnapshotState()
  // The watch runs for the pod's life and ends when the bus closes.
  followSnapshots(deps.bus, snapshots, deps.log).catch((error: unknown) => {
    deps.log.error({ err: error }, 'snapshot watch ended with an error')
  })
  const server: RunningHttpServer = await startHttpServer(
    createGatewayApp({ podId: deps.podId, snapshots, log: deps.log }),
    deps.http,
  )
  deps.log.info({ url: server.url, podId: deps.podId }, 'gateway listening')
  return {
    url: server.url,
    snapshots,
    stop: (drainTimeoutMs) => server.close(drainTimeoutMs),
  }
}
