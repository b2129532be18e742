import { z } from 'zod'

/** The config file's sections in the order an apply writes them (and a diff lists them). */
export const CONFIG_SECTIONS = [
  'orgs',
  'teams',
  'projects',
  'users',
  'jwtIssuers',
  'providers',
  'routes',
  'models',
  'keys',
  'rateLimits',
  'budgets',
] as const
export const ConfigSection = z.enum(CONFIG_SECTIONS)
export type ConfigSection = z.infer<typeof ConfigSection>

/**
 * One entry an apply created, updated or deleted. `name` is the entry's identity in the
 * database: `acme/search` for a team (team names are unique within an org), `acme/search/ranking`
 * for a project, `acme/ci` for a key or JWT issuer, a user's subject, otherwise the name. For an
 * update, `fields` names the config-file fields that changed (`secret` when a key's value or its
 * variable changed); values are never part of a change, so a diff can be shown and logged.
 */
export const ConfigChange = z.strictObject({
  action: z.enum(['create', 'update', 'delete']),
  section: ConfigSection,
  name: z.string().min(1),
  fields: z.array(z.string().min(1)).optional(),
})
export type ConfigChange = z.infer<typeof ConfigChange>

/** Something an apply left out or weakened, at its path in the file. Names variables, never values. */
export const ConfigApplyWarning = z.strictObject({ path: z.string(), message: z.string() })
export type ConfigApplyWarning = z.infer<typeof ConfigApplyWarning>

/**
 * The admin API's answer to `POST /api/config/apply`: what the apply did (or, with `dryRun`,
 * would do), and the snapshot revision published after it (null when nothing was published).
 */
export const ConfigApplyResponse = z.object({
  dryRun: z.boolean(),
  changes: z.array(ConfigChange),
  warnings: z.array(ConfigApplyWarning),
  revision: z.int().positive().nullable(),
})
export type ConfigApplyResponse = z.infer<typeof ConfigApplyResponse>
