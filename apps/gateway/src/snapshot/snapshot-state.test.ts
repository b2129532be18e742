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
})
