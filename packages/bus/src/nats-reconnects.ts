import type { NatsConnection } from '@nats-io/nats-core'

export interface ReconnectNotifier {
  /** Calls `listener` after every reconnect; returns the function that removes it. */
  onReconnect(listener: () => void): () => void
}

/**
 * One status loop per connection fanning reconnects out to watchers, which re-read what they
 * may have missed while disconnected. The loop ends when the connection closes.
 */
export function watchReconnects(connection: NatsConnection): ReconnectNotifier {
  const listeners = new Set<() => void>()
  void (async () => {
    for await (const status of connection.status()) {
      if (status.type !== 'reconnect') continue
      for (const listener of [...listeners]) listener()
    }
  })()
  return {
    onReconnect(listener) {
      const own = () => listener()
      listeners.add(own)
      return () => {
        listeners.delete(own)
      }
    },
  }
}
