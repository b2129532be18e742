import { randomUUID } from 'node:crypto'
import { ServiceUnavailableError } from '@switchyard/http-server'
import type { z } from 'zod'
import { ModelNotFoundError, PermissionDeniedError } from '../gateway-errors.ts'
import { readJsonBody } from '../openai/read-json-body.ts'
import type { RuntimeKey, RuntimeModel, RuntimePolicy } from '../policy/runtime-policy.ts'
import type { SnapshotState } from '../snapshot/snapshot-state.ts'
import { authenticateKey, presentedKey } from './authenticate.ts'
import type { KeyHasher } from './key-hasher.ts'

export interface AdmissionDeps {
  readonly snapshots: SnapshotState
  readonly keyHasher: KeyHasher
  readonly maxBodyBytes: number
  readonly now: () => number
}

export interface Admitted<T> {
  readonly requestId: string
  readonly policy: RuntimePolicy
  readonly key: RuntimeKey
  readonly body: T
  readonly model: RuntimeModel
}

/**
 * The front of every proxied call: request id → authenticate → parse body → authorize the model.
 * It reads the current policy once, so the whole request runs under one snapshot even if a new
 * one lands meanwhile.
 */
export async function admitRequest<S extends z.ZodType<{ model: string }>>(
  deps: AdmissionDeps,
  request: Request,
  schema: S,
): Promise<Admitted<z.infer<S>>> {
  const requestId = requestIdOf(request.headers)
  const policy = deps.snapshots.current?.policy
  if (!policy)
    throw new ServiceUnavailableError('The gateway has not loaded its policy yet; retry shortly.', 'not_ready')
  const key = authenticateKey(policy, deps.keyHasher, presentedKey(request.headers), deps.now())
  const body = await readJsonBody(request, schema, deps.maxBodyBytes)
  const model = policy.models.get(body.model)
  if (!model) throw new ModelNotFoundError(body.model)
  if (key.allowedModels !== null && !key.allowedModels.has(model.name)) {
    throw new PermissionDeniedError(`This key may not use the model \`${model.name}\`.`, 'model_not_allowed', 'model')
  }
  return { requestId, policy, key, body, model }
}

const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/

/** The client's `x-request-id` when it is a sane token, else a new one. */
export function requestIdOf(headers: Headers): string {
  const fromClient = headers.get('x-request-id')
  if (fromClient !== null && CLIENT_REQUEST_ID.test(fromClient)) return fromClient
  return `req_${randomUUID().replaceAll('-', '')}`
}
