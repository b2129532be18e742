import { randomUUID } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { JwtAlgorithm } from '@switchyard/contracts'
import { type CryptoKey, exportJWK, exportSPKI, generateKeyPair, type JWK, type JWTPayload, SignJWT } from 'jose'

interface SigningKey {
  readonly kid: string
  readonly alg: JwtAlgorithm
  readonly privateKey: CryptoKey
  readonly publicKey: CryptoKey
  readonly publicJwk: JWK
}

export interface SignOptions {
  /** Key to sign with; the first key added when absent. */
  readonly kid?: string
  /** Extra protected-header members (e.g. `jku`), or overrides of `kid`. */
  readonly header?: Record<string, unknown>
}

/**
 * A local identity provider for tests: key pairs made with jose, a JWKS served over HTTP on
 * 127.0.0.1 (requests counted), and a signer. Only published keys appear in the JWKS.
 */
export interface TestIssuer {
  /** The `iss` value its tokens carry. */
  readonly issuer: string
  readonly jwksUrl: string
  /** Requests the JWKS endpoint has received. */
  readonly jwksRequests: number
  /** Makes a key pair and returns its kid; published in the JWKS unless told otherwise. */
  addKey(alg: JwtAlgorithm, options?: { isPublished?: boolean }): Promise<string>
  publish(kid: string): void
  publicJwk(kid: string): JWK
  publicKeyPem(kid: string): Promise<string>
  /**
   * Signs `claims` with `iss` set and, unless given, `iat` now and `exp` in ten minutes. A claim
   * given as `undefined` is left out (the default too).
   */
  sign(claims: Record<string, unknown>, options?: SignOptions): Promise<string>
  close(): Promise<void>
}

export async function startTestIssuer(): Promise<TestIssuer> {
  const keys = new Map<string, SigningKey>()
  const published = new Set<string>()
  let jwksRequests = 0
  const server: Server = createServer((request, response) => {
    jwksRequests += 1
    if (request.url !== '/jwks') {
      response.writeHead(404).end()
      return
    }
    const body = JSON.stringify({ keys: [...published].map((kid) => keys.get(kid)?.publicJwk) })
    response.writeHead(200, { 'content-type': 'application/json' }).end(body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const origin = `http://127.0.0.1:${port}`

  const keyOf = (kid: string): SigningKey => {
    const key = keys.get(kid)
    if (!key) throw new Error(`no test key ${kid}`)
    return key
  }

  return {
    issuer: origin,
    jwksUrl: `${origin}/jwks`,
    get jwksRequests() {
      return jwksRequests
    },
    async addKey(alg, options = {}) {
      const kid = `k-${randomUUID()}`
      const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true })
      const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' }
      keys.set(kid, { kid, alg, privateKey, publicKey, publicJwk })
      if (options.isPublished ?? true) published.add(kid)
      return kid
    },
    publish(kid) {
      keyOf(kid)
      published.add(kid)
    },
    publicJwk: (kid) => keyOf(kid).publicJwk,
    publicKeyPem: (kid) => exportSPKI(keyOf(kid).publicKey),
    async sign(claims, options = {}) {
      const [firstKid] = keys.keys()
      const key = keyOf(options.kid ?? firstKid ?? '')
      const nowSec = Math.floor(Date.now() / 1000)
      return new SignJWT({ iss: origin, iat: nowSec, exp: nowSec + 600, ...claims } as JWTPayload)
        .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT', ...options.header })
        .sign(key.privateKey)
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((error) => (error ? reject(error) : resolve()))
      }),
  }
}
