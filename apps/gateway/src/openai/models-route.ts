import { ServiceUnavailableError } from '@switchyard/http-server'
import { Hono } from 'hono'
import { type AdmissionDeps, checkScope } from '../pipeline/admit-request.ts'
import { authenticateCaller } from '../pipeline/authenticate-caller.ts'

/** `GET /v1/models`: the models this caller may use, in OpenAI's list shape. */
export function modelsRoute(deps: AdmissionDeps): Hono {
  const app = new Hono()
  app.get('/v1/models', async (c) => {
    const loaded = deps.snapshots.current
    if (!loaded)
      throw new ServiceUnavailableError('The gateway has not loaded its policy yet; retry shortly.', 'not_ready')
    const key = await authenticateCaller(deps, loaded, c.req.raw.headers)
    checkScope(key, 'models')
    const created = Math.floor(Date.parse(loaded.snapshot.generatedAt) / 1000)
    const data = [...loaded.policy.models.keys()]
      .filter((name) => key.allowedModels === null || key.allowedModels.has(name))
      .sort()
      .map((id) => ({ id, object: 'model', created, owned_by: 'switchyard' }))
    return c.json({ object: 'list', data })
  })
  return app
}
