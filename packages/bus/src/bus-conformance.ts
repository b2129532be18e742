import { afterEach, beforeEach, describe } from 'vitest'
import type { BusHarness, MakeBusHarness } from './conformance-harness.ts'
import { describeCounterAndLifecycleCases } from './conformance-lifecycle-cases.ts'
import { describeSnapshotCases } from './conformance-snapshot-cases.ts'
import { describeSnapshotChannelCases } from './conformance-snapshot-channel-cases.ts'
import { describeUsageCases } from './conformance-usage-cases.ts'

export type { BusHarness, MakeBusHarness } from './conformance-harness.ts'

/**
 * The contract every `Bus` implementation must meet, run against each of them (hono's
 * `runTest` pattern): `in-process-bus.test.ts` (unit) and `nats-bus.int.test.ts` (real
 * nats-server). Every case gets a fresh harness: fresh buses on an empty transport.
 */
export function runBusConformance(name: string, makeHarness: MakeBusHarness): void {
  describe(`Bus conformance: ${name}`, () => {
    let current: BusHarness | undefined
    const harness = (): BusHarness => {
      if (!current) throw new Error('harness used outside a test')
      return current
    }

    beforeEach(async () => {
      current = await makeHarness()
    })

    afterEach(async () => {
      await current?.dispose()
      current = undefined
    })

    describeSnapshotCases(harness)
    describeSnapshotChannelCases(harness)
    describeUsageCases(harness)
    describeCounterAndLifecycleCases(harness)
  })
}
