import type { ErrorDialect } from '../server/endpoint.ts'
import type { JsonReply, ReplyHeaders } from '../server/reply.ts'
import type { Scenario } from './scenario.ts'
import type { ScenarioRegistry } from './scenario-registry.ts'

/** What `failFirstN` fails with when the scenario names no error. */
const defaultFailureStatus = 500

/**
 * The error reply a scenario calls for on this request, if any: always with `error` alone,
 * only for the key's first N requests with `failFirstN`.
 */
export function scenarioFailure(
  registry: ScenarioRegistry,
  key: string | undefined,
  scenario: Scenario,
  dialect: ErrorDialect,
): JsonReply | undefined {
  const { error, failFirstN } = scenario
  if (failFirstN !== undefined) {
    if (registry.recordAttempt(key ?? '') > failFirstN) return undefined
  } else if (error === undefined) {
    return undefined
  }
  const status = error?.status ?? defaultFailureStatus
  const base = dialect.error(status)
  const retryAfterSeconds = error?.retryAfterSeconds ?? (status === 429 ? 1 : undefined)
  const headers: ReplyHeaders =
    retryAfterSeconds === undefined
      ? { ...base.headers }
      : {
          ...base.headers,
          'retry-after': String(Math.ceil(retryAfterSeconds)),
          'retry-after-ms': String(Math.round(retryAfterSeconds * 1000)),
        }
  if (error?.body === undefined) return { kind: 'json', status, body: base.body, headers }
  return { kind: 'json', status, body: error.body, isRaw: typeof error.body === 'string', headers }
}
