import { invalidRequestError } from './adapter-errors.ts'

/** `data:<media type>[;params];base64,<data>`. */
const DATA_URL = /^data:([^;,]+)((?:;[^;,]*)*);base64,(.*)$/s

/** A base64 `data:` URL's media type (lower-cased) and data; anything else → undefined. */
export function parseDataUrl(url: string): { mediaType: string; data: string } | undefined {
  const [, mediaType, , data] = DATA_URL.exec(url) ?? []
  return mediaType === undefined || data === undefined ? undefined : { mediaType: mediaType.toLowerCase(), data }
}

/**
 * A canonical tool call's `arguments` (a JSON string) as the object vendors with structured
 * tool input want; empty means no arguments. Anything else is the client's error, named by `param`.
 */
export function parseToolArguments(json: string, param: string): Record<string, unknown> {
  if (json.trim() === '') return {}
  let value: unknown
  try {
    value = JSON.parse(json)
  } catch {
    throw invalidRequestError('tool call arguments are not valid JSON', param)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidRequestError('tool call arguments must be a JSON object', param)
  }
  return value as Record<string, unknown>
}
