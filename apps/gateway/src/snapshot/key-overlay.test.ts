import { KEY_OVERLAY_SCHEMA_VERSION, type SnapshotKey } from '@switchyard/contracts'
import { describe, expect, it } from 'vitest'
import { compileWithoutKeyring, snapshotMessage } from './snapshot-fixture.ts'
import { type SnapshotMessage, SnapshotState } from './snapshot-state.ts'

const hashOf = (char: string) => char.repeat(64)

function key(id: string, hash: string, override: Partial<SnapshotKey> = {}): SnapshotKey {
  return {
    id,
    name: id,
    hash,
    prefix: 'sk-sy-abcd',
    orgId: 'org_1',
    teamId: null,
    projectId: null,
    environment: null,
    userId: null,
    tags: {},
    allowedModels: null,
    scopes: null,
    expiresAt: null,
    status: 'active',
    ...override,
  }
}

const base = (revision: number, keys: SnapshotKey[] = [key('key_a', hashOf('a')), key('key_b', hashOf('b'))]) =>
  snapshotMessage(revision, { keys })

function overlay(revision: number, baseRevision: number, keys: SnapshotKey[], body: object = {}): SnapshotMessage {
  const json = {
    schemaVersion: KEY_OVERLAY_SCHEMA_VERSION,
    revision,
    baseRevision,
    generatedAt: '2026-11-01T00:00:00.000Z',
    keys,
    ...body,
  }
  return { revision, checksum: `overlay-${revision}`, body: new TextEncoder().encode(JSON.stringify(json)) }
}

const statusOf = (state: SnapshotState, hash: string) => state.current?.policy.keysByHash.get(hash)?.status

describe('key overlays', () => {
  it('lay changed keys on their base: a revoked key is refused, a new key works, the rest is shared', () => {
    const state = new SnapshotState(compileWithoutKeyring, () => 7_000)
    state.apply(base(10))
    const before = state.current?.policy
    const outcome = state.applyOverlay(
      overlay(11, 10, [key('key_a', hashOf('a'), { status: 'revoked' }), key('key_c', hashOf('c'))]),
    )
    expect(outcome).toEqual({ kind: 'applied', revision: 11 })
    expect(statusOf(state, hashOf('a'))).toBe('revoked')
    expect(statusOf(state, hashOf('b'))).toBe('active')
    expect(statusOf(state, hashOf('c'))).toBe('active')
    expect(state.current).toMatchObject({ revision: 11, snapshot: { revision: 10 }, overlay: { keyCount: 2 } })
    expect(state.current?.policy.models).toBe(before?.models)
    // The base's own compiled form is untouched: the next overlay is laid on it, not on this one.
    expect(before?.keysByHash.get(hashOf('a'))?.status).toBe('active')
  })

  it('are cumulative: the latest replaces the previous one, and a key whose value changed loses its old hash', () => {
    const state = new SnapshotState(compileWithoutKeyring)
    state.apply(base(10))
    state.applyOverlay(overlay(11, 10, [key('key_a', hashOf('a'), { status: 'blocked' })]))
    expect(state.applyOverlay(overlay(12, 10, [key('key_b', hashOf('d'))]))).toEqual({ kind: 'applied', revision: 12 })
    // Overlay 12 does not carry key_a: the base's key_a is back, as the control plane sees it.
    expect(statusOf(state, hashOf('a'))).toBe('active')
    expect(statusOf(state, hashOf('b'))).toBeUndefined()
    expect(statusOf(state, hashOf('d'))).toBe('active')
  })

  it('are laid without copying the base, and the result still reads as one map', () => {
    const state = new SnapshotState(compileWithoutKeyring)
    state.apply(base(10))
    // The parsed keys are dropped once compiled: the base's keys live in its compiled form only.
    expect(state.current?.snapshot.keys).toEqual([])
    state.applyOverlay(overlay(11, 10, [key('key_a', hashOf('e')), key('key_c', hashOf('c'), { status: 'revoked' })]))
    const keys = state.current?.policy.keysByHash
    expect(keys?.size).toBe(3)
    expect(keys?.has(hashOf('a'))).toBe(false)
    expect([...(keys?.entries() ?? [])].map(([hash, k]) => [hash[0], k.id, k.status]).sort()).toEqual([
      ['b', 'key_b', 'active'],
      ['c', 'key_c', 'revoked'],
      ['e', 'key_a', 'active'],
    ])
  })

  it('ignore a stale overlay and hold one whose base has not arrived, applying it when it does', () => {
    const state = new SnapshotState(compileWithoutKeyring)
    state.apply(base(10))
    state.applyOverlay(overlay(12, 10, [key('key_a', hashOf('a'), { status: 'revoked' })]))
    expect(state.applyOverlay(overlay(11, 10, []))).toMatchObject({ kind: 'stale' })
    expect(state.applyOverlay(overlay(15, 14, [key('key_b', hashOf('b'), { status: 'revoked' })]))).toEqual({
      kind: 'held',
      revision: 15,
      baseRevision: 14,
    })
    expect(statusOf(state, hashOf('b'))).toBe('active')
    // A new base drops the old overlay (its changes are in the base) and takes the held one.
    expect(
      state.apply(base(14, [key('key_a', hashOf('a'), { status: 'revoked' }), key('key_b', hashOf('b'))])),
    ).toEqual({
      kind: 'applied',
      revision: 14,
    })
    expect(state.current?.revision).toBe(15)
    expect(statusOf(state, hashOf('a'))).toBe('revoked')
    expect(statusOf(state, hashOf('b'))).toBe('revoked')
    expect(state.applyOverlay(overlay(13, 10, []))).toMatchObject({ kind: 'stale' })
  })

  it('start from a held overlay when the pod has no snapshot yet', () => {
    const state = new SnapshotState(compileWithoutKeyring)
    expect(state.applyOverlay(overlay(5, 4, [key('key_a', hashOf('a'), { status: 'revoked' })])).kind).toBe('held')
    state.apply(base(4))
    expect(statusOf(state, hashOf('a'))).toBe('revoked')
  })

  it('refuse an overlay that is invalid or names what its base does not have, keeping the current policy', () => {
    const state = new SnapshotState(compileWithoutKeyring, () => 9_000)
    state.apply(base(10))
    const cases: Array<[SnapshotMessage, RegExp]> = [
      [{ revision: 11, checksum: 'x', body: new Uint8Array([0xff]) }, /not UTF-8 JSON/],
      [overlay(11, 10, [key('key_a', 'not-a-hash')]), /keys\.0\.hash/],
      [overlay(11, 10, [key('key_a', hashOf('a'), { teamId: 'team_gone' })]), /unknown team id "team_gone"/],
      [overlay(11, 10, [], { revision: 12 }), /carries revision 12/],
      [overlay(11, 11, []), /revision must be above baseRevision/],
      [overlay(11, 10, [], { extra: true }), /Unrecognized key/],
    ]
    for (const [message, reason] of cases) {
      expect(state.applyOverlay(message)).toMatchObject({ kind: 'invalid', reason: expect.stringMatching(reason) })
      expect(state.current?.revision).toBe(10)
    }
    expect(state.lastRejected).toMatchObject({ revision: 11, rejectedAtMs: 9_000 })
  })
})
