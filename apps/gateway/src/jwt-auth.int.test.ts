import type { JwtIssuer } from '@switchyard/contracts'
import { JwksCache } from '@switchyard/jwt-auth'
import { startTestIssuer, type TestIssuer } from '@switchyard/jwt-auth/testing'
import OpenAI from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type GatewayHarness, startGatewayHarness } from './testing/gateway-harness.ts'
import { assertMatches, loadOpenAISpecValidators } from './testing/openai-spec-validator.ts'

let idp: TestIssuer
let harness: GatewayHarness
let edKid: string
const jwksCache = new JwksCache()
const spec = loadOpenAISpecValidators()

beforeAll(async () => {
  idp = await startTestIssuer()
  await idp.addKey('RS256')
  edKid = await idp.addKey('EdDSA')
  const issuer: JwtIssuer = {
    id: 'iss_idp',
    orgId: 'org',
    issuer: idp.issuer,
    audiences: ['switchyard'],
    keySource: { kind: 'jwks_url', jwksUrl: idp.jwksUrl },
    algorithms: ['RS256', 'EdDSA'],
    claims: { user: 'sub', team: 'groups', roles: 'roles' },
    clockToleranceSec: 5,
  }
  harness = await startGatewayHarness({
    jwtIssuers: [issuer],
    teams: [{ id: 'team_restricted', name: 'restricted', allowedModels: ['m-anthropic'] }],
    jwksCache,
  })
})

afterAll(async () => {
  await harness?.close()
  await idp?.close()
})

const nowSec = () => Math.floor(Date.now() / 1000)
const aliceClaims = { sub: 'alice', aud: 'switchyard', groups: 'search', roles: ['developer'] }

const clientWith = (token: string) => new OpenAI({ apiKey: token, baseURL: `${harness.gatewayUrl}/v1`, maxRetries: 0 })

const hello = (model: string) => ({ model, messages: [{ role: 'user' as const, content: 'hello' }] })

/** The SDK's error for a refused call, with the response body the gateway sent. */
async function refusal(call: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  const error = await call.then(
    () => null,
    (thrown: unknown) => thrown,
  )
  expect(error).toBeInstanceOf(OpenAI.APIError)
  return error as InstanceType<typeof OpenAI.APIError>
}

async function rawCall(token: string, model = 'm-openai'): Promise<{ status: number; text: string }> {
  const response = await fetch(`${harness.gatewayUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(hello(model)),
  })
  return { status: response.status, text: await response.text() }
}

describe('JWT callers', () => {
  it('are served through the official SDK and metered to their team and user', async () => {
    const token = await idp.sign(aliceClaims)
    const completion = await clientWith(token).chat.completions.create(hello('m-openai'), {
      headers: { 'x-request-id': 'jwt-alice-1' },
    })
    expect(completion.choices[0]?.message.content).toBeTruthy()
    await expect
      .poll(() => harness.usageEvents.find((event) => event.requestId === 'jwt-alice-1' && event.kind === 'request'))
      .toMatchObject({
        status: 'success',
        attribution: { orgId: 'org', teamId: 'team', userId: 'alice', keyId: null },
      })
    // Every attempt is attributed the same way.
    const attempts = harness.usageEvents.filter(
      (event) => event.requestId === 'jwt-alice-1' && event.kind === 'attempt',
    )
    expect(attempts.length).toBeGreaterThan(0)
    for (const attempt of attempts) expect(attempt.attribution).toMatchObject({ teamId: 'team', userId: 'alice' })
  })

  it('are served with an EdDSA token too, and virtual keys keep working beside them', async () => {
    const token = await idp.sign(aliceClaims, { kid: edKid })
    expect((await rawCall(token)).status).toBe(200)
    expect((await rawCall(harness.apiKey)).status).toBe(200)
  })

  it('refuse a tampered token with 401 in the OpenAI shape, never echoing it', async () => {
    const token = await idp.sign(aliceClaims)
    const [header, payload, signature] = token.split('.') as [string, string, string]
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString())
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: 'mallory' })).toString('base64url')}.${signature}`
    const error = await refusal(clientWith(forged).chat.completions.create(hello('m-openai')))
    expect(error.status).toBe(401)
    expect(error.code).toBe('invalid_signature')
    expect(error.type).toBe('authentication_error')
    const raw = await rawCall(forged)
    expect(raw.status).toBe(401)
    assertMatches(spec.error, JSON.parse(raw.text), 'error')
    for (const part of [header, payload, signature]) expect(raw.text).not.toContain(part)
  })

  it('refuse an expired token with 401 token_expired', async () => {
    const token = await idp.sign({ ...aliceClaims, iat: nowSec() - 7200, exp: nowSec() - 3600 })
    const error = await refusal(clientWith(token).chat.completions.create(hello('m-openai')))
    expect(error.status).toBe(401)
    expect(error.code).toBe('token_expired')
    expect(error.message).toContain('expired')
  })

  it('refuse tokens of another audience, an unknown issuer, or alg none with 401', async () => {
    const otherAudience = await idp.sign({ ...aliceClaims, aud: 'another-api' })
    expect((await refusal(clientWith(otherAudience).models.list())).code).toBe('audience_mismatch')
    const unknownIssuer = await idp.sign({ ...aliceClaims, iss: 'https://idp.elsewhere.example' })
    expect((await refusal(clientWith(unknownIssuer).models.list())).code).toBe('unknown_issuer')
    const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url')
    const unsigned = `${encode({ alg: 'none' })}.${encode({ ...aliceClaims, iss: idp.issuer, exp: nowSec() + 600 })}.`
    const error = await refusal(clientWith(unsigned).models.list())
    expect(error.status).toBe(401)
    expect(error.code).toBe('algorithm_not_allowed')
  })

  it('refuse a team claim naming a team the org does not have with 403', async () => {
    const token = await idp.sign({ ...aliceClaims, groups: 'no-such-team' })
    const error = await refusal(clientWith(token).chat.completions.create(hello('m-openai')))
    expect(error.status).toBe(403)
    expect(error.code).toBe('unknown_team')
    expect(error.message).toContain('no-such-team')
    const missing = await idp.sign({ ...aliceClaims, groups: undefined })
    expect((await refusal(clientWith(missing).chat.completions.create(hello('m-openai')))).code).toBe(
      'team_claim_missing',
    )
  })

  it("apply the team's model allow-list, in /v1/models too", async () => {
    const token = await idp.sign({ ...aliceClaims, sub: 'bob', groups: 'restricted' })
    const client = clientWith(token)
    const denied = await refusal(client.chat.completions.create(hello('m-openai')))
    expect(denied.status).toBe(403)
    expect(denied.code).toBe('model_not_allowed')
    await client.chat.completions.create(hello('m-anthropic'), { headers: { 'x-request-id': 'jwt-bob-1' } })
    const models = await client.models.list()
    expect(models.data.map((model) => model.id)).toEqual(['m-anthropic'])
    await expect
      .poll(() => harness.usageEvents.find((event) => event.requestId === 'jwt-bob-1' && event.kind === 'request'))
      .toMatchObject({ attribution: { teamId: 'team_restricted', userId: 'bob', keyId: null } })
  })

  it('fetch the JWKS once for all of this, and not again for a flood of unknown kids', async () => {
    expect(jwksCache.stats()).toMatchObject({ fetches: 1, failedFetches: 0 })
    const before = idp.jwksRequests
    const forged = await Promise.all(
      Array.from({ length: 50 }, (_, i) => idp.sign(aliceClaims, { header: { kid: `forged-${i}` } })),
    )
    const statuses = await Promise.all(forged.map(async (token) => (await rawCall(token)).status))
    expect(new Set(statuses)).toEqual(new Set([401]))
    expect(idp.jwksRequests).toBe(before)
  })
})

describe('a gateway whose snapshot has no JWT issuers', () => {
  let plain: GatewayHarness
  beforeAll(async () => {
    plain = await startGatewayHarness()
  })
  afterAll(async () => {
    await plain?.close()
  })

  it('treats a JWT as an unknown key: 401 invalid_api_key', async () => {
    const token = await idp.sign(aliceClaims)
    const response = await fetch(`${plain.gatewayUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(hello('m-openai')),
    })
    expect(response.status).toBe(401)
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('invalid_api_key')
  })
})
