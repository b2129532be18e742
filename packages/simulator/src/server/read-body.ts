import type { IncomingMessage } from 'node:http'

export type BodyResult = { readonly kind: 'body'; readonly body: Buffer } | { readonly kind: 'too_large' | 'aborted' }

const tooLarge: BodyResult = { kind: 'too_large' }
const aborted: BodyResult = { kind: 'aborted' }

/**
 * Buffers a request body up to `maxBytes`. Past the cap the rest is discarded (Node drains it
 * once the response is sent), so the client gets its 413 instead of a reset.
 */
export function readBody(req: IncomingMessage, maxBytes: number, done: (result: BodyResult) => void): void {
  const declaredBytes = Number(req.headers['content-length'] ?? 0)
  if (declaredBytes > maxBytes) {
    done(tooLarge)
    return
  }
  let first: Buffer | undefined
  let rest: Buffer[] | undefined
  let size = 0
  let isDone = false
  req.on('data', (chunk: Buffer) => {
    if (isDone) return
    size += chunk.length
    if (size > maxBytes) {
      isDone = true
      first = undefined
      rest = undefined
      done(tooLarge)
      return
    }
    if (first === undefined) first = chunk
    else if (rest === undefined) rest = [first, chunk]
    else rest.push(chunk)
  })
  req.once('end', () => {
    if (isDone) return
    isDone = true
    done({ kind: 'body', body: rest === undefined ? (first ?? Buffer.alloc(0)) : Buffer.concat(rest, size) })
  })
  req.once('error', () => {
    if (isDone) return
    isDone = true
    done(aborted)
  })
}
