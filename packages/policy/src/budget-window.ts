import type { BudgetWindow } from '@switchyard/contracts'

const formatters = new Map<string, Intl.DateTimeFormat>()

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone)
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
    formatters.set(timeZone, formatter)
  }
  return formatter
}

/** The wall-clock time in `timeZone` at `instantMs`, written as if it were UTC (ms since the epoch). */
function wallClockMs(instantMs: number, timeZone: string): number {
  const parts = Object.fromEntries(
    formatterFor(timeZone)
      .formatToParts(new Date(instantMs))
      .filter((part) => part.type !== 'literal')
      .map((part) => [part.type, Number(part.value)]),
  )
  const { year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = parts
  return Date.UTC(year, month - 1, day, hour, minute, second)
}

const DAY_MS = 86_400_000

/**
 * The first instant of the local calendar day `localMidnightMs` (a wall-clock date at 00:00,
 * written as if UTC) in `timeZone`. Usually local midnight; where a DST change skips midnight
 * (America/Santiago, America/Havana…) the day starts when the clock jumps, and where midnight
 * happens twice, at the first. Candidates use the offsets in force a day before and a day after.
 */
function startOfLocalDay(localMidnightMs: number, timeZone: string): number {
  const offsets = [localMidnightMs - DAY_MS, localMidnightMs + DAY_MS].map(
    (probe) => wallClockMs(probe, timeZone) - probe,
  )
  const candidates = offsets
    .map((offset) => localMidnightMs - offset)
    .filter((instant) => Math.floor(wallClockMs(instant, timeZone) / DAY_MS) === localMidnightMs / DAY_MS)
  // Both offsets missing the day means the gap swallowed midnight: the clock lands past it at the
  // instant the later offset begins, which the earlier offset's candidate points at.
  return candidates.length > 0 ? Math.min(...candidates) : localMidnightMs - Math.min(...offsets)
}

/**
 * When the current budget window began at `now`, in the budget's time zone: the start of the
 * local day, of the local week (weeks start on Monday) or of the local month.
 */
export function budgetWindowStart(window: BudgetWindow, timeZone: string, now: Date): Date {
  const wall = new Date(wallClockMs(now.getTime(), timeZone))
  const [year, month, day] = [wall.getUTCFullYear(), wall.getUTCMonth(), wall.getUTCDate()]
  let localMidnight = Date.UTC(year, month, day)
  if (window === 'monthly') localMidnight = Date.UTC(year, month, 1)
  if (window === 'weekly') localMidnight -= ((wall.getUTCDay() + 6) % 7) * DAY_MS
  return new Date(startOfLocalDay(localMidnight, timeZone))
}
