import type { Scenario } from '../scenarios/scenario.ts'
import type { Exchange } from './exchange.ts'
import type { JsonReply, Reply, StreamReply } from './reply.ts'

/** Sends a reply, honouring the scenario's latency, time to first token, pacing and faults. */
export function sendReply(exchange: Exchange, reply: Reply, scenario: Scenario | undefined): void {
  const latencyMs = scenario?.latencyMs ?? 0
  if (latencyMs > 0) exchange.after(latencyMs, () => sendNow(exchange, reply, scenario))
  else sendNow(exchange, reply, scenario)
}

function sendNow(exchange: Exchange, reply: Reply, scenario: Scenario | undefined): void {
  if (reply.kind === 'json') sendJson(exchange, reply)
  else sendStream(exchange, reply, scenario)
}

export function sendJson(exchange: Exchange, reply: JsonReply): void {
  const { res } = exchange
  if (exchange.isClosed || res.headersSent) return
  const body = reply.isRaw === true && typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body)
  const length = Buffer.byteLength(body)
  const headers =
    reply.headers === undefined
      ? { 'content-type': 'application/json', 'content-length': length }
      : { 'content-type': 'application/json', 'content-length': length, ...reply.headers }
  res.writeHead(reply.status, headers)
  res.end(body)
}

function sendStream(exchange: Exchange, reply: StreamReply, scenario: Scenario | undefined): void {
  const { res } = exchange
  if (exchange.isClosed || res.headersSent) return
  res.writeHead(200, { 'content-type': reply.contentType, 'cache-control': 'no-cache', ...reply.headers })
  const { frames } = reply
  const resetAt = scenario?.resetAfterChunks ?? -1
  const stallAt = scenario?.stallAfterChunks ?? -1
  const ttftMs = scenario?.ttftMs ?? 0
  const intervalMs = scenario?.tokensPerSecond === undefined ? 0 : 1000 / scenario.tokensPerSecond
  if (resetAt < 0 && stallAt < 0 && ttftMs === 0 && intervalMs === 0) {
    res.end(joinFrames(frames))
    return
  }
  let next = 0
  const step = (): void => {
    while (!exchange.isClosed) {
      if (next === resetAt) {
        // Whatever was written goes out, then the connection closes without ending the body.
        res.flushHeaders()
        res.socket?.destroySoon()
        return
      }
      if (next === stallAt) return
      const frame = frames[next]
      if (frame === undefined) {
        res.end()
        return
      }
      res.write(frame)
      next += 1
      if (intervalMs > 0 && next < frames.length) {
        exchange.after(intervalMs, step)
        return
      }
    }
  }
  if (ttftMs > 0) exchange.after(ttftMs, step)
  else step()
}

function joinFrames(frames: readonly (string | Uint8Array)[]): string | Buffer {
  if (frames.every((frame) => typeof frame === 'string')) return frames.join('')
  return Buffer.concat(frames.map((frame) => (typeof frame === 'string' ? Buffer.from(frame) : frame)))
}
