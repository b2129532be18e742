import { z } from 'zod'
import { ConfigJwtIssuer, ConfigUser } from './config-identity.ts'
import { ConfigModel, ConfigRoute } from './config-model.ts'
import { ConfigProvider } from './config-provider.ts'
import { checkConfigReferences } from './config-references.ts'
import { ConfigBudget, ConfigRateLimit } from './config-spend.ts'
import { ConfigKey, ConfigOrg, ConfigProject, ConfigTeam } from './config-tenancy.ts'

export const CONFIG_FILE_VERSION = 1

const section = <T extends z.ZodType>(entry: T, description: string) => z.array(entry).default([]).describe(description)

/**
 * The declarative config file (YAML): providers, models, routes, tenancy, keys, budgets and
 * limits. Unknown fields are errors, so a typo never vanishes silently; names referenced across
 * sections are checked, and every problem is reported at its path in one pass.
 */
export const ConfigFile = z
  .strictObject({
    version: z
      .literal(CONFIG_FILE_VERSION, {
        error: (iss) =>
          iss.input === undefined
            ? 'required'
            : `unsupported version ${JSON.stringify(iss.input)} (this Switchyard reads version ${CONFIG_FILE_VERSION})`,
      })
      .describe('Config file format version'),
    providers: section(ConfigProvider, 'Provider accounts, with env references for their secrets'),
    models: section(ConfigModel, 'Virtual models clients can call, and their deployments'),
    routes: section(ConfigRoute, 'Load-balancing, retry, timeout and fallback policies'),
    orgs: section(ConfigOrg, 'Organisations'),
    teams: section(ConfigTeam, 'Teams, each in an org'),
    projects: section(ConfigProject, 'Projects, each in a team'),
    users: section(ConfigUser, 'Admin users, by their IdP subject, and their roles'),
    jwtIssuers: section(ConfigJwtIssuer, 'Identity providers whose tokens apps may send instead of a key'),
    keys: section(ConfigKey, 'Virtual API keys to seed'),
    budgets: section(ConfigBudget, 'Spend caps per key, team, project, user or tag'),
    rateLimits: section(ConfigRateLimit, 'Request and token rate limits'),
  })
  .superRefine(checkConfigReferences, { when: () => true })
  .describe('Switchyard config file')
export type ConfigFile = z.infer<typeof ConfigFile>
/** The config file as written, before defaults and conversions. */
export type ConfigFileInput = z.input<typeof ConfigFile>
