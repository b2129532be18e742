import { HttpError } from '@switchyard/http-server'

/** A resource's version as a strong ETag. */
export const etagOf = (version: number): string => `"${version}"`

/**
 * Checks `If-Match` against the row's version. Absent: the write goes ahead (last writer
 * wins, as for any client that does not ask for a check); `*` matches any existing row.
 */
export function checkIfMatch(header: string | undefined, version: number): void {
  if (header === undefined) return
  const tags = header.split(',').map((tag) => tag.trim().replace(/^W\//, ''))
  if (tags.includes('*') || tags.includes(etagOf(version)) || tags.includes(String(version))) return
  throw new HttpError(
    412,
    'invalid_request_error',
    `The resource changed since you read it (it is at version ${version}); read it again and retry.`,
    { code: 'version_mismatch' },
  )
}
