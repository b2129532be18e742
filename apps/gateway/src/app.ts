import { healthRoutes, installErrorHandling, type Logger } from '@switchyard/http-server'
import type { ProviderAdapterRegistry } from '@switchyard/providers'
import { Hono } from 'hono'
import { messagesRoute } from './anthropic/messages-route.ts'
import type { GatewayMetrics } from './metrics/gateway-metrics.ts'
import { chatCompletionsRoute } from './openai/chat-completions-route.ts'
import { embeddingsRoute } from './openai/embeddings-route.ts'
import { modelsRoute } from './openai/models-route.ts'
import type { SnapshotState } from './snapshot/snapshot-state.ts'
import type { UpstreamClient } from './upstream/upstream-client.ts'

export interface GatewayDeps {
  readonly podId: string
  readonly snapshots: SnapshotState
  readonly log: Logger
  readonly adapters: ProviderAdapterRegistry
  readonly upstream: UpstreamClient
  readonly metrics: GatewayMetrics
  /** Server-side pepper of the keyed API key hashes (shared with the control plane). */
  readonly keyPepper: Buffer
  readonly maxBodyBytes: number
  readonly now?: () => number
  readonly random?: () => number
}

/**
 * The data-plane pod. It opens nothing: main.ts (or the embedded runner) hands it the snapshot
 * state that the bus keeps current. The OpenAI- and Anthropic-compatible APIs mount here.
 */
export function createGatewayApp(deps: GatewayDeps): Hono {
  const now = deps.now ?? Date.now
  const routeDeps = { ...deps, now, random: deps.random ?? Math.random }
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
  app.get('/metrics', async (c) =>
    c.text(await deps.metrics.registry.metrics(), 200, { 'content-type': deps.metrics.registry.contentType }),
  )
  app.route('/', chatCompletionsRoute(routeDeps))
  app.route('/', embeddingsRoute(routeDeps))
  app.route('/', modelsRoute(routeDeps))
  app.route('/', messagesRoute(routeDeps))
  return app
}
