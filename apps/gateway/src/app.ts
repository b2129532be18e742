import { healthRoutes, installErrorHandling, type Logger } from '@switchyard/http-server'
import { Hono } from 'hono'
import type { SnapshotState } from './snapshot/snapshot-state.ts'

export interface GatewayDeps {
  readonly podId: string
  readonly snapshots: SnapshotState
  readonly log: Logger
  readonly now?: () => number
}

/**
 * The data-plane pod. It opens nothing: main.ts (or the embedded runner) hands it the snapshot
 * state that the bus keeps current. The OpenAI- and Anthropic-compatible APIs mount here.
 */
export function createGatewayApp(deps: GatewayDeps): Hono {
  const now = deps.now ?? Date.now
  const app = installErrorHandling(new Hono(), deps.log)
  app.route(
    '/',
    healthRoutes('gateway', () => {
      const loaded = deps.snapshots.current
      if (!loaded) return { isReady: false, details: { podId: deps.podId, reason: 'no policy snapshot loaded yet' } }
      return {
        isReady: true,
        details: { podId: deps.podId, revision: loaded.snapshot.revision, snapshotAgeMs: now() - loaded.appliedAtMs },
      }
    }),
  )
  return app
}
