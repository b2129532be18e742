import { z } from 'zod'

/** Names an environment variable: upper-case letters, digits and `_`, not starting with a digit. */
export const ENV_VAR_NAME_PATTERN = /^[A-Z_][A-Z0-9_]*$/

export const EnvVarName = z.string().regex(ENV_VAR_NAME_PATTERN, {
  error: (iss) =>
    `invalid environment variable name ${JSON.stringify(iss.input)} (use upper-case letters, digits and "_", not starting with a digit)`,
})

const INLINE_SECRET_MESSAGE = 'secrets must be an env reference like { env: OPENAI_API_KEY }, not an inline string'

/**
 * Where a secret comes from: the name of an environment variable, never the value itself, so a
 * config file can live in git. A plain string is refused with a message that says what to write.
 */
export const EnvRef = z
  .strictObject(
    { env: EnvVarName.describe('Name of the environment variable holding the secret') },
    {
      error: (iss) =>
        iss.code === 'invalid_type' && typeof iss.input === 'string' ? INLINE_SECRET_MESSAGE : undefined,
    },
  )
  .describe('A secret read from the environment: { env: NAME }')
export type EnvRef = z.infer<typeof EnvRef>
