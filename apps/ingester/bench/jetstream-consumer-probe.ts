import { connect, type Socket } from 'node:net'

/** The parts of JetStream's consumer info the bench reads. */
export interface ConsumerState {
  /** Stored in the stream, not yet delivered to the consumer. */
  readonly pending: number
  /** Delivered, not yet acked. */
  readonly ackPending: number
  /** Highest stream sequence delivered. */
  readonly deliveredStreamSeq: number
  readonly redelivered: number
}

export interface JetStreamProbe {
  /** The consumer's state, or null while it does not exist yet. */
  readConsumer(stream: string, consumer: string): Promise<ConsumerState | null>
  /** Messages stored in the stream. */
  readStreamMessages(stream: string): Promise<number>
  close(): void
}

const CRLF = '\r\n'

/**
 * Asks nats-server for stream and consumer info (`$JS.API.STREAM.INFO.<stream>`,
 * `$JS.API.CONSUMER.INFO.<stream>.<consumer>`) over the plain NATS text protocol on one socket.
 * The ingester package has no NATS client of its own (the bus hides it), and the bench needs
 * only these two requests, so it speaks the few protocol verbs itself: CONNECT, SUB, PUB, and
 * MSG and PING from the server.
 */
export async function openJetStreamProbe(natsUrl: string): Promise<JetStreamProbe> {
  const { hostname, port } = new URL(natsUrl)
  const socket: Socket = connect({ host: hostname, port: Number(port) })
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve)
    socket.once('error', reject)
  })
  const waiting = new Map<string, (payload: string) => void>()
  let buffered = Buffer.alloc(0)
  socket.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk])
    for (;;) {
      const lineEnd = buffered.indexOf(CRLF)
      if (lineEnd < 0) return
      const line = buffered.subarray(0, lineEnd).toString()
      if (line.startsWith('MSG ')) {
        // MSG <subject> <sid> [reply-to] <#bytes>
        const parts = line.split(' ')
        const size = Number(parts.at(-1))
        const payloadEnd = lineEnd + 2 + size
        if (buffered.length < payloadEnd + 2) return
        const payload = buffered.subarray(lineEnd + 2, payloadEnd).toString()
        buffered = buffered.subarray(payloadEnd + 2)
        const subject = parts[1] ?? ''
        waiting.get(subject)?.(payload)
        waiting.delete(subject)
        continue
      }
      buffered = buffered.subarray(lineEnd + 2)
      if (line === 'PING') socket.write(`PONG${CRLF}`)
    }
  })
  socket.write(
    `CONNECT {"verbose":false,"pedantic":false,"name":"ingest-bench-probe"}${CRLF}SUB _INBOX.probe.* 1${CRLF}`,
  )
  let requests = 0
  const request = async (subject: string): Promise<Record<string, unknown>> => {
    requests += 1
    const inbox = `_INBOX.probe.${requests}`
    const answer = new Promise<string>((resolve, reject) => {
      waiting.set(inbox, resolve)
      setTimeout(() => reject(new Error(`no answer to ${subject} within 5 s`)), 5_000).unref()
    })
    socket.write(`PUB ${subject} ${inbox} 0${CRLF}${CRLF}`)
    return JSON.parse(await answer) as Record<string, unknown>
  }
  return {
    async readConsumer(stream, consumer) {
      const info = (await request(`$JS.API.CONSUMER.INFO.${stream}.${consumer}`)) as {
        error?: { code: number }
        num_pending?: number
        num_ack_pending?: number
        num_redelivered?: number
        delivered?: { stream_seq: number }
      }
      if (info.error) return null
      return {
        pending: info.num_pending ?? 0,
        ackPending: info.num_ack_pending ?? 0,
        deliveredStreamSeq: info.delivered?.stream_seq ?? 0,
        redelivered: info.num_redelivered ?? 0,
      }
    },
    async readStreamMessages(stream) {
      const info = (await request(`$JS.API.STREAM.INFO.${stream}`)) as {
        error?: { description: string }
        state?: { messages: number }
      }
      if (info.error || !info.state) throw new Error(`stream ${stream}: ${info.error?.description ?? 'no state'}`)
      return info.state.messages
    },
    close: () => socket.destroy(),
  }
}
