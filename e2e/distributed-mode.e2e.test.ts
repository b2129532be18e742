import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { createNatsBus } from '@switchyard/bus'
import { type RunningSimulator, startSimulator } from '@switchyard/simulator'
import {
  type NatsServerHandle,
  type PostgresServerHandle,
  startNatsServer,
  startPostgresServer,
} from '@switchyard/test-services'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listeningGateway, sharedSecrets, startControlPlaneProcess } from './support/distributed-stack.ts'
import type { NodeProcess } from './support/node-process.ts'

/**
 * Distributed mode with real processes: PostgreSQL, nats-server with JetStream, a control plane
 * and two gateway pods, the provider simulator upstream.
 */
const workDir = mkdtempSync(join(tmpdir(), 'sy-distributed-'))
const apiKey = `sk-sy-e2e-${randomBytes(16).toString('hex')}`
const adminToken = `admin-${randomBytes(24).toString('hex')}`
const shared = sharedSecrets()

let postgres: PostgresServerHandle
let nats: NatsServerHandle
let simulator: RunningSimulator
let controlPlane: NodeProcess
let controlPlaneUrl: string
const pods: Record<'a' | 'b', { process: NodeProcess; url: string }> = {} as never

async function listen(name: 'a' | 'b'): Promise<void> {
  pods[name] = await listeningGateway({ nats, secrets: shared, podId: `pod-${name}`, workDir })
}

async function readiness(url: string): Promise<{ status: number; revision: number | undefined }> {
  const { status, revision } = await readinessBody(url)
  return { status, revision }
}

async function readinessBody(
  url: string,
): Promise<{ status: number; revision?: number; lastRejected?: { revision: number; reason: string } }> {
  const response = await fetch(`${url}/readyz`)
  // The body's own `status` ('ready') gives way to the HTTP status.
  return { ...((await response.json()) as object), status: response.status }
}

async function waitForRevision(url: string, atLeast: number): Promise<number> {
  const deadline = Date.now() + 20_000
  for (;;) {
    const { status, revision } = await readiness(url)
    if (status === 200 && revision !== undefined && revision >= atLeast) return revision
    if (Date.now() > deadline) throw new Error(`${url} not ready with revision ≥ ${atLeast}`)
    await delay(50)
  }
}

function chat(url: string, key = apiKey) {
  return fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'hello' }] }),
  })
}

beforeAll(async () => {
  ;[postgres, nats, simulator] = await Promise.all([startPostgresServer(), startNatsServer(), startSimulator()])
  const configPath = join(workDir, 'switchyard.yaml')
  writeFileSync(
    configPath,
    [
      'version: 1',
      'providers:',
      '  - { name: sim, type: openai-compatible, baseUrl: "' +
        simulator.url +
        '/openai/v1", apiKey: { env: E2E_SIM_KEY } }',
      'models:',
      '  - { name: chat, deployments: [{ provider: sim, model: gpt-4o-mini }] }',
      'orgs: [{ name: acme }]',
      'teams: [{ name: search, org: acme }]',
      'keys: [{ name: e2e, team: search, secret: { env: E2E_KEY } }]',
    ].join('\n'),
  )
  ;({ process: controlPlane, url: controlPlaneUrl } = await startControlPlaneProcess({
    postgres,
    nats,
    secrets: shared,
    configPath,
    env: { E2E_SIM_KEY: 'sk-upstream-secret', E2E_KEY: apiKey, SWITCHYARD_ADMIN_TOKEN: adminToken },
  }))
  await Promise.all([listen('a'), listen('b')])
})

afterAll(async () => {
  await Promise.all([pods.a?.process.stop(), pods.b?.process.stop(), controlPlane?.stop()])
  await Promise.all([simulator?.close(), nats?.dispose(), postgres?.dispose()])
  rmSync(workDir, { recursive: true, force: true })
})

let apiKeyInUse = apiKey

/** Runs `switchyard <args>` (the CLI) to its end. */
function runCli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [new URL('../apps/switchyard/src/main.ts', import.meta.url).pathname, ...args],
      { env: { ...process.env, ...env } },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    )
  })
}

describe('distributed mode', () => {
  let revision = 0

  it('both pods load the control plane’s snapshot and serve the key it applied', async () => {
    revision = await waitForRevision(pods.a.url, 1)
    expect(await waitForRevision(pods.b.url, revision)).toBe(revision)
    for (const pod of [pods.a, pods.b]) expect((await chat(pod.url)).status).toBe(200)
    const logs = [...controlPlane.lines(), ...pods.a.process.lines(), ...pods.b.process.lines()].join('\n')
    expect(logs).not.toContain(apiKey)
    expect(logs).not.toContain('sk-upstream-secret')
  })

  /** Calls the admin API, and notes when its answer arrived. */
  async function admin(method: string, path: string, body?: unknown) {
    const response = await fetch(`${controlPlaneUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    const json = (await response.json()) as Record<string, unknown>
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`)
    return { json, returnedAt: performance.now() }
  }

  /** Milliseconds from `since` until the pod answers a chat with `status`. */
  async function msUntil(url: string, key: string, status: number, since: number): Promise<number> {
    for (;;) {
      if ((await chat(url, key)).status === status) return performance.now() - since
      if (performance.now() - since > 10_000) {
        console.log([...controlPlane.lines(), ...pods.a.process.lines()].slice(-30).join('\n'))
        throw new Error(`${url} never answered ${status}`)
      }
      await delay(10)
    }
  }

  it('a key minted or revoked through the admin API is enforced on every pod within 1 s', async () => {
    const teams = await admin('GET', '/api/teams')
    const [team] = teams.json.data as Array<{ id: string }>
    const minted = await admin('POST', '/api/keys', { name: 'minted', teamId: team?.id })
    const newKey = String(minted.json.key)
    const mintedMs = await Promise.all([pods.a, pods.b].map((pod) => msUntil(pod.url, newKey, 200, minted.returnedAt)))

    const keys = await admin('GET', '/api/keys?status=active')
    const seeded = (keys.json.data as Array<{ id: string; name: string }>).find((key) => key.name === 'e2e')
    const revoked = await admin('POST', `/api/keys/${seeded?.id}/revoke`)
    const revokedMs = await Promise.all(
      [pods.a, pods.b].map((pod) => msUntil(pod.url, apiKey, 401, revoked.returnedAt)),
    )
    console.info(
      `minted key accepted after ${mintedMs.map(Math.round)} ms, revoked key refused after ${revokedMs.map(Math.round)} ms`,
    )
    for (const ms of [...mintedMs, ...revokedMs]) expect(ms).toBeLessThan(1_000)

    const refused = await chat(pods.a.url)
    expect(refused.status).toBe(401)
    expect(await refused.text()).not.toContain(apiKey)
    // The rest of the suite serves with the minted key, at the revision that revoked the other.
    apiKeyInUse = newKey
    revision = await waitForRevision(pods.a.url, revision + 1)
    expect(await waitForRevision(pods.b.url, revision)).toBe(revision)
  })

  it('the switchyard CLI applies a config file through the admin API with a diff, and exports it back', async () => {
    const cli = (args: string[]) =>
      runCli(args, { SWITCHYARD_CONTROL_PLANE_URL: controlPlaneUrl, SWITCHYARD_ADMIN_TOKEN: adminToken })
    const file = join(workDir, 'more-teams.yaml')
    writeFileSync(file, ['version: 1', 'orgs: [{ name: acme }]', 'teams: [{ name: billing, org: acme }]'].join('\n'))
    const dry = await cli(['apply', '-f', file, '--dry-run'])
    expect(dry).toMatchObject({ code: 0, stdout: expect.stringContaining('+ team acme/billing') })
    expect((await admin('GET', '/api/teams')).json.data).toHaveLength(1)
    expect(await cli(['apply', '-f', file])).toMatchObject({ code: 0 })
    expect((await admin('GET', '/api/teams')).json.data).toHaveLength(2)
    const exported = await cli(['export'])
    expect(exported.code).toBe(0)
    expect(exported.stdout).toContain('billing')
    const invalid = join(workDir, 'invalid.yaml')
    writeFileSync(invalid, 'version: 1\nteams: [{ name: x, org: nowhere }]')
    expect(await cli(['apply', '-f', invalid])).toMatchObject({ code: 2 })
    const denied = await runCli(['export'], {
      SWITCHYARD_CONTROL_PLANE_URL: controlPlaneUrl,
      SWITCHYARD_ADMIN_TOKEN: 'wrong',
    })
    expect(denied.code).toBe(1)
    revision = await waitForRevision(pods.a.url, revision + 1)
    expect(await waitForRevision(pods.b.url, revision)).toBe(revision)
  })

  it('a corrupted snapshot is refused: pods keep the previous revision and say so', async () => {
    const bus = await createNatsBus({ servers: nats.url, name: 'e2e-publisher' })
    const body = new TextEncoder().encode(JSON.stringify({ schemaVersion: 1, revision: revision + 1, orgs: 'broken' }))
    await bus.publishSnapshot({ revision: revision + 1, body })
    await bus.close()
    for (const pod of [pods.a, pods.b]) {
      await pod.process.waitForLog('policy snapshot refused; keeping the current one', 10_000)
      expect(await readinessBody(pod.url)).toMatchObject({
        status: 200,
        revision,
        lastRejected: { revision: revision + 1, reason: expect.stringMatching(/^(generatedAt|orgs)/) },
      })
      expect((await chat(pod.url, apiKeyInUse)).status).toBe(200)
    }
  })

  it('pods keep serving when the control plane and PostgreSQL are gone', async () => {
    expect(await controlPlane.stop()).toBe(0)
    await postgres.dispose()
    for (const pod of [pods.a, pods.b]) {
      expect((await readiness(pod.url)).status).toBe(200)
      expect((await chat(pod.url, apiKeyInUse)).status).toBe(200)
    }
  })

  it('a pod restarted while NATS is down serves from its snapshot on disk', async () => {
    await nats.stop()
    expect(await pods.b.process.stop()).toBe(0)
    await listen('b')
    expect(await waitForRevision(pods.b.url, revision)).toBe(revision)
    expect((await chat(pods.b.url, apiKeyInUse)).status).toBe(200)
  })
})
