import { InvalidRequestError } from '@switchyard/http-server'
import type { z } from 'zod'
import { PayloadTooLargeError } from '../gateway-errors.ts'

/**
 * Reads a JSON request body once: size-capped while streaming in (chunked bodies included),
 * strict UTF-8, then parsed with `schema`. Every failure is a 4xx naming the offending param.
 */
export async function readJsonBody<T extends z.ZodType>(
  request: Request,
  schema: T,
  limitBytes: number,
): Promise<z.infer<T>> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN)
  if (declared > limitBytes) throw new PayloadTooLargeError(limitBytes)
  // A declared length is enforced by Node's HTTP parser, so such a body is read in one go (the
  // server adapter's fast path, no web streams); a chunked body is counted as it arrives.
  const bytes = Number.isInteger(declared)
    ? new Uint8Array(await request.arrayBuffer())
    : await readCapped(request, limitBytes)
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    throw new InvalidRequestError('The request body is not valid UTF-8.', { code: 'invalid_encoding' })
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw new InvalidRequestError(
      'We could not parse the JSON body of your request. The body must be a JSON object (see the API reference).',
      { code: 'invalid_json' },
    )
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new InvalidRequestError('The request body must be a JSON object.', { code: 'invalid_json' })
  }
  const parsed = schema.safeParse(json)
  if (!parsed.success) throw invalidRequestFromZod(parsed.error, json)
  return parsed.data
}

async function readCapped(request: Request, limitBytes: number): Promise<Uint8Array> {
  if (!request.body) return new Uint8Array()
  const chunks: Uint8Array[] = []
  let total = 0
  for await (const chunk of request.body) {
    total += chunk.byteLength
    if (total > limitBytes) throw new PayloadTooLargeError(limitBytes)
    chunks.push(chunk)
  }
  if (chunks.length === 1 && chunks[0]) return chunks[0]
  const bytes = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return bytes
}

/** `['messages', 0, 'content']` → `messages[0].content`, as OpenAI names params. */
export function renderParam(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((rendered, segment) => {
    if (typeof segment === 'number') return `${rendered}[${segment}]`
    return rendered === '' ? String(segment) : `${rendered}.${String(segment)}`
  }, '')
}

function invalidRequestFromZod(error: z.ZodError, input: unknown): InvalidRequestError {
  const issue = error.issues[0]
  if (!issue) return new InvalidRequestError('Invalid request body.')
  const param = renderParam(issue.path)
  if (issue.code === 'invalid_type' && valueAt(input, issue.path) === undefined) {
    return new InvalidRequestError(`Missing required parameter: '${param}'.`, {
      param,
      code: 'missing_required_parameter',
    })
  }
  if (issue.code === 'invalid_type') {
    const got = describeValue(valueAt(input, issue.path))
    return new InvalidRequestError(`Invalid type for '${param}': expected ${issue.expected}, but got ${got} instead.`, {
      param,
      code: 'invalid_type',
    })
  }
  return new InvalidRequestError(`Invalid value for '${param}': ${issue.message}`, { param, code: 'invalid_value' })
}

function valueAt(input: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let value = input
  for (const segment of path) {
    if (typeof value !== 'object' || value === null) return undefined
    value = (value as Record<PropertyKey, unknown>)[segment]
  }
  return value
}

function describeValue(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'object') return 'an object'
  return `a ${typeof value}`
}
