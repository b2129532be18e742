import type { Bus, SnapshotChannel } from './bus.ts'

/**
 * What a transport's test file hands `runBusConformance`: fresh buses ("pods") sharing one
 * transport, plus raw access to stage what a faulty or foreign publisher would send.
 */
export interface BusHarness {
  /** A new bus, i.e. a new pod, on the transport every bus of this harness shares. */
  createBus(name: string): Promise<Bus>
  /** Stores an object and makes `pointer` the channel's (default `policy`) current one as-is, bypassing the publisher's checks. */
  writeRawSnapshot(objectName: string, body: Uint8Array, pointer: Uint8Array, channel?: SnapshotChannel): Promise<void>
  /** Broadcasts a counter payload as-is; resolves once the transport has it. */
  publishRawCounterPayload(payload: Uint8Array): Promise<void>
  /** Dead letters the transport holds, oldest first. */
  readDeadLetters(): Promise<Array<{ id: string; reason: string; body: Uint8Array }>>
  /** Stops the transport and brings it back with its data; undefined where that means nothing. */
  readonly restartTransport: (() => Promise<void>) | undefined
  /** Closes every bus it created and releases the transport. */
  dispose(): Promise<void>
}

export type MakeBusHarness = () => Promise<BusHarness>
