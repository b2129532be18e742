import { createLogger } from '@switchyard/http-server'
import { providerAdapters } from '@switchyard/providers'
import { describe, expect, it } from 'vitest'
import { createGatewayApp, type GatewayDeps } from './app.ts'
import { GatewayMetrics } from './metrics/gateway-metrics.ts'
import { compileWithoutKeyring, snapshotMessage } from './snapshot/snapshot-fixture.ts'
import { SnapshotState } from './snapshot/snapshot-state.ts'
import { UpstreamClient } from './upstream/upstream-client.ts'

function deps(snapshots: SnapshotState, now?: () => number): GatewayDeps {
  return {
    podId: 'pod-a',
    snapshots,
    log: createLogger('test', 'silent'),
    adapters: providerAdapters,
    upstream: new UpstreamClient({ connectionsPerOrigin: 4, keepAliveTimeoutMs: 1_000 }),
    metrics: new GatewayMetrics(),
    keyPepper: Buffer.from('a-test-pepper-of-enough-length'),
    maxBodyBytes: 1024 * 1024,
    ...(now ? { now } : {}),
  }
}

describe('gateway readiness', () => {
  it('is not ready until a snapshot is loaded, then reports its revision and age', async () => {
    let nowMs = 10_000
    const snapshots = new SnapshotState(compileWithoutKeyring, () => nowMs)
    const app = createGatewayApp(deps(snapshots, () => nowMs))
    const before = await app.request('/readyz')
    expect(before.status).toBe(503)
    expect(await before.json()).toMatchObject({ status: 'not_ready', podId: 'pod-a' })
    snapshots.apply(snapshotMessage(12))
    nowMs += 2_500
    const after = await app.request('/readyz')
    expect(after.status).toBe(200)
    expect(await after.json()).toEqual({
      status: 'ready',
      component: 'gateway',
      podId: 'pod-a',
      revision: 12,
      snapshotAgeMs: 2_500,
    })
  })

  it('stays ready on its good snapshot after refusing one, and says which and why', async () => {
    let nowMs = 10_000
    const snapshots = new SnapshotState(compileWithoutKeyring, () => nowMs)
    const app = createGatewayApp(deps(snapshots, () => nowMs))
    snapshots.apply(snapshotMessage(13, { orgs: [{ id: '', name: 'acme' }] }))
    nowMs += 1_000
    const refusedFirst = await app.request('/readyz')
    expect(refusedFirst.status).toBe(503)
    expect(await refusedFirst.json()).toMatchObject({ lastRejected: { revision: 13, ageMs: 1_000 } })
    snapshots.apply(snapshotMessage(14))
    snapshots.apply({ revision: 15, checksum: 'x', body: new Uint8Array([0x7b]) })
    nowMs += 500
    const response = await app.request('/readyz')
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({
      status: 'ready',
      component: 'gateway',
      podId: 'pod-a',
      revision: 14,
      snapshotAgeMs: 500,
      lastRejected: {
        revision: 15,
        reason: 'body is not UTF-8 JSON',
        rejectedAt: new Date(11_000).toISOString(),
        ageMs: 500,
      },
    })
  })

  it('answers unknown routes in the OpenAI error shape', async () => {
    const app = createGatewayApp(deps(new SnapshotState(compileWithoutKeyring)))
    const response = await app.request('/v1/unknown', { method: 'POST' })
    expect(response.status).toBe(404)
    expect(await response.json()).toEqual({
      error: {
        message: 'Unknown route: POST /v1/unknown',
        type: 'not_found_error',
        code: 'unknown_route',
        param: null,
      },
    })
  })
})
