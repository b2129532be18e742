import { z } from 'zod'
import { whenPresent } from './when-present.ts'

/** Integer micro-dollars (1 USD = 1,000,000). Money never travels as a float. */
export const MicroUsd = z.int().nonnegative()
export type MicroUsd = z.infer<typeof MicroUsd>

const DECIMAL_USD = /^(\d{1,16})(?:\.(\d{1,6}))?$/
const AMOUNT_MESSAGE = 'must be a non-negative amount with at most 6 decimal places'

/**
 * Converts a decimal dollar amount to integer micro-USD exactly, without float arithmetic.
 * Returns undefined for negative, malformed, over-precise (more than 6 decimals) or unsafe amounts.
 * A number is read through its shortest decimal form (`12.5` → "12.5"), which is what YAML wrote.
 */
export function parseUsdToMicroUsd(amount: string | number): number | undefined {
  const text = typeof amount === 'number' ? String(amount) : amount
  const match = DECIMAL_USD.exec(text)
  if (match === null) return undefined
  const whole = BigInt(match[1] ?? '0')
  const fraction = BigInt((match[2] ?? '').padEnd(6, '0'))
  const micro = whole * 1_000_000n + fraction
  return micro <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(micro) : undefined
}

/** A dollar amount as people write it (`"12.50"` or `12.5`), parsed to integer micro-USD. */
export const UsdAmount = z
  .union([z.string().regex(DECIMAL_USD, { error: AMOUNT_MESSAGE }), z.number()], { error: whenPresent(AMOUNT_MESSAGE) })
  .transform((amount, ctx) => {
    const micro = parseUsdToMicroUsd(amount)
    if (micro !== undefined) return micro
    ctx.issues.push({ code: 'custom', message: AMOUNT_MESSAGE, input: amount })
    return z.NEVER
  })
  .describe('US dollars as a decimal string ("12.50") or number, at most 6 decimal places')
