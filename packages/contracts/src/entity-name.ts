import { z } from 'zod'

/** Name of a provider, route, org, team, project, key, budget or rate limit; other entries reference it. */
export const EntityName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, {
  error: (iss) =>
    `invalid name ${JSON.stringify(iss.input)} (use 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit)`,
})
export type EntityName = z.infer<typeof EntityName>

/** A virtual model name, as clients send it in `model`: `gpt-4o-mini`, `openai/gpt-4o`, `claude-sonnet:latest`. */
export const ModelName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,127}$/, {
  error: (iss) =>
    `invalid model name ${JSON.stringify(iss.input)} (use 1-128 letters, digits, ".", "_", "-", ":", "/" or "@", starting with a letter or digit)`,
})
export type ModelName = z.infer<typeof ModelName>
