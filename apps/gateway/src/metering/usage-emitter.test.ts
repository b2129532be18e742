import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { UsagePublishError, type UsagePublishResult, type UsageToPublish } from '@switchyard/bus'
import { USAGE_EVENT_SCHEMA_VERSION, UsageEvent } from '@switchyard/contracts'
import { createLogger } from '@switchyard/http-server'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { type RepeatEvery, UsageEmitter, type UsageEmitterSettings, type UsagePublisher } from './usage-emitter.ts'
import { UsageSpool, type UsageSpoolSettings } from './usage-spool.ts'

const decoder = new TextDecoder()

function event(id: string): UsageEvent {
  return {
    schemaVersion: USAGE_EVENT_SCHEMA_VERSION,
    kind: 'request',
    id,
    requestId: `req-${id}`,
    occurredAt: '2026-11-20T10:00:00.000Z',
    gatewayPodId: 'pod-a',
    attribution: {
      orgId: 'org',
      teamId: null,
      projectId: null,
      environment: null,
      costCenter: null,
      userId: null,
      keyId: 'key',
      tags: {},
    },
    requestedModel: 'gpt-test',
    endpoint: 'chat.completions',
    isStream: false,
    tokens: {
      inputTokens: 1,
      outputTokens: 1,
      cachedInputTokens: 0,
      cacheWriteInputTokens: 0,
      reasoningTokens: 0,
      isEstimated: false,
    },
    costMicroUsd: 3,
    latencyMs: 10,
    timeToFirstTokenMs: null,
    status: 'success',
    httpStatus: 200,
    errorClass: null,
    attemptCount: 1,
    deploymentId: 'dep',
    isCacheHit: false,
    cacheSavedMicroUsd: 0,
    guardrailActions: [],
  }
}

const ids = (prefix: string, count: number) => Array.from({ length: count }, (_, index) => `${prefix}${index}`)

/** Stores what it is given unless it is down; `hold()` keeps publishes waiting until `release()`. */
class FakeBus implements UsagePublisher {
  readonly stored: string[] = []
  isDown = false
  calls = 0
  inFlight = 0
  maxInFlight = 0
  #gate: Promise<void> | null = null
  #open: (() => void) | null = null

  hold(): void {
    this.#gate = new Promise((resolve) => {
      this.#open = resolve
    })
  }

  release(): void {
    this.#open?.()
    this.#gate = null
  }

  async publishUsage(message: UsageToPublish): Promise<UsagePublishResult> {
    this.calls += 1
    this.inFlight += 1
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight)
    try {
      if (this.#gate) await this.#gate
      if (this.isDown) throw new UsagePublishError('bus down')
      // What travels is the event itself, under its own id.
      const parsed = UsageEvent.parse(JSON.parse(decoder.decode(message.body)))
      expect(parsed.id).toBe(message.id)
      this.stored.push(message.id)
      return { isDuplicate: false }
    } finally {
      this.inFlight -= 1
    }
  }
}

let dir: string
let bus: FakeBus
let log: ReturnType<typeof createLogger>
let ticks: Array<() => void>
let isLoopStopped: boolean
let clockMs: number
const repeatEvery: RepeatEvery = (_intervalMs, tick) => {
  ticks.push(tick)
  return () => {
    isLoopStopped = true
  }
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sy-emitter-'))
  bus = new FakeBus()
  log = createLogger('test', 'silent')
  ticks = []
  isLoopStopped = false
  clockMs = 0
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function emitter(settings: Partial<UsageEmitterSettings> = {}, spoolSettings: Partial<UsageSpoolSettings> = {}) {
  const spool = await UsageSpool.open(dir, spoolSettings)
  return new UsageEmitter({ bus, spool, log, settings, repeatEvery, now: () => clockMs })
}

describe('UsageEmitter', () => {
  it('returns from emit at once and publishes in the background', async () => {
    const usage = await emitter()
    usage.emit(ids('a', 3).map(event))
    expect(bus.calls).toBe(0)
    expect(usage.stats().queued).toBe(3)
    await vi.waitFor(() => expect(bus.stored).toEqual(['a0', 'a1', 'a2']))
    expect(usage.stats()).toMatchObject({ queued: 0, inFlight: 0, published: 3, spooled: 0, dropped: 0 })
    await usage.close()
  })

  it('keeps at most maxInFlight publishes waiting for the bus', async () => {
    const usage = await emitter({ maxInFlight: 4 })
    bus.hold()
    usage.emit(ids('a', 20).map(event))
    await vi.waitFor(() => expect(bus.inFlight).toBe(4))
    expect(usage.stats()).toMatchObject({ inFlight: 4, queued: 16 })
    bus.release()
    await vi.waitFor(() => expect(bus.stored).toHaveLength(20))
    expect(bus.maxInFlight).toBe(4)
    await usage.close()
  })

  it('spools new events once publishes are stuck for stallAfterMs, instead of holding them in memory', async () => {
    const usage = await emitter({ maxInFlight: 2, stallAfterMs: 1_000 })
    bus.hold()
    usage.emit(ids('a', 6).map(event))
    await vi.waitFor(() => expect(bus.inFlight).toBe(2))
    clockMs = 999
    usage.emit([event('b0')])
    await new Promise((resolve) => setImmediate(resolve))
    expect(usage.stats()).toMatchObject({ inFlight: 2, queued: 5, spooled: 0, isBusFailing: false })
    // A second with nothing stored: the bus is taken for gone, the queue goes to disk.
    clockMs = 1_000
    usage.emit([event('b1')])
    await vi.waitFor(() => expect(usage.stats().spooled).toBe(6))
    expect(usage.stats()).toMatchObject({ inFlight: 2, queued: 0, isBusFailing: true })
    // The stuck publishes land after all; the spool replays the rest, each event stored once.
    bus.release()
    await vi.waitFor(() => expect(bus.stored).toHaveLength(2))
    await usage.replaySpool()
    expect(bus.stored).toHaveLength(8)
    expect(new Set(bus.stored).size).toBe(8)
    expect(usage.stats()).toMatchObject({ dropped: 0, isBusFailing: false })
    await usage.close()
  })

  it('spools failed publishes, spools new events while the bus fails, then replays them in order', async () => {
    const usage = await emitter({ maxInFlight: 2 })
    usage.start()
    expect(ticks).toHaveLength(1)
    bus.isDown = true
    usage.emit(ids('a', 4).map(event))
    await vi.waitFor(() => expect(usage.stats().spooled).toBe(4))
    expect(usage.stats().isBusFailing).toBe(true)
    // Failing: the next events go straight to disk, without a publish each.
    const callsBefore = bus.calls
    usage.emit(ids('b', 3).map(event))
    await vi.waitFor(() => expect(usage.stats().spooled).toBe(7))
    expect(bus.calls).toBe(callsBefore)
    expect(usage.stats().spoolBytes).toBeGreaterThan(0)

    // A replay round while the bus is still down probes it with one event and keeps everything.
    await usage.replaySpool()
    expect(bus.calls).toBe(callsBefore + 1)
    expect(usage.stats()).toMatchObject({ replayed: 0, isBusFailing: true })

    bus.isDown = false
    ticks[0]?.()
    await usage.replaySpool()
    expect(usage.stats()).toMatchObject({ replayed: 7, spoolBytes: 0, isBusFailing: false, dropped: 0 })
    // Replayed in spool order: the a's in the order they failed or arrived, then the b's as emitted.
    expect(bus.stored.slice(4)).toEqual(['b0', 'b1', 'b2'])
    expect(new Set(bus.stored)).toEqual(new Set([...ids('a', 4), ...ids('b', 3)]))

    // Back to live publishing.
    usage.emit([event('c0')])
    await vi.waitFor(() => expect(bus.stored.at(-1)).toBe('c0'))
    expect(usage.stats().published).toBe(1)
    await usage.close()
    expect(isLoopStopped).toBe(true)
  })

  it('removes from the spool only the events the bus stored', async () => {
    const usage = await emitter({ maxInFlight: 4 })
    bus.isDown = true
    usage.emit(ids('a', 6).map(event))
    await vi.waitFor(() => expect(usage.stats().spooled).toBe(6))
    bus.isDown = false
    // The bus takes two, then fails again.
    const publish = bus.publishUsage.bind(bus)
    let taken = 0
    bus.publishUsage = async (message) => {
      taken += 1
      if (taken > 2) throw new UsagePublishError('down again')
      return publish(message)
    }
    // Probe (one event), then a batch of four of which only the first is stored.
    await usage.replaySpool()
    expect(usage.stats().replayed).toBe(2)
    bus.publishUsage = publish
    await usage.replaySpool()
    expect(usage.stats()).toMatchObject({ replayed: 6, spoolBytes: 0 })
    expect(new Set(bus.stored).size).toBe(6)
    await usage.close()
  })

  it('counts and logs events dropped when the queue is full', async () => {
    const errors = vi.spyOn(log, 'error')
    const usage = await emitter({ queueCapacity: 5 })
    usage.emit(ids('a', 3).map(event))
    usage.emit(ids('b', 5).map(event))
    expect(usage.stats()).toMatchObject({ queued: 5, dropped: 3, droppedByReason: { queue_full: 3 } })
    expect(errors).toHaveBeenCalledWith(expect.objectContaining({ reason: 'queue_full', count: 3 }), expect.any(String))
    await vi.waitFor(() => expect(bus.stored).toEqual(['a0', 'a1', 'a2', 'b0', 'b1']))
    await usage.close()
  })

  it('counts and logs events the spool has no room for', async () => {
    const errors = vi.spyOn(log, 'error')
    const lineBytes = JSON.stringify(event('a0')).length + 1
    const usage = await emitter({}, { maxBytes: lineBytes * 2 })
    bus.isDown = true
    usage.emit(ids('a', 5).map(event))
    await vi.waitFor(() => expect(usage.stats().spooled + usage.stats().dropped).toBe(5))
    expect(usage.stats()).toMatchObject({ spooled: 2, droppedByReason: { spool_full: 3 } })
    expect(errors).toHaveBeenCalledWith(expect.objectContaining({ reason: 'spool_full' }), expect.any(String))
    await usage.close()
  })

  it('publishes everything still in memory on close', async () => {
    const usage = await emitter({ maxInFlight: 2 })
    usage.emit(ids('a', 10).map(event))
    await usage.close()
    expect(bus.stored).toEqual(ids('a', 10))
    expect(usage.stats()).toMatchObject({ queued: 0, inFlight: 0, published: 10 })
    // After close nothing is taken, and that is counted too.
    usage.emit([event('late')])
    expect(usage.stats().droppedByReason.closed).toBe(1)
  })

  it('spools what the bus will not take on close, for the next start to replay', async () => {
    const usage = await emitter()
    bus.isDown = true
    usage.emit(ids('a', 5).map(event))
    await usage.close()
    expect(usage.stats()).toMatchObject({ spooled: 5, dropped: 0 })

    bus.isDown = false
    const next = await emitter()
    next.start()
    await next.replaySpool()
    expect([...bus.stored].sort()).toEqual(ids('a', 5))
    expect(next.stats()).toMatchObject({ replayed: 5, spoolBytes: 0 })
    await next.close()
  })
})
