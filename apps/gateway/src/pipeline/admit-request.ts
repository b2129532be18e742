import { randomUUID } from 'node:crypto'
import type { KeyScope } from '@switchyard/contracts'
import { ServiceUnavailableError } from '@switchyard/http-server'
import type { z } from 'zod'
import { ModelNotFoundError, PermissionDeniedError } from '../gateway-errors.ts'
import type { Limiter, LimitTicket, RequestSize } from '../limits/limiter.ts'
import { readJsonBody } from '../openai/read-json-body.ts'
import type { RuntimeKey, RuntimeModel, RuntimePolicy } from '../policy/runtime-policy.ts'
import type { SnapshotState } from '../snapshot/snapshot-state.ts'
import { authenticateCaller, type CallerAuthDeps } from './authenticate-caller.ts'

export interface AdmissionDeps extends CallerAuthDeps {
  readonly snapshots: SnapshotState
  readonly maxBodyBytes: number
  /** Rate limits and budgets; absent: none are enforced (route tests). */
  readonly limiter?: Limiter
  readonly now: () => number
}

export interface Admitted<T> {
  readonly requestId: string
  readonly policy: RuntimePolicy
  readonly key: RuntimeKey
  readonly body: T
  /** The model to serve: the requested one, or the cheaper one a spent budget downgrades to. */
  readonly model: RuntimeModel
  /** The request's hold on its rate limits and budgets: settle it when the request ends. */
  readonly limits: LimitTicket
}

/**
 * The front of every proxied call: request id → authenticate → parse body → authorize the model
 * → rate limits and budgets (when `sizeOf` says what the request may cost). It reads the current
 * policy once, so the whole request runs under one snapshot even if a new one lands meanwhile.
 */
export async function admitRequest<S extends z.ZodType<{ model: string }>>(
  deps: AdmissionDeps,
  request: Request,
  schema: S,
  scope: KeyScope,
  sizeOf?: (body: z.infer<S>) => RequestSize | Promise<RequestSize>,
): Promise<Admitted<z.infer<S>>> {
  const requestId = requestIdOf(request.headers)
  const loaded = deps.snapshots.current
  if (!loaded)
    throw new ServiceUnavailableError('The gateway has not loaded its policy yet; retry shortly.', 'not_ready')
  const { policy } = loaded
  const key = await authenticateCaller(deps, loaded, request.headers)
  checkScope(key, scope)
  const body = await readJsonBody(request, schema, deps.maxBodyBytes)
  const model = policy.models.get(body.model)
  if (!model) throw new ModelNotFoundError(body.model)
  if (key.allowedModels !== null && !key.allowedModels.has(model.name)) {
    throw new PermissionDeniedError(`This key may not use the model \`${model.name}\`.`, 'model_not_allowed', 'model')
  }
  const limits =
    deps.limiter === undefined || sizeOf === undefined
      ? unlimited(model)
      : await deps.limiter.admitWaiting(policy, key, model, () => sizeOf(body), deps.now)
  return { requestId, policy, key, body, model: limits.model, limits }
}

const unlimited = (model: RuntimeModel): LimitTicket => ({ model, downgradedFrom: null, headers: {}, settle: () => {} })

const SCOPE_APIS: Record<KeyScope, string> = {
  chat: '/v1/chat/completions',
  messages: '/v1/messages',
  embeddings: '/v1/embeddings',
  models: '/v1/models',
}

/** A key with scopes may call only those APIs. */
export function checkScope(key: RuntimeKey, scope: KeyScope): void {
  if (key.scopes && !key.scopes.has(scope)) {
    throw new PermissionDeniedError(`This key may not call ${SCOPE_APIS[scope]}.`, 'scope_not_allowed')
  }
}

const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/

/** The client's `x-request-id` when it is a sane token, else a new one. */
export function requestIdOf(headers: Headers): string {
  const fromClient = headers.get('x-request-id')
  if (fromClient !== null && CLIENT_REQUEST_ID.test(fromClient)) return fromClient
  return `req_${randomUUID().replaceAll('-', '')}`
}
