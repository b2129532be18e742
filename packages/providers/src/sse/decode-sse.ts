/** One server-sent event. `event` is absent when the stream sent none (the default "message"). */
export interface SseEvent {
  readonly event: string | undefined
  readonly data: string
}

export class SseProtocolError extends Error {
  override readonly name = 'SseProtocolError'
}

/** An event larger than this is a broken or hostile upstream, not a model answer. */
const MAX_EVENT_CHARS = 16 * 1024 * 1024

/**
 * Decodes a `text/event-stream` body incrementally, per the WHATWG event-stream rules: lines end
 * in LF, CRLF or CR; `data:` lines join with LF; a blank line dispatches; comments and `id:`/
 * `retry:` are ignored. The one SSE decoder every provider adapter uses.
 */
export async function* decodeSse(body: AsyncIterable<Uint8Array>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder('utf-8')
  let buffer = ''
  let eventName: string | undefined
  let data: string[] = []
  let dataChars = 0
  let isAfterCr = false

  function* takeLines(text: string): Generator<string> {
    buffer += text
    let start = 0
    for (let index = 0; index < buffer.length; index += 1) {
      const char = buffer.charCodeAt(index)
      if (char === 10 && isAfterCr && index === start) {
        // The LF of a CRLF whose CR ended the previous line.
        start = index + 1
        isAfterCr = false
        continue
      }
      isAfterCr = false
      if (char === 10 || char === 13) {
        yield buffer.slice(start, index)
        isAfterCr = char === 13
        start = index + 1
      }
    }
    buffer = buffer.slice(start)
    if (buffer.length > MAX_EVENT_CHARS) throw new SseProtocolError('an SSE line exceeds 16 MiB')
  }

  function* handle(line: string): Generator<SseEvent> {
    if (line === '') {
      if (data.length > 0) yield { event: eventName, data: data.join('\n') }
      eventName = undefined
      data = []
      dataChars = 0
      return
    }
    if (line.charCodeAt(0) === 58) return // ':' comment
    const colon = line.indexOf(':')
    const field = colon === -1 ? line : line.slice(0, colon)
    let value = colon === -1 ? '' : line.slice(colon + 1)
    if (value.charCodeAt(0) === 32) value = value.slice(1)
    if (field === 'data') {
      dataChars += value.length
      if (dataChars > MAX_EVENT_CHARS) throw new SseProtocolError('an SSE event exceeds 16 MiB')
      data.push(value)
    } else if (field === 'event') {
      eventName = value
    }
  }

  for await (const bytes of body) {
    for (const line of takeLines(decoder.decode(bytes, { stream: true }))) yield* handle(line)
  }
  for (const line of takeLines(decoder.decode())) yield* handle(line)
  // A final event without its blank line still counts, as browsers do not dispatch it but
  // several providers end their streams that way.
  if (buffer !== '') yield* handle(buffer)
  if (data.length > 0) yield { event: eventName, data: data.join('\n') }
}
