import { Hono } from 'hono'

export interface Readiness {
  readonly isReady: boolean
  /** What the probe found, shown to operators; never secrets. */
  readonly details: Record<string, unknown>
}

/**
 * `/livez` answers while the process can serve HTTP at all; `/readyz` answers 200 only when
 * `checkReady` says the component can do its job, 503 otherwise.
 */
export function healthRoutes(component: string, checkReady: () => Promise<Readiness> | Readiness): Hono {
  const routes = new Hono()
  routes.get('/livez', (c) => c.json({ status: 'ok', component }))
  routes.get('/readyz', async (c) => {
    let readiness: Readiness
    try {
      readiness = await checkReady()
    } catch (error) {
      readiness = { isReady: false, details: { error: error instanceof Error ? error.name : 'unknown' } }
    }
    return c.json(
      { status: readiness.isReady ? 'ready' : 'not_ready', component, ...readiness.details },
      readiness.isReady ? 200 : 503,
    )
  })
  return routes
}
