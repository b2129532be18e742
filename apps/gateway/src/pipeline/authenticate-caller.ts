import type { PolicySnapshot } from '@switchyard/contracts'
import type { RuntimeKey, RuntimePolicy } from '../policy/runtime-policy.ts'
import { authenticateKey, presentedKey } from './authenticate.ts'
import { type JwtAuthenticator, looksLikeJwt } from './authenticate-jwt.ts'
import type { KeyHasher } from './key-hasher.ts'

export interface CallerAuthDeps {
  readonly keyHasher: KeyHasher
  readonly jwtAuth: JwtAuthenticator
  readonly now: () => number
}

/**
 * Who is calling: a bearer token shaped like a JWT is verified against the snapshot's issuers;
 * anything else, or any token when the snapshot has no issuers, is looked up as a virtual key.
 */
export function authenticateCaller(
  deps: CallerAuthDeps,
  loaded: { readonly snapshot: PolicySnapshot; readonly policy: RuntimePolicy },
  headers: Headers,
): RuntimeKey | Promise<RuntimeKey> {
  const token = presentedKey(headers)
  if (token !== undefined && loaded.snapshot.jwtIssuers.length > 0 && looksLikeJwt(token)) {
    return deps.jwtAuth.authenticate(loaded.snapshot, token)
  }
  return authenticateKey(loaded.policy, deps.keyHasher, token, deps.now())
}
