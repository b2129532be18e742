import { randomBytes, randomUUID } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { SignJWT, UnsecuredJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createJwtVerifier, type JwtIssuerSettings } from './create-jwt-verifier.ts'
import { JwksCache } from './jwks-cache.ts'
import { type JwtFailureReason, JwtVerificationError } from './jwt-verification-error.ts'
import { startTestIssuer, type TestIssuer } from './testing/test-issuer.ts'

let idp: TestIssuer
let rsaKid: string
let ecKid: string
let edKid: string
/** A second listener that a token's `jku`/`x5u` points at: it must never be called. */
let trap: { url: string; requests: number; close(): Promise<void> }

beforeAll(async () => {
  idp = await startTestIssuer()
  rsaKid = await idp.addKey('RS256')
  ecKid = await idp.addKey('ES256')
  edKid = await idp.addKey('EdDSA')
  let requests = 0
  const server = createServer((_request, response) => {
    requests += 1
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [] }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  trap = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get requests() {
      return requests
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
})

afterAll(async () => {
  await idp.close()
  await trap.close()
})

function issuerSettings(overrides: Partial<JwtIssuerSettings> = {}): JwtIssuerSettings {
  return {
    id: `iss_${randomUUID()}`,
    issuer: idp.issuer,
    audiences: ['switchyard'],
    keySource: { kind: 'jwks_url', jwksUrl: idp.jwksUrl },
    algorithms: ['RS256', 'ES256', 'EdDSA'],
    claims: { user: 'sub', team: 'team', roles: 'roles' },
    clockToleranceSec: 30,
    ...overrides,
  }
}

/** A verifier with its own cache and a clock the test moves. */
function setup(overrides: Partial<JwtIssuerSettings> = {}) {
  const clock = { nowMs: Date.now() }
  const now = () => clock.nowMs
  const jwksCache = new JwksCache({ now })
  const issuer = issuerSettings(overrides)
  const verifier = createJwtVerifier({ issuers: [issuer], jwksCache, now })
  return { clock, jwksCache, issuer, verifier }
}

const claims = { sub: 'user-1', aud: 'switchyard', team: 'search', roles: ['reader'] }

async function refusal(promise: Promise<unknown>): Promise<JwtVerificationError> {
  const error = await promise.then(
    () => null,
    (thrown: unknown) => thrown,
  )
  expect(error).toBeInstanceOf(JwtVerificationError)
  return error as JwtVerificationError
}

async function expectRefused(promise: Promise<unknown>, reason: JwtFailureReason): Promise<JwtVerificationError> {
  const error = await refusal(promise)
  expect(error.reason).toBe(reason)
  return error
}

const nowSec = () => Math.floor(Date.now() / 1000)

describe('createJwtVerifier', () => {
  it.each([
    ['RS256', () => rsaKid],
    ['ES256', () => ecKid],
    ['EdDSA', () => edKid],
  ])('accepts a valid %s token and maps its identity', async (_alg, kid) => {
    const { verifier, issuer } = setup()
    const verified = await verifier.verify(await idp.sign(claims, { kid: kid() }))
    expect(verified.issuer).toBe(issuer)
    expect(verified.identity).toEqual({ user: 'user-1', team: 'search', roles: ['reader'] })
    expect(verified.claims.sub).toBe('user-1')
    expect(verified.expiresAtMs).toBeGreaterThan(Date.now())
  })

  it('refuses alg none without fetching keys', async () => {
    const { verifier } = setup()
    const before = idp.jwksRequests
    const token = new UnsecuredJWT({ ...claims, iss: idp.issuer }).setExpirationTime('10m').encode()
    await expectRefused(verifier.verify(token), 'algorithm_not_allowed')
    // The same with a signature-shaped third segment.
    await expectRefused(verifier.verify(`${token}c2lnbmF0dXJl`), 'algorithm_not_allowed')
    expect(idp.jwksRequests).toBe(before)
  })

  it.each([
    ['PEM', () => idp.publicKeyPem(rsaKid)],
    ['JWK', async () => JSON.stringify(idp.publicJwk(rsaKid))],
  ])('refuses HS256 signed with the public key as %s bytes', async (_form, publicKeyText) => {
    const { verifier } = setup()
    const secret = new TextEncoder().encode(await publicKeyText())
    const token = await new SignJWT({ ...claims, iss: idp.issuer })
      .setProtectedHeader({ alg: 'HS256', kid: rsaKid })
      .setExpirationTime('10m')
      .sign(secret)
    await expectRefused(verifier.verify(token), 'algorithm_not_allowed')
  })

  it('refuses an expired token, and accepts one expired within the clock tolerance', async () => {
    const { verifier } = setup({ clockToleranceSec: 30 })
    await expectRefused(verifier.verify(await idp.sign({ ...claims, exp: nowSec() - 3600 })), 'token_expired')
    await expectRefused(verifier.verify(await idp.sign({ ...claims, exp: nowSec() - 60 })), 'token_expired')
    await expect(verifier.verify(await idp.sign({ ...claims, exp: nowSec() - 10 }))).resolves.toBeDefined()
  })

  it('refuses a token without exp', async () => {
    const { verifier } = setup()
    await expectRefused(verifier.verify(await idp.sign({ ...claims, exp: undefined })), 'missing_claim')
  })

  it('refuses a token that is not valid yet, beyond the clock tolerance', async () => {
    const { verifier } = setup({ clockToleranceSec: 5 })
    await expectRefused(verifier.verify(await idp.sign({ ...claims, nbf: nowSec() + 120 })), 'token_not_yet_valid')
    await expect(verifier.verify(await idp.sign({ ...claims, nbf: nowSec() + 2 }))).resolves.toBeDefined()
  })

  it('refuses a wrong audience, and accepts one of several', async () => {
    const { verifier } = setup({ audiences: ['switchyard', 'gateway'] })
    await expectRefused(verifier.verify(await idp.sign({ ...claims, aud: 'another-api' })), 'audience_mismatch')
    await expectRefused(verifier.verify(await idp.sign({ ...claims, aud: undefined })), 'missing_claim')
    await expect(verifier.verify(await idp.sign({ ...claims, aud: ['other', 'gateway'] }))).resolves.toBeDefined()
  })

  it('refuses a token from an issuer it does not know, without fetching keys', async () => {
    const { verifier } = setup()
    const before = idp.jwksRequests
    await expectRefused(verifier.verify(await idp.sign({ ...claims, iss: 'https://evil.example' })), 'unknown_issuer')
    await expectRefused(verifier.verify(await idp.sign({ ...claims, iss: undefined })), 'unknown_issuer')
    expect(idp.jwksRequests).toBe(before)
  })

  it('refuses an algorithm the issuer does not pin', async () => {
    const { verifier } = setup({ algorithms: ['ES256'] })
    await expectRefused(verifier.verify(await idp.sign(claims, { kid: rsaKid })), 'algorithm_not_allowed')
    await expect(verifier.verify(await idp.sign(claims, { kid: ecKid }))).resolves.toBeDefined()
  })

  it('refuses a tampered payload or signature', async () => {
    const { verifier } = setup()
    const token = await idp.sign(claims)
    const [header, payload, signature] = token.split('.') as [string, string, string]
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), sub: 'admin' }),
    )
    await expectRefused(verifier.verify(`${header}.${forged.toString('base64url')}.${signature}`), 'invalid_signature')
    const flipped = `${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`
    await expectRefused(verifier.verify(`${header}.${payload}.${flipped}`), 'invalid_signature')
  })

  it('refuses garbage and oversized tokens, never echoing the token', async () => {
    const { verifier } = setup()
    const token = await idp.sign(claims)
    const garbage = ['not-a-jwt', 'a.b.c', `${token.split('.')[0]}.e30`, token.replace('.', '.!')]
    for (const bad of garbage) {
      const error = await expectRefused(verifier.verify(bad), 'malformed_token')
      expect(error.message).not.toContain(bad)
    }
    await expectRefused(verifier.verify(`${token}${'A'.repeat(17_000)}`), 'token_too_large')
    const expired = await idp.sign({ ...claims, exp: nowSec() - 3600 })
    const error = await refusal(verifier.verify(expired))
    for (const segment of expired.split('.')) expect(error.message).not.toContain(segment)
  })

  it.each([
    ['jku', (url: string) => `${url}/jwks`],
    ['x5u', (url: string) => `${url}/cert.pem`],
  ])('never follows a %s header, and refuses the token', async (name, value) => {
    const { verifier } = setup()
    const before = trap.requests
    // Signed by the attacker's own key, kid unknown to the issuer, pointing at the trap.
    const attackerKid = await idp.addKey('RS256', { isPublished: false })
    const forged = await idp.sign(claims, { kid: attackerKid, header: { [name]: value(trap.url) } })
    await expectRefused(verifier.verify(forged), 'untrusted_key_reference')
    // Even with a genuine signature and kid, the header is refused.
    const genuine = await idp.sign(claims, { header: { [name]: value(trap.url) } })
    await expectRefused(verifier.verify(genuine), 'untrusted_key_reference')
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(trap.requests).toBe(before)
  })

  it('refuses embedded keys (jwk, x5c)', async () => {
    const { verifier } = setup()
    const attackerKid = await idp.addKey('RS256', { isPublished: false })
    const embedded = await idp.sign(claims, { kid: attackerKid, header: { jwk: idp.publicJwk(attackerKid) } })
    await expectRefused(verifier.verify(embedded), 'untrusted_key_reference')
    const chain = await idp.sign(claims, { header: { x5c: [randomBytes(64).toString('base64')] } })
    await expectRefused(verifier.verify(chain), 'untrusted_key_reference')
  })

  it('survives a flood of unknown kids with at most one JWKS fetch per cooldown', async () => {
    const { verifier, clock } = setup()
    const flood = async () => {
      const tokens = await Promise.all(
        Array.from({ length: 200 }, () => idp.sign(claims, { kid: rsaKid, header: { kid: `forged-${randomUUID()}` } })),
      )
      const before = idp.jwksRequests
      const outcomes = await Promise.allSettled(tokens.map((token) => verifier.verify(token)))
      for (const outcome of outcomes) {
        expect(outcome.status).toBe('rejected')
        expect(((outcome as PromiseRejectedResult).reason as JwtVerificationError).reason).toBe('unknown_signing_key')
      }
      return idp.jwksRequests - before
    }
    // Cold cache: the 200 share one fetch.
    expect(await flood()).toBe(1)
    // Warm, within the cooldown: none.
    expect(await flood()).toBe(0)
    clock.nowMs += 31_000
    expect(await flood()).toBe(1)
    expect(await flood()).toBe(0)
    // Genuine tokens are still accepted with the warm keys.
    await expect(verifier.verify(await idp.sign(claims))).resolves.toBeDefined()
  })

  it('accepts a rotated key after one refetch, once the cooldown allows it', async () => {
    const { verifier, clock } = setup()
    await verifier.verify(await idp.sign(claims))
    const rotatedKid = await idp.addKey('ES256', { isPublished: false })
    idp.publish(rotatedKid)
    const token = await idp.sign(claims, { kid: rotatedKid })
    const before = idp.jwksRequests
    // The cache was filled a moment ago: the new kid waits for the cooldown.
    await expectRefused(verifier.verify(token), 'unknown_signing_key')
    expect(idp.jwksRequests).toBe(before)
    clock.nowMs += 30_000
    const verified = await verifier.verify(token)
    expect(verified.identity.user).toBe('user-1')
    expect(idp.jwksRequests).toBe(before + 1)
    await verifier.verify(token)
    expect(idp.jwksRequests).toBe(before + 1)
  })

  it('keeps warm keys across verifiers built from a new snapshot', async () => {
    const { jwksCache, issuer, verifier } = setup()
    await verifier.verify(await idp.sign(claims))
    const before = idp.jwksRequests
    const next = createJwtVerifier({ issuers: [{ ...issuer, audiences: ['switchyard', 'more'] }], jwksCache })
    await next.verify(await idp.sign(claims))
    expect(idp.jwksRequests).toBe(before)
    // Another issuer id is another cache entry.
    const other = createJwtVerifier({ issuers: [{ ...issuer, id: 'iss_other' }], jwksCache })
    await other.verify(await idp.sign(claims))
    expect(idp.jwksRequests).toBe(before + 1)
  })

  it('refreshes an old key set in the background and keeps verifying meanwhile', async () => {
    const { verifier, clock } = setup()
    await verifier.verify(await idp.sign(claims))
    const before = idp.jwksRequests
    clock.nowMs += 11 * 60_000
    await verifier.verify(await idp.sign({ ...claims, exp: nowSec() + 3600 }))
    await expect.poll(() => idp.jwksRequests).toBe(before + 1)
  })

  it('reports jwks_unavailable when the key set cannot be fetched, and waits before trying again', async () => {
    const down = createServer()
    await new Promise<void>((resolve) => down.listen(0, '127.0.0.1', resolve))
    const jwksUrl = `http://127.0.0.1:${(down.address() as AddressInfo).port}/jwks`
    await new Promise<void>((resolve) => down.close(() => resolve()))
    const { verifier, jwksCache, clock } = setup({ keySource: { kind: 'jwks_url', jwksUrl } })
    const token = await idp.sign(claims)
    await expectRefused(verifier.verify(token), 'jwks_unavailable')
    await expectRefused(verifier.verify(token), 'jwks_unavailable')
    expect(jwksCache.stats()).toMatchObject({ fetches: 1, failedFetches: 1 })
    clock.nowMs += 5_000
    await expectRefused(verifier.verify(token), 'jwks_unavailable')
    expect(jwksCache.stats()).toMatchObject({ fetches: 2, failedFetches: 2 })
  })

  it('verifies against static keys', async () => {
    const { verifier } = setup({ keySource: { kind: 'static', keys: [idp.publicJwk(ecKid) as never] } })
    const before = idp.jwksRequests
    await expect(verifier.verify(await idp.sign(claims, { kid: ecKid }))).resolves.toBeDefined()
    await expectRefused(verifier.verify(await idp.sign(claims, { kid: rsaKid })), 'unknown_signing_key')
    expect(idp.jwksRequests).toBe(before)
  })

  it('tries each candidate key of a token without kid', async () => {
    const { verifier } = setup({ algorithms: ['RS256'] })
    const secondRsaKid = await idp.addKey('RS256')
    const token = await idp.sign(claims, { kid: secondRsaKid, header: { kid: undefined } })
    expect((await verifier.verify(token)).identity.user).toBe('user-1')
  })

  it('remembers a verified token, but never past its exp', async () => {
    const { verifier, clock } = setup({ clockToleranceSec: 0 })
    const token = await idp.sign({ ...claims, exp: nowSec() + 20 })
    const first = await verifier.verify(token)
    expect(await verifier.verify(token)).toBe(first)
    clock.nowMs += 21_000
    await expectRefused(verifier.verify(token), 'token_expired')
  })

  it('chooses between issuers sharing an iss by audience', async () => {
    const jwksCache = new JwksCache()
    const a = issuerSettings({ id: 'a', audiences: ['app-a'] })
    const b = issuerSettings({ id: 'b', audiences: ['app-b'] })
    const verifier = createJwtVerifier({ issuers: [a, b], jwksCache })
    expect((await verifier.verify(await idp.sign({ ...claims, aud: 'app-b' }))).issuer.id).toBe('b')
    expect((await verifier.verify(await idp.sign({ ...claims, aud: 'app-a' }))).issuer.id).toBe('a')
    await expectRefused(verifier.verify(await idp.sign({ ...claims, aud: 'app-c' })), 'audience_mismatch')
    await expectRefused(verifier.verify(await idp.sign({ ...claims, aud: ['app-a', 'app-b'] })), 'ambiguous_issuer')
  })
})

describe('claim mapping', () => {
  it('reads dotted paths and namespaced claims', async () => {
    const { verifier } = setup({
      claims: { user: 'email', team: 'https://example.com/team', roles: 'realm_access.roles' },
    })
    const verified = await verifier.verify(
      await idp.sign({
        ...claims,
        email: 'ada@example.com',
        'https://example.com/team': ['ml'],
        realm_access: { roles: ['admin', 'reader'] },
      }),
    )
    expect(verified.identity).toEqual({ user: 'ada@example.com', team: 'ml', roles: ['admin', 'reader'] })
  })

  it('splits a space-separated roles claim and allows absent team and roles', async () => {
    const { verifier } = setup({ claims: { user: 'sub', team: 'team', roles: 'scope' } })
    const verified = await verifier.verify(await idp.sign({ sub: 'u', aud: 'switchyard', scope: 'read  write' }))
    expect(verified.identity).toEqual({ user: 'u', team: null, roles: ['read', 'write'] })
  })

  it('refuses identity claims of the wrong shape', async () => {
    const { verifier } = setup()
    await expectRefused(verifier.verify(await idp.sign({ ...claims, sub: undefined })), 'missing_claim')
    await expectRefused(verifier.verify(await idp.sign({ ...claims, sub: { id: 1 } })), 'invalid_claim')
    await expectRefused(verifier.verify(await idp.sign({ ...claims, team: ['a', 'b'] })), 'invalid_claim')
    await expectRefused(verifier.verify(await idp.sign({ ...claims, roles: [1, 2] })), 'invalid_claim')
  })
})
