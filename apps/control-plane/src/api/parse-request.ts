import { InvalidRequestError } from '@switchyard/http-server'
import type { Context } from 'hono'
import type { z } from 'zod'

/** The first problem zod found, as an OpenAI-style error naming the field in `param`. */
export function invalidFrom(error: z.ZodError, where: string): InvalidRequestError {
  const issue = error.issues[0]
  const path = issue?.path.map(String).join('.') ?? ''
  const message = issue === undefined ? 'invalid' : issue.message
  return new InvalidRequestError(
    path === '' ? `Invalid ${where}: ${message}` : `Invalid ${where} at ${path}: ${message}`,
    {
      code: 'invalid_value',
      ...(path === '' ? {} : { param: path }),
    },
  )
}

/** Parses the JSON body with `schema`; a body that is not JSON, or not this shape, is a 400. */
export async function readJson<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  let json: unknown
  try {
    json = await c.req.json()
  } catch {
    throw new InvalidRequestError('The request body is not valid JSON.', { code: 'invalid_json' })
  }
  const parsed = schema.safeParse(json)
  if (!parsed.success) throw invalidFrom(parsed.error, 'request body')
  return parsed.data
}

/** Parses the query string with `schema`. */
export function readQuery<T extends z.ZodType>(c: Context, schema: T): z.infer<T> {
  const parsed = schema.safeParse(c.req.query())
  if (!parsed.success) throw invalidFrom(parsed.error, 'query')
  return parsed.data
}
