import type { z } from 'zod'
import type { ConfigIssue } from './config-error.ts'
import type { Locate } from './read-yaml.ts'
import { renderPath } from './render-path.ts'

/**
 * Turns zod's issues into config issues, located in the source and sorted by position (unlocated ones keep their place at the top). An issue
 * listing several unknown keys becomes one issue per key (the error map wrote one line each).
 */
export function toConfigIssues(error: z.ZodError, locate: Locate): ConfigIssue[] {
  const issues = error.issues.flatMap((issue) => {
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : []
    return issue.message.split('\n').map((message, i): ConfigIssue => {
      const key = keys[i]
      const position = key === undefined ? locate(issue.path) : locate([...issue.path, key], { isKey: true })
      const path = renderPath(issue.path)
      return position === undefined ? { path, message } : { path, message, ...position }
    })
  })
  return issues
    .map((issue, order) => ({ issue, order }))
    .sort((a, b) => byPosition(a.issue, b.issue) || a.order - b.order)
    .map(({ issue }) => issue)
}

function byPosition(a: ConfigIssue, b: ConfigIssue): number {
  return (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0)
}
