import { createLogger } from '@switchyard/http-server'
import { describe, expect, it } from 'vitest'
import type { OverlayOutcome, PublishedSnapshot } from '../snapshot/publish-snapshot.ts'
import { SnapshotPublisher } from './snapshot-publisher.ts'

const log = createLogger('test', 'silent')

function recorder(options: { failPolicy?: number; overlay?: OverlayOutcome['kind'] } = {}) {
  const calls: string[] = []
  let revision = 0
  let failures = options.failPolicy ?? 0
  const publish = async (): Promise<PublishedSnapshot> => {
    calls.push('policy')
    if (failures > 0) {
      failures -= 1
      throw new Error('bus down')
    }
    revision += 1
    return { revision, checksum: 'c', sizeBytes: 1 }
  }
  const publishKeys = async (): Promise<OverlayOutcome> => {
    calls.push('keys')
    if (options.overlay === 'needs-policy' && !calls.includes('policy')) return { kind: 'needs-policy', reason: 'big' }
    revision += 1
    return { kind: 'published', overlay: { revision, baseRevision: 1, checksum: 'c', sizeBytes: 1, keyCount: 1 } }
  }
  return { calls, publish, publishKeys }
}

describe('SnapshotPublisher', () => {
  it('coalesces a burst of key changes into one overlay, and a policy change into one policy snapshot then an overlay', async () => {
    const { calls, publish, publishKeys } = recorder()
    const publisher = new SnapshotPublisher({ publish, publishKeys, log, debounceMs: 10, maxDelayMs: 100 })
    for (let i = 0; i < 5; i++) publisher.schedule('keys')
    await publisher.flush()
    expect(calls).toEqual(['keys'])
    publisher.schedule('keys')
    publisher.schedule('policy')
    await publisher.flush()
    expect(calls).toEqual(['keys', 'policy', 'keys'])
    await publisher.stop()
  })

  it('publishes a policy snapshot when the overlay would be too big', async () => {
    const { calls, publish, publishKeys } = recorder({ overlay: 'needs-policy' })
    const publisher = new SnapshotPublisher({ publish, publishKeys, log, debounceMs: 1 })
    publisher.schedule('keys')
    await publisher.flush()
    expect(calls).toEqual(['keys', 'policy', 'keys'])
    await publisher.stop()
  })

  it('retries a failed publish until it succeeds, keeping the policy change', async () => {
    const { calls, publish, publishKeys } = recorder({ failPolicy: 2 })
    const publisher = new SnapshotPublisher({ publish, publishKeys, log, debounceMs: 1, retryMs: 5 })
    publisher.schedule('policy')
    await publisher.flush()
    expect(calls.filter((call) => call === 'policy')).toHaveLength(3)
    expect(publisher.last?.revision).toBeGreaterThan(0)
    await publisher.stop()
  })

  it('never publishes later than maxDelayMs after the first change, however steady the changes', async () => {
    const { calls, publish, publishKeys } = recorder()
    const publisher = new SnapshotPublisher({ publish, publishKeys, log, debounceMs: 40, maxDelayMs: 60 })
    const started = Date.now()
    const ticker = setInterval(() => publisher.schedule('keys'), 10)
    while (calls.length === 0 && Date.now() - started < 1_000) await new Promise((resolve) => setTimeout(resolve, 5))
    clearInterval(ticker)
    expect(calls.length).toBeGreaterThan(0)
    await publisher.stop()
  })
})
