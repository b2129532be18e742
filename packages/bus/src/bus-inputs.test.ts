import { COUNTER_DELTA_MAX_ENTRIES, COUNTER_DELTA_SCHEMA_VERSION, type CounterDelta } from '@switchyard/contracts'
import { describe, expect, it } from 'vitest'
import type { SnapshotChannel } from './bus.ts'
import { InvalidBusInputError, SnapshotTooLargeError } from './bus-errors.ts'
import { toHeaderSafeReason } from './bus-inputs.ts'
import { decodeCounterDelta, encodeCounterDelta } from './counter-delta-codec.ts'
import { createInProcessBus } from './in-process-bus.ts'
import { decodeSnapshotPointer } from './snapshot-pointer.ts'

const bytes = (text: string) => new TextEncoder().encode(text)

describe('bus inputs', () => {
  it('rejects what no transport can carry with InvalidBusInputError', async () => {
    const bus = createInProcessBus()
    await expect(bus.publishUsage({ id: '', body: bytes('x') })).rejects.toBeInstanceOf(InvalidBusInputError)
    await expect(bus.publishUsage({ id: 'has space', body: bytes('x') })).rejects.toBeInstanceOf(InvalidBusInputError)
    await expect(bus.publishSnapshot({ revision: 0, body: bytes('x') })).rejects.toBeInstanceOf(InvalidBusInputError)
    await expect(bus.publishSnapshot({ revision: 1.5, body: bytes('x') })).rejects.toBeInstanceOf(InvalidBusInputError)
    const unknownChannel = 'budgets' as SnapshotChannel
    await expect(bus.publishSnapshot({ revision: 1, body: bytes('x'), channel: unknownChannel })).rejects.toThrow(
      /Invalid snapshot: channel:/,
    )
    await expect(bus.latestSnapshot(unknownChannel)).rejects.toBeInstanceOf(InvalidBusInputError)
    expect(() => bus.watchSnapshots(unknownChannel)).toThrow(InvalidBusInputError)
    expect(await bus.latestSnapshot()).toBeNull()
    expect(() => bus.consumeUsage({ durableName: 'with.dot', maxBatch: 1, ackWaitMs: 1_000 })).toThrow(
      InvalidBusInputError,
    )
    expect(() => bus.consumeUsage({ durableName: 'ok', maxBatch: 0, ackWaitMs: 1_000 })).toThrow(InvalidBusInputError)
    await bus.close()
  })

  it('refuses a snapshot body over maxSnapshotBytes before storing anything', async () => {
    const bus = createInProcessBus({ maxSnapshotBytes: 4 })
    await expect(bus.publishSnapshot({ revision: 1, body: bytes('12345') })).rejects.toBeInstanceOf(
      SnapshotTooLargeError,
    )
    expect(await bus.latestSnapshot()).toBeNull()
    await bus.close()
  })

  it('makes a reason safe for a header', () => {
    expect(toHeaderSafeReason('line one\r\nline\ttwo\u007f')).toBe('line one  line two ')
    expect(toHeaderSafeReason('x'.repeat(5_000))).toHaveLength(1_024)
  })
})

describe('payload decoding', () => {
  it('round-trips a counter delta and rejects invalid payloads without throwing', () => {
    const entry = {
      counterKey: 'budget:b1',
      windowStartMs: 1_893_456_000_000,
      windowEndMs: 1_896_134_400_000,
      origin: 'pod-a#1',
      added: 1_000,
      removed: 250,
    }
    const delta: CounterDelta = {
      schemaVersion: COUNTER_DELTA_SCHEMA_VERSION,
      podId: 'pod-1',
      sentAt: '2030-01-01T00:00:00.000Z',
      entries: [entry],
    }
    expect(decodeCounterDelta(encodeCounterDelta(delta))).toEqual(delta)
    expect(decodeCounterDelta(bytes('{'))).toBeNull()
    expect(decodeCounterDelta(new Uint8Array([0xff, 0xfe]))).toBeNull()
    expect(decodeCounterDelta(bytes(JSON.stringify({ ...delta, schemaVersion: 2 })))).toBeNull()
    expect(decodeCounterDelta(bytes(JSON.stringify({ ...delta, entries: [{ ...entry, added: 0.5 }] })))).toBeNull()
    const tooMany = Array.from({ length: COUNTER_DELTA_MAX_ENTRIES + 1 }, () => entry)
    expect(() => encodeCounterDelta({ ...delta, entries: tooMany })).toThrow(InvalidBusInputError)
  })

  it('rejects a snapshot pointer that is not JSON or misses a field', () => {
    expect(decodeSnapshotPointer(bytes('nope'))).toBeNull()
    expect(decodeSnapshotPointer(bytes('{"schemaVersion":1,"revision":1}'))).toBeNull()
  })
})
