import { describeIssue } from '../core/describe-issue.ts'
import type { Exchange } from '../server/exchange.ts'
import { readBody } from '../server/read-body.ts'
import { type JsonReply, jsonReply } from '../server/reply.ts'
import { decodePathSegment } from '../server/router.ts'
import { sendJson } from '../server/send-reply.ts'
import { Scenario } from './scenario.ts'
import type { ScenarioRegistry } from './scenario-registry.ts'

export const controlPrefix = '/_simulator/'
const scenariosPath = '/_simulator/scenarios'
/** Scenario bodies are tiny; anything bigger is a mistake. */
const maxScenarioBytes = 64 * 1024

/**
 * The simulator's own control API:
 * `GET /_simulator/health`, `GET /_simulator/scenarios`, `PUT /_simulator/scenarios/{key}`,
 * `DELETE /_simulator/scenarios/{key}` and `DELETE /_simulator/scenarios` (all, with counts).
 */
export function handleControlRequest(exchange: Exchange, rawPath: string, registry: ScenarioRegistry): void {
  const method = exchange.req.method ?? 'GET'
  const isScenarioPut = method === 'PUT' && rawPath.startsWith(`${scenariosPath}/`)
  if (!isScenarioPut) {
    sendJson(exchange, controlReply(method, rawPath, registry))
    return
  }
  readBody(exchange.req, maxScenarioBytes, (result) => {
    const reply =
      result.kind === 'body'
        ? putScenario(scenarioKey(rawPath), result.body, registry)
        : controlError(413, 'Scenario body too large')
    sendJson(exchange, reply)
  })
}

function scenarioKey(rawPath: string): string | undefined {
  return decodePathSegment(rawPath.slice(scenariosPath.length + 1))
}

function controlReply(method: string, rawPath: string, registry: ScenarioRegistry): JsonReply {
  if (rawPath === '/_simulator/health' && method === 'GET') return jsonReply(200, { status: 'ok' })
  if (rawPath === scenariosPath) {
    if (method === 'GET') return jsonReply(200, registry.entries())
    if (method !== 'DELETE') return controlError(405, `${method} is not allowed on ${scenariosPath}`)
    registry.clear()
    return jsonReply(200, { deleted: 'all' })
  }
  const key = rawPath.startsWith(`${scenariosPath}/`) ? scenarioKey(rawPath) : undefined
  if (key === undefined) return controlError(404, `No route ${method} ${rawPath}`)
  if (method === 'DELETE') {
    return registry.delete(key) ? jsonReply(200, { deleted: key }) : controlError(404, `No scenario for ${key}`)
  }
  if (method !== 'GET') return controlError(405, `${method} is not allowed on scenarios`)
  const scenario = registry.get(key)
  return scenario === undefined ? controlError(404, `No scenario for ${key}`) : jsonReply(200, scenario)
}

function putScenario(key: string | undefined, body: Buffer, registry: ScenarioRegistry): JsonReply {
  if (key === undefined || key === '') return controlError(400, 'The scenario key is not a valid path segment')
  let json: unknown
  try {
    json = JSON.parse(body.toString('utf8'))
  } catch {
    return controlError(400, 'Scenario body is not valid JSON')
  }
  const parsed = Scenario.safeParse(json)
  if (!parsed.success) return controlError(400, describeIssue(parsed.error).message)
  return jsonReply(200, { key, scenario: registry.set(key, parsed.data) })
}

function controlError(status: number, message: string): JsonReply {
  return jsonReply(status, { error: { message } })
}
