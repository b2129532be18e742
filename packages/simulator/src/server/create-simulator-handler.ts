import type { IncomingMessage, ServerResponse } from 'node:http'
import { createAnthropicFamily } from '../anthropic/anthropic-family.ts'
import { createAzureFamily } from '../azure/azure-family.ts'
import { createBedrockFamily } from '../bedrock/bedrock-family.ts'
import { createGeminiFamily } from '../gemini/gemini-family.ts'
import { createOpenAIFamily } from '../openai/openai-family.ts'
import { resolveScenario } from '../scenarios/resolve-scenario.ts'
import type { Scenario } from '../scenarios/scenario.ts'
import { scenarioFailure } from '../scenarios/scenario-failure.ts'
import { ScenarioRegistry } from '../scenarios/scenario-registry.ts'
import { controlPrefix, handleControlRequest } from '../scenarios/scenario-routes.ts'
import type { Endpoint, ErrorDialect, IncomingCall } from './endpoint.ts'
import { Exchange } from './exchange.ts'
import { readBody } from './read-body.ts'
import { jsonReply, type Reply } from './reply.ts'
import { createRouter } from './router.ts'
import { sendJson, sendReply } from './send-reply.ts'
import { defaultMaxBodyBytes, type SimulatorHandlerOptions } from './simulator-options.ts'

interface Decision {
  readonly reply: Reply
  readonly scenario: Scenario | undefined
}

export type SimulatorHandler = (req: IncomingMessage, res: ServerResponse) => void

/** The whole simulator as a `node:http` request listener. Builds its routes once. */
export function createSimulatorHandler(options: SimulatorHandlerOptions = {}): SimulatorHandler {
  const registry = options.scenarios ?? new ScenarioRegistry()
  const maxBodyBytes = options.maxBodyBytes ?? defaultMaxBodyBytes
  const router = createRouter([
    createOpenAIFamily(),
    createAzureFamily(),
    createAnthropicFamily(),
    createGeminiFamily(),
    createBedrockFamily(options.bedrockCredentials),
  ])

  /** Auth, JSON, validation, scenario: the first that objects decides the reply. */
  function decide(endpoint: Endpoint, call: IncomingCall): Decision {
    const { dialect } = endpoint
    const authFailure = endpoint.authenticate(call)
    if (authFailure !== undefined) return { reply: authFailure, scenario: undefined }
    let json: unknown
    if (call.body !== undefined) {
      try {
        json = JSON.parse(call.body.toString('utf8'))
      } catch {
        return { reply: dialect.error(400, 'We could not parse the JSON body of your request.'), scenario: undefined }
      }
    }
    const prepared = endpoint.prepare(json, call)
    if (prepared.kind === 'json') return { reply: prepared, scenario: undefined }
    const resolved = resolveScenario(registry, call.headers, prepared.scenarioKey)
    if (resolved.kind === 'invalid') return { reply: dialect.error(400, resolved.message), scenario: undefined }
    const { scenario } = resolved
    const failure = scenario && scenarioFailure(registry, prepared.scenarioKey, scenario, dialect)
    return { reply: failure ?? prepared.reply(scenario), scenario }
  }

  function answer(exchange: Exchange, endpoint: Endpoint, call: IncomingCall): void {
    const { reply, scenario } = decide(endpoint, call)
    sendReply(exchange, reply, scenario)
  }

  function handle(exchange: Exchange): void {
    const { req } = exchange
    const url = req.url ?? '/'
    const queryStart = url.indexOf('?')
    const rawPath = queryStart < 0 ? url : url.slice(0, queryStart)
    const query = queryStart < 0 ? '' : url.slice(queryStart + 1)
    if (rawPath.startsWith(controlPrefix)) {
      handleControlRequest(exchange, rawPath, registry)
      return
    }
    const method = req.method ?? 'GET'
    const match = router.match(method, rawPath)
    if (match.kind === 'unknown') {
      sendJson(exchange, notFound(match.dialect, method, rawPath))
      return
    }
    const { endpoint, params } = match
    const { headers } = req
    const call: IncomingCall = {
      method,
      rawPath,
      query,
      params,
      headers,
      body: undefined,
      startedAtMs: exchange.startedAtMs,
    }
    if (!endpoint.hasBody) {
      answer(exchange, endpoint, call)
      return
    }
    readBody(req, maxBodyBytes, (result) => {
      if (result.kind === 'body') {
        const { body } = result
        guard(exchange, () => answer(exchange, endpoint, { ...call, body }))
      } else if (result.kind === 'too_large') {
        sendJson(exchange, endpoint.dialect.error(413, `Request body exceeds ${maxBodyBytes} bytes.`))
      }
    })
  }

  return function handleSimulatorRequest(req, res) {
    const exchange = new Exchange(req, res)
    guard(exchange, () => handle(exchange))
  }
}

function notFound(dialect: ErrorDialect | undefined, method: string, rawPath: string) {
  const message = `Invalid URL (${method} ${rawPath})`
  return dialect === undefined ? jsonReply(404, { error: { message } }) : dialect.error(404, message)
}

/** A bug answering one request must never take the process down: it becomes a bare 500. */
function guard(exchange: Exchange, run: () => void): void {
  try {
    run()
  } catch (error) {
    console.error('simulator: request failed', error)
    if (!exchange.res.headersSent) sendJson(exchange, jsonReply(500, { error: { message: 'Simulator error' } }))
    else exchange.res.destroy()
  }
}
