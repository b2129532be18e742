import { AuthenticationError } from '../gateway-errors.ts'
import type { RuntimeKey, RuntimePolicy } from '../policy/runtime-policy.ts'
import type { KeyHasher } from './key-hasher.ts'

/**
 * Finds the caller's virtual key by its keyed hash. Error messages never echo the key, so a key
 * pasted into the wrong place does not end up in a client's logs.
 */
export function authenticateKey(
  policy: RuntimePolicy,
  hasher: KeyHasher,
  presentedKey: string | undefined,
  nowMs: number,
): RuntimeKey {
  if (!presentedKey) {
    throw new AuthenticationError(
      "You didn't provide an API key. Send it as 'Authorization: Bearer <key>' or 'x-api-key: <key>'.",
      'missing_api_key',
    )
  }
  const hash = hasher.hash(presentedKey)
  const key = policy.keysByHash.get(hash)
  if (!key) throw new AuthenticationError('Incorrect API key provided.', 'invalid_api_key')
  hasher.remember(presentedKey, hash)
  if (key.status === 'revoked') throw new AuthenticationError('This API key has been revoked.', 'api_key_revoked')
  if (key.status === 'blocked') throw new AuthenticationError('This API key is blocked.', 'api_key_blocked')
  if (key.expiresAtMs !== null && key.expiresAtMs <= nowMs) {
    throw new AuthenticationError('This API key has expired.', 'api_key_expired')
  }
  return key
}

/** The key from `Authorization: Bearer …` or, for the Anthropic API, `x-api-key`. */
export function presentedKey(headers: Headers): string | undefined {
  const authorization = headers.get('authorization')
  if (authorization) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization)
    return match?.[1]
  }
  return headers.get('x-api-key') ?? undefined
}
