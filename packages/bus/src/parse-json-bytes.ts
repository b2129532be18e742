const utf8 = new TextDecoder('utf-8', { fatal: true })

export type JsonParseResult = { readonly isValid: true; readonly value: unknown } | { readonly isValid: false }

/** Decodes UTF-8 JSON from a payload without throwing; the caller validates the shape with zod. */
export function parseJsonBytes(payload: Uint8Array): JsonParseResult {
  try {
    return { isValid: true, value: JSON.parse(utf8.decode(payload)) }
  } catch {
    return { isValid: false }
  }
}

const encoder = new TextEncoder()

export function encodeJson(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value))
}
