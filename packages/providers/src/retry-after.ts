/** Case-insensitive header lookup: upstream header names arrive in whatever case the client kept. */
export function headerValue(headers: Readonly<Record<string, string>>, name: string): string | undefined {
  const wanted = name.toLowerCase()
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === wanted) return value
  return undefined
}

const DELAY_SECONDS = /^\s*\d+(\.\d+)?\s*$/
/** `Wed, 21 Oct 2015 07:28:00 GMT` (and the obsolete forms, which also name a month). */
const HTTP_DATE = /[A-Za-z]{3}.*\d{2}:\d{2}:\d{2}/

/**
 * How long the provider asked us to wait, in whole milliseconds (rounded up), or null when it did
 * not say. `retry-after-ms` wins over `retry-after`, which is seconds or an HTTP date; a date is
 * measured from the response's own `Date` header when there is one (no clock skew), else from `now`.
 */
export function parseRetryAfterMs(headers: Readonly<Record<string, string>>, now?: () => number): number | null {
  const milliseconds = headerValue(headers, 'retry-after-ms')
  if (milliseconds !== undefined && DELAY_SECONDS.test(milliseconds)) return Math.ceil(Number(milliseconds))
  const retryAfter = headerValue(headers, 'retry-after')
  if (retryAfter === undefined) return null
  if (DELAY_SECONDS.test(retryAfter)) return Math.ceil(Number(retryAfter) * 1000)
  const at = HTTP_DATE.test(retryAfter) ? Date.parse(retryAfter) : Number.NaN
  if (Number.isNaN(at)) return null
  const sentAt = Date.parse(headerValue(headers, 'date') ?? '')
  const from = Number.isNaN(sentAt) ? now?.() : sentAt
  return from === undefined ? null : Math.max(0, Math.ceil(at - from))
}
