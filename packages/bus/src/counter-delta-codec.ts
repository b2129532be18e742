import { CounterDelta } from '@switchyard/contracts'
import { InvalidBusInputError } from './bus-errors.ts'
import { encodeJson, parseJsonBytes } from './parse-json-bytes.ts'

/** JSON on the wire: deltas are small, and JSON keeps them readable with `nats sub`. */
export function encodeCounterDelta(delta: CounterDelta): Uint8Array {
  const parsed = CounterDelta.safeParse(delta)
  if (!parsed.success) throw InvalidBusInputError.fromZod('counter delta', parsed.error)
  return encodeJson(parsed.data)
}

/** Null for a payload that is not JSON or fails the schema; the caller counts it. */
export function decodeCounterDelta(payload: Uint8Array): CounterDelta | null {
  const json = parseJsonBytes(payload)
  if (!json.isValid) return null
  const parsed = CounterDelta.safeParse(json.value)
  return parsed.success ? parsed.data : null
}
