import { z } from 'zod'

/** True for IANA zone names (`Europe/Paris`, `UTC`); false for offsets like `+02:00` and for typos. */
export function isIanaTimeZone(name: string): boolean {
  if (!/^[A-Za-z]/.test(name)) return false
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name })
    return true
  } catch {
    return false
  }
}

export const TimeZone = z
  .string()
  .refine(isIanaTimeZone, {
    error: (iss) => `unknown time zone ${JSON.stringify(iss.input)} (use an IANA name like "UTC" or "Europe/Paris")`,
  })
  .describe('IANA time zone name')
export type TimeZone = z.infer<typeof TimeZone>
