import type { IncomingHttpHeaders } from 'node:http'
import { describeIssue } from '../core/describe-issue.ts'
import { Scenario } from './scenario.ts'
import type { ScenarioRegistry } from './scenario-registry.ts'

export const scenarioHeader = 'x-simulator-scenario'

export type ResolvedScenario =
  | { readonly kind: 'scenario'; readonly scenario: Scenario | undefined }
  | { readonly kind: 'invalid'; readonly message: string }

const noScenario: ResolvedScenario = { kind: 'scenario', scenario: undefined }

/** The request's own scenario header wins over the registry's scenario for its key. */
export function resolveScenario(
  registry: ScenarioRegistry,
  headers: IncomingHttpHeaders,
  key: string | undefined,
): ResolvedScenario {
  const header = headers[scenarioHeader]
  if (typeof header === 'string') return parseScenarioHeader(header)
  if (key === undefined) return noScenario
  const scenario = registry.get(key)
  return scenario === undefined ? noScenario : { kind: 'scenario', scenario }
}

function parseScenarioHeader(header: string): ResolvedScenario {
  let json: unknown
  try {
    json = JSON.parse(header)
  } catch {
    return { kind: 'invalid', message: `The ${scenarioHeader} header is not valid JSON.` }
  }
  const parsed = Scenario.safeParse(json)
  if (parsed.success) return { kind: 'scenario', scenario: parsed.data }
  return { kind: 'invalid', message: `The ${scenarioHeader} header is invalid: ${describeIssue(parsed.error).message}` }
}
