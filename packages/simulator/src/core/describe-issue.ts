import type { z } from 'zod'

export interface IssueDescription {
  readonly message: string
  /** Where the problem is, `messages[0].content` style; undefined for the body itself. */
  readonly param: string | undefined
}

/** Turns the first zod issue into a sentence that names the field, the way providers do. */
export function describeIssue(error: z.ZodError): IssueDescription {
  const issue = error.issues[0]
  if (issue === undefined) return { message: 'Invalid request body.', param: undefined }
  const param = formatPath(issue.path)
  if (param === undefined) return { message: `Invalid request body: ${issue.message}.`, param }
  if (issue.code === 'invalid_type' && issue.message.endsWith('received undefined')) {
    return { message: `Missing required parameter: '${param}'.`, param }
  }
  return { message: `Invalid value for '${param}': ${issue.message}.`, param }
}

function formatPath(path: readonly PropertyKey[]): string | undefined {
  let text = ''
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`
    else text += text === '' ? String(segment) : `.${String(segment)}`
  }
  return text === '' ? undefined : text
}
