import { ErrorBody } from '@switchyard/contracts'
import type { z } from 'zod'

const ErrorSchema = ErrorBody.meta({
  id: 'Error',
  description: 'The OpenAI error shape every Switchyard API answers with',
})

export function jsonContent(schema: z.ZodType, description: string) {
  return { description, content: { 'application/json': { schema } } }
}

/** The failures every admin route can answer with. */
export const errorResponses = {
  400: jsonContent(ErrorSchema, 'The request is malformed; `param` names the field'),
  401: jsonContent(ErrorSchema, 'No admin token, or one that does not verify'),
  403: jsonContent(ErrorSchema, 'Your roles do not allow this'),
  404: jsonContent(ErrorSchema, 'No such resource, or not one you may see'),
  409: jsonContent(ErrorSchema, 'A name is taken, or the resource is still in use'),
  412: jsonContent(ErrorSchema, '`If-Match` names a version the resource has moved on from'),
} as const
