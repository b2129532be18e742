import { randomBytes } from 'node:crypto'

/** Unique per process start, so ids from two simulator runs do not collide. */
const processTag = randomBytes(4).toString('hex')
let sequence = 0

/** A fresh id such as `chatcmpl-sim1a2b3c4d000001f`: unique, cheap, not random per call. */
export function nextId(prefix: string): string {
  sequence += 1
  return `${prefix}${processTag}${sequence.toString(36).padStart(8, '0')}`
}
