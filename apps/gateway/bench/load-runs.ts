import autocannon from 'autocannon'
import { Client } from 'undici'

export interface LoadTarget {
  readonly name: 'simulator' | 'gateway'
  readonly origin: string
  readonly path: string
  readonly headers: Readonly<Record<string, string>>
}

export interface Workload {
  readonly name: 'non-streaming' | 'streaming'
  readonly body: string
}

export interface LoadResult {
  readonly requestsPerS: number
  readonly p50Ms: number
  readonly p99Ms: number
  readonly completed: number
}

export interface ProbeResult {
  readonly p50Ms: number
  readonly p99Ms: number
  readonly count: number
}

const PROMPT = [
  { role: 'system', content: 'You are a helpful assistant.' },
  { role: 'user', content: 'Say hello to the benchmark.' },
]

/** Short prompt, the simulator's default answer (16 tokens), no pacing. */
export function chatWorkload(model: string, isStreaming: boolean): Workload {
  const body = isStreaming
    ? { model, messages: PROMPT, stream: true, stream_options: { include_usage: true } }
    : { model, messages: PROMPT }
  return { name: isStreaming ? 'streaming' : 'non-streaming', body: JSON.stringify(body) }
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))] ?? Number.NaN
}

/**
 * Closed-loop load with autocannon. Its own latency histogram has 1 ms buckets, so latencies
 * are taken from its per-response timings (float ms from hrtime) instead. Any error or non-2xx
 * fails the run: a number measured on errors is not a number.
 */
export async function runLoad(
  target: LoadTarget,
  workload: Workload,
  connections: number,
  durationS: number,
): Promise<LoadResult> {
  const latenciesMs: number[] = []
  const instance = autocannon({
    url: `${target.origin}${target.path}`,
    connections,
    duration: durationS,
    method: 'POST',
    headers: { ...target.headers, 'content-type': 'application/json' },
    body: workload.body,
  })
  instance.on('response', (_client, statusCode, _bytes, responseTimeMs) => {
    if (statusCode >= 200 && statusCode < 300) latenciesMs.push(responseTimeMs)
  })
  const result = await instance
  const failures = result.errors + result.timeouts + result.non2xx
  if (failures > 0) {
    throw new Error(
      `${target.name} ${workload.name} c=${connections}: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx`,
    )
  }
  latenciesMs.sort((left, right) => left - right)
  return {
    requestsPerS: latenciesMs.length / (result.duration > 0 ? result.duration : durationS),
    p50Ms: percentile(latenciesMs, 0.5),
    p99Ms: percentile(latenciesMs, 0.99),
    completed: latenciesMs.length,
  }
}

/**
 * Sequential requests on one keep-alive connection, timed with performance.now(): to the end of
 * the body (`until: 'end'`) or to its first chunk (`until: 'first-chunk'`, a stream's TTFB).
 */
export async function probeLatency(
  target: LoadTarget,
  workload: Workload,
  count: number,
  until: 'end' | 'first-chunk',
): Promise<ProbeResult> {
  const client = new Client(target.origin, { pipelining: 1 })
  const headers = { ...target.headers, 'content-type': 'application/json' }
  const timesMs: number[] = []
  try {
    for (let index = 0; index < count; index += 1) {
      const startedAt = performance.now()
      const response = await client.request({ path: target.path, method: 'POST', headers, body: workload.body })
      if (response.statusCode !== 200) {
        throw new Error(`${target.name} answered ${response.statusCode}: ${await response.body.text()}`)
      }
      const chunks = response.body[Symbol.asyncIterator]()
      let next = await chunks.next()
      if (until === 'first-chunk') timesMs.push(performance.now() - startedAt)
      while (!next.done) next = await chunks.next()
      if (until === 'end') timesMs.push(performance.now() - startedAt)
    }
  } finally {
    await client.close()
  }
  timesMs.sort((left, right) => left - right)
  return { p50Ms: percentile(timesMs, 0.5), p99Ms: percentile(timesMs, 0.99), count: timesMs.length }
}
