// autocannon ships no types and @types/autocannon is not installed: only what the bench uses.
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events'

  interface AutocannonOptions {
    url: string
    connections: number
    duration: number
    method: 'POST'
    headers: Record<string, string>
    body: string
    timeout?: number
  }

  interface Histogram {
    average: number
    p50: number
    p99: number
  }

  interface AutocannonResult {
    requests: Histogram & { total: number }
    latency: Histogram
    duration: number
    errors: number
    timeouts: number
    non2xx: number
    '2xx': number
  }

  interface AutocannonInstance extends EventEmitter, PromiseLike<AutocannonResult> {
    on(
      event: 'response',
      listener: (client: unknown, statusCode: number, resBytes: number, responseTimeMs: number) => void,
    ): this
  }

  function autocannon(options: AutocannonOptions): AutocannonInstance
  export = autocannon
}
