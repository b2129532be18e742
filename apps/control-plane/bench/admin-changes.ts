import { setTimeout as sleep } from 'node:timers/promises'
import { type JsonLinesChild, wallMs } from './bench-children.ts'
import type { PolicyChangeSample, RevocationSample } from './snapshot-scale-report.ts'

/** The processes a change goes through, and how to reach them. */
export interface ChangePath {
  readonly adminUrl: string
  readonly adminToken: string
  readonly gatewayUrl: string
  readonly controlPlane: JsonLinesChild
  readonly gateway: JsonLinesChild
  readonly probe: JsonLinesChild
}

const POLL_DEADLINE_MS = 60_000

/**
 * Revokes one key through the real admin API (`POST /api/keys/{id}/revoke`: its own transaction,
 * then the publisher's key overlay), and polls the gateway with that key, from the moment the
 * API answers, until it answers 401 `api_key_revoked`. Then collects what the overlay that
 * carried it weighed and what applying it cost each pod.
 */
export async function revokeThroughApi(
  path: ChangePath,
  keyId: string,
  apiKey: string,
  position: number,
): Promise<RevocationSample> {
  if ((await modelsOf(path.gatewayUrl, apiKey)).status !== 200) throw new Error(`key ${keyId} is not served before`)
  const { answeredAtMs, apiMs } = await admin(path, 'POST', `/api/keys/${keyId}/revoke`)
  const rejectedAtMs = await pollUntil(path.gatewayUrl, apiKey, (r) => r.status === 401 && r.code === 'api_key_revoked')
  const probeApplied = await path.probe.waitFor(
    (l) =>
      l.event === 'applied' &&
      l.channel === 'keys' &&
      (l.watchedKeys as string[] | undefined)?.[position] === 'revoked',
  )
  const revision = Number(probeApplied.revision)
  const published = await path.controlPlane.waitFor((l) => l.msg === 'key overlay published' && l.revision === revision)
  const gatewayApplied = await path.gateway.waitFor((l) => l.msg === 'key overlay applied' && l.revision === revision)
  const probeMemory = await path.probe.waitFor((l) => l.event === 'memory' && l.revision === revision)
  return {
    revision,
    baseRevision: Number(published.baseRevision),
    overlayKeys: Number(published.keyCount),
    overlaySizeBytes: Number(published.sizeBytes),
    apiMs,
    answerToPublishedMs: Number(published.time) - answeredAtMs,
    answerToProbeAppliedMs: Number(probeApplied.appliedAtMs) - answeredAtMs,
    answerToGatewayRejectsMs: rejectedAtMs - answeredAtMs,
    probeApplyMs: Number(probeApplied.overlayApplyMs),
    gatewayApplyMs: Number(gatewayApplied.applyMs),
    probeMemory,
  }
}

/**
 * A change that is not to a key (a team's model allow-list, through `PATCH /api/teams/{id}`), so
 * the publisher sends the whole policy snapshot; polls the gateway's `GET /v1/models` with one of
 * the team's keys until it lists only the model left on the list.
 */
export async function changeTeamThroughApi(
  path: ChangePath,
  teamId: string,
  model: string,
  apiKey: string,
): Promise<PolicyChangeSample> {
  const before = await modelsOf(path.gatewayUrl, apiKey)
  if (before.status !== 200 || before.models.length <= 1) throw new Error(`team ${teamId} has no allow-list to narrow`)
  const { answeredAtMs, apiMs } = await admin(path, 'PATCH', `/api/teams/${teamId}`, { allowedModels: [model] })
  const enforcedAtMs = await pollUntil(path.gatewayUrl, apiKey, (r) => r.models.length === 1 && r.models[0] === model)
  const published = await path.controlPlane.waitFor(
    (l) => l.msg === 'policy snapshot published' && Number(l.time) >= answeredAtMs - 1,
  )
  const revision = Number(published.revision)
  const probeApplied = await path.probe.waitFor((l) => l.event === 'applied' && l.revision === revision)
  const gatewayApplied = await path.gateway.waitFor(
    (l) => l.msg === 'policy snapshot applied' && l.revision === revision,
  )
  return {
    revision,
    sizeBytes: Number(published.sizeBytes),
    apiMs,
    answerToPublishedMs: Number(published.time) - answeredAtMs,
    answerToProbeAppliedMs: Number(probeApplied.appliedAtMs) - answeredAtMs,
    answerToGatewayEnforcesMs: enforcedAtMs - answeredAtMs,
    gatewayApplied,
  }
}

async function admin(
  path: ChangePath,
  method: string,
  route: string,
  body?: unknown,
): Promise<{ answeredAtMs: number; apiMs: number }> {
  const started = performance.now()
  const response = await fetch(`${path.adminUrl}${route}`, {
    method,
    headers: { authorization: `Bearer ${path.adminToken}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await response.text()
  const answeredAtMs = wallMs()
  if (!response.ok) throw new Error(`${method} ${route} answered ${response.status}: ${text}`)
  return { answeredAtMs, apiMs: performance.now() - started }
}

interface ModelsAnswer {
  readonly status: number
  readonly code?: string
  readonly models: readonly string[]
  readonly at: number
}

/** Asks the gateway every millisecond or so until `isDone`; the wall clock of the answer that was. */
async function pollUntil(url: string, apiKey: string, isDone: (answer: ModelsAnswer) => boolean): Promise<number> {
  const deadline = performance.now() + POLL_DEADLINE_MS
  while (performance.now() < deadline) {
    const answer = await modelsOf(url, apiKey)
    if (isDone(answer)) return answer.at
    if (answer.status !== 200) throw new Error(`gateway answered ${answer.status} ${answer.code}`)
    await sleep(1)
  }
  throw new Error('the gateway never enforced the change')
}

async function modelsOf(url: string, apiKey: string): Promise<ModelsAnswer> {
  const response = await fetch(`${url}/v1/models`, { headers: { authorization: `Bearer ${apiKey}` } })
  const at = wallMs()
  const body = (await response.json()) as { error?: { code?: string }; data?: Array<{ id: string }> }
  return {
    status: response.status,
    ...(body.error?.code ? { code: body.error.code } : {}),
    models: body.data?.map((model) => model.id) ?? [],
    at,
  }
}
