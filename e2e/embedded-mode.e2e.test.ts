import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const cli = new URL('../apps/switchyard/src/main.ts', import.meta.url).pathname
const workDir = mkdtempSync(join(tmpdir(), 'sy-embedded-'))
const dataDir = join(workDir, 'data')

interface Started {
  readonly child: ChildProcess
  readonly urls: { gateway: string; controlPlane: string; ingester: string }
  readonly revision: number
  readonly output: () => string
}

function run(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [cli, ...args], {
    env: {
      ...process.env,
      SWITCHYARD_DATA_DIR: dataDir,
      SWITCHYARD_GATEWAY_PORT: '0',
      SWITCHYARD_CONTROL_PLANE_PORT: '0',
      SWITCHYARD_INGESTER_PORT: '0',
      SWITCHYARD_LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString()
  })
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString()
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return { child, exited, output: () => output }
}

async function start(): Promise<Started & { exited: Promise<number | null> }> {
  const process = run(['start'])
  const deadline = Date.now() + 60_000
  while (!process.output().includes('Press Ctrl-C')) {
    if (process.child.exitCode !== null) throw new Error(`exited early:\n${process.output()}`)
    if (Date.now() > deadline) throw new Error(`not started within 60 s:\n${process.output()}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  const url = (label: string) => process.output().match(new RegExp(`${label}\\s+(http://\\S+)`))?.[1] ?? ''
  const revision = Number(process.output().match(/snapshot revision (\d+)/)?.[1])
  return {
    ...process,
    urls: { gateway: url('Gateway'), controlPlane: url('Control plane'), ingester: url('Ingester') },
    revision,
  }
}

describe('embedded mode (pnpm start)', () => {
  afterAll(() => rmSync(workDir, { recursive: true, force: true }))

  it('starts all three components on local disk, serves health, and stops cleanly on Ctrl-C', async () => {
    const first = await start()
    expect(first.revision).toBeGreaterThan(0)
    const gateway = await fetch(`${first.urls.gateway}/readyz`)
    expect(gateway.status).toBe(200)
    expect(await gateway.json()).toMatchObject({ status: 'ready', component: 'gateway', revision: first.revision })
    const controlPlane = await fetch(`${first.urls.controlPlane}/readyz`)
    expect(await controlPlane.json()).toMatchObject({
      status: 'ready',
      database: 'pglite',
      snapshotRevision: first.revision,
    })
    const ingester = await fetch(`${first.urls.ingester}/readyz`)
    expect(await ingester.json()).toMatchObject({ status: 'ready', clickhouse: 'embedded' })

    // The demo works with no setup: a generated key, the built-in simulator as the provider.
    const key = first.output().match(/New key for SWITCHYARD_DEMO_KEY[^:]*: (sk-sy-\S+)/)?.[1]
    expect(key).toBeDefined()
    const completion = await fetch(`${first.urls.gateway}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello' }] }),
    })
    expect(completion.status).toBe(200)
    expect(completion.headers.get('x-switchyard-provider')).toBe('simulator-openai')
    const body = (await completion.json()) as { choices: Array<{ message: { content: string } }> }
    expect(body.choices[0]?.message.content.length).toBeGreaterThan(0)

    // The admin API answers with the bootstrap token shown once, and a change reaches the gateway.
    const adminToken = first.output().match(/Admin API token \(shown once[^:]*: (sy-admin-\S+)/)?.[1]
    expect(adminToken).toBeDefined()
    const admin = (path: string, init: RequestInit = {}) =>
      fetch(`${first.urls.controlPlane}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      })
    expect(await (await admin('/api/me')).json()).toMatchObject({ kind: 'bootstrap' })
    const orgs = (await (await admin('/api/orgs')).json()) as { data: Array<{ id: string }> }
    const team = await admin('/api/teams', {
      method: 'POST',
      body: JSON.stringify({ orgId: orgs.data[0]?.id, name: 'added-by-api' }),
    })
    expect(team.status).toBe(201)
    const deadline = Date.now() + 5_000
    let revision = first.revision
    while (revision === first.revision && Date.now() < deadline) {
      revision = ((await (await fetch(`${first.urls.gateway}/readyz`)).json()) as { revision: number }).revision
    }
    expect(revision).toBeGreaterThan(first.revision)

    const second = run(['start'])
    expect(await second.exited).toBe(1)
    expect(second.output()).toContain('is in use by process')

    first.child.kill('SIGINT')
    expect(await first.exited).toBe(0)
    expect(first.output()).not.toMatch(/error/i)
  })

  it('reopens the same data directory after a clean stop, with state kept', async () => {
    const again = await start()
    // The key generated on the first start is kept, not shown again.
    expect(again.output()).not.toContain('New key for')
    expect(again.output()).not.toContain('sy-admin-')
    expect(again.output()).toContain('SWITCHYARD_DEMO_KEY: using the key generated on first start')
    // Revisions come from a Postgres sequence on disk: a higher one proves the data survived.
    const response = await fetch(`${again.urls.gateway}/readyz`)
    const body = (await response.json()) as { revision: number }
    expect(body.revision).toBe(again.revision)
    expect(again.revision).toBeGreaterThan(1)
    again.child.kill('SIGTERM')
    expect(await again.exited).toBe(0)
  })

  it('refuses an invalid config file with exit code 2 and the exact problem, applying nothing', async () => {
    const badConfig = join(workDir, 'bad.yaml')
    writeFileSync(badConfig, 'version: 1\nteams:\n  - name: search\n    org: nowhere\n')
    const untouchedDir = join(workDir, 'untouched')
    const started = run(['start'], { SWITCHYARD_CONFIG: badConfig, SWITCHYARD_DATA_DIR: untouchedDir })
    expect(await started.exited).toBe(2)
    expect(started.output()).toContain('teams[0].org: unknown org "nowhere"')
    expect(existsSync(untouchedDir)).toBe(false)
    const validated = run(['validate', '-f', badConfig])
    expect(await validated.exited).toBe(2)
    expect(validated.output()).toContain('teams[0].org: unknown org "nowhere"')
  })

  it('validates the demo config', async () => {
    const validated = run(['validate', '-f', new URL('../apps/switchyard/config/demo.yaml', import.meta.url).pathname])
    expect(await validated.exited).toBe(0)
    expect(validated.output()).toMatch(/demo\.yaml is valid: \d+ providers, \d+ models/)
  })
})
