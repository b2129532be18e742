export type ReplyHeaders = Readonly<Record<string, string>>

/** A JSON body; `raw` bodies (scenario-supplied strings) are sent verbatim. */
export interface JsonReply {
  readonly kind: 'json'
  readonly status: number
  readonly body: unknown
  readonly isRaw?: boolean
  readonly headers?: ReplyHeaders
}

/** A stream of pre-encoded frames (SSE events, event-stream messages), sent one chunk each. */
export interface StreamReply {
  readonly kind: 'stream'
  readonly contentType: string
  readonly frames: readonly (string | Uint8Array)[]
  readonly headers?: ReplyHeaders
}

export type Reply = JsonReply | StreamReply

export function jsonReply(status: number, body: unknown, headers?: ReplyHeaders): JsonReply {
  return headers === undefined ? { kind: 'json', status, body } : { kind: 'json', status, body, headers }
}

export function streamReply(
  contentType: string,
  frames: readonly (string | Uint8Array)[],
  headers?: ReplyHeaders,
): StreamReply {
  return headers === undefined
    ? { kind: 'stream', contentType, frames }
    : { kind: 'stream', contentType, frames, headers }
}
