import { PolicySnapshot } from '@switchyard/contracts'
import { describe, expect, it } from 'vitest'
import { compileWithoutKeyring, snapshotMessage } from './snapshot-fixture.ts'
import { SnapshotState } from './snapshot-state.ts'

describe('SnapshotState', () => {
  it('starts empty and applies a valid snapshot', () => {
    const state = new SnapshotState(compileWithoutKeyring, () => 1_000)
    expect(state.current).toBeUndefined()
    expect(state.apply(snapshotMessage(3))).toEqual({ kind: 'applied', revision: 3 })
    expect(state.current?.snapshot.revision).toBe(3)
    expect(state.current?.appliedAtMs).toBe(1_000)
    expect(state.current?.sizeBytes).toBe(snapshotMessage(3).body.byteLength)
    expect(Object.keys(state.current?.timings ?? {})).toEqual(['parseMs', 'validateMs', 'compileMs'])
    expect(state.lastRejected).toBeUndefined()
    expect(PolicySnapshot.safeParse(state.current?.snapshot).success).toBe(true)
  })

  it('ignores a stale or repeated revision and keeps the current one', () => {
    const state = new SnapshotState(compileWithoutKeyring)
    state.apply(snapshotMessage(5))
    expect(state.apply(snapshotMessage(5))).toEqual({ kind: 'stale', revision: 5, currentRevision: 5 })
    expect(state.apply(snapshotMessage(4))).toEqual({ kind: 'stale', revision: 4, currentRevision: 5 })
    expect(state.current?.checksum).toBe('checksum-5')
  })

  it('refuses a snapshot that is not JSON, fails the schema or lies about its revision', () => {
    const state = new SnapshotState(compileWithoutKeyring)
    state.apply(snapshotMessage(1))
    const notJson = { revision: 2, checksum: 'x', body: new Uint8Array([0xff, 0xfe, 0x7b]) }
    expect(state.apply(notJson)).toEqual({ kind: 'invalid', revision: 2, reason: 'body is not UTF-8 JSON' })
    const badSchema = state.apply(snapshotMessage(3, { orgs: [{ id: '', name: 'acme' }] }))
    expect(badSchema.kind).toBe('invalid')
    expect(badSchema.kind === 'invalid' && badSchema.reason).toMatch(/^orgs\.0\.id: /)
    const mismatched = { ...snapshotMessage(4), revision: 9 }
    expect(state.apply(mismatched)).toEqual({ kind: 'invalid', revision: 9, reason: 'body carries revision 4' })
    expect(state.current?.snapshot.revision).toBe(1)
  })

  it('swaps the reference: a holder of the old snapshot keeps it', () => {
    const state = new SnapshotState(compileWithoutKeyring)
    state.apply(snapshotMessage(1))
    const held = state.current
    state.apply(snapshotMessage(2, { orgs: [{ id: 'org_2', name: 'globex' }] }))
    expect(held?.snapshot.orgs[0]?.name).toBe('acme')
    expect(state.current?.snapshot.orgs[0]?.name).toBe('globex')
  })

  it('remembers the last refused snapshot while keeping the good one, but not a stale one', () => {
    let nowMs = 5_000
    const state = new SnapshotState(compileWithoutKeyring, () => nowMs)
    state.apply(snapshotMessage(1))
    nowMs = 6_000
    state.apply(snapshotMessage(2, { keys: [{ id: 'key_1' }] }))
    expect(state.lastRejected).toEqual({
      revision: 2,
      reason: expect.stringMatching(/^keys\.0\./),
      rejectedAtMs: 6_000,
    })
    nowMs = 7_000
    const dangling = snapshotMessage(3, {
      routes: [],
      models: [{ id: 'm', name: 'm', routeId: 'route_x', deployments: [] }],
    })
    expect(state.apply(dangling).kind).toBe('invalid')
    expect(state.lastRejected).toMatchObject({ revision: 3, rejectedAtMs: 7_000 })
    expect(state.apply(snapshotMessage(1)).kind).toBe('stale')
    expect(state.lastRejected?.revision).toBe(3)
    expect(state.current?.snapshot.revision).toBe(1)
  })

  it('counts a runtime compile failure as a refusal', () => {
    const state = new SnapshotState(() => {
      throw new Error('credentials do not open')
    })
    expect(state.apply(snapshotMessage(4))).toEqual({ kind: 'invalid', revision: 4, reason: 'credentials do not open' })
    expect(state.current).toBeUndefined()
    expect(state.lastRejected).toMatchObject({ revision: 4, reason: 'credentials do not open' })
  })
})
