import type { ConfigFile, EnvRef } from '@switchyard/contracts'
import { ConfigError } from './config-error.ts'
import { renderPath } from './render-path.ts'

/** One `{ env: NAME }` reference in a config file. */
export interface EnvRefUse {
  /** Where the reference is, e.g. `providers[0].apiKey`. */
  readonly path: string
  readonly env: string
}

/** The env references of a config file, resolved against an environment. Holds no secret in a field. */
export interface ResolvedEnvRefs {
  /** Every reference, in file order. */
  readonly refs: readonly EnvRefUse[]
  /** References whose variable is unset or empty. */
  readonly missing: readonly EnvRefUse[]
  /** The value of a reference; throws a ConfigError if its variable is unset or empty. */
  secret(ref: EnvRef): string
  /** Throws a ConfigError (exit code 2) naming every missing variable; does nothing if none is. */
  assertComplete(): void
}

function isEnvRef(value: unknown): value is EnvRef {
  if (typeof value !== 'object' || value === null) return false
  const keys = Object.keys(value)
  return keys.length === 1 && keys[0] === 'env' && 'env' in value && typeof value.env === 'string'
}

// Provider entries hold no free-form maps, so every `{ env }` object in them is a secret
// reference. Key tags are free-form (a tag may be called `env`), so keys are read by field.
function collect(value: unknown, path: PropertyKey[], out: EnvRefUse[]): void {
  if (isEnvRef(value)) out.push({ path: renderPath(path), env: value.env })
  else if (Array.isArray(value)) {
    value.forEach((item, i) => {
      collect(item, [...path, i], out)
    })
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) collect(item, [...path, key], out)
  }
}

/** Lists a config's env references in file order. */
export function listEnvRefs(config: ConfigFile): EnvRefUse[] {
  const refs: EnvRefUse[] = []
  collect(config.providers, ['providers'], refs)
  config.keys.forEach((key, i) => {
    refs.push({ path: renderPath(['keys', i, 'secret']), env: key.secret.env })
  })
  return refs
}

/**
 * Resolves a config's env references against `env` (usually `process.env`, read by the caller).
 * Values are copied once into a closure, so later changes to `env` do not leak in, and nothing
 * enumerable on the result holds a secret: logging it shows variable names only.
 */
export function resolveEnvRefs(
  config: ConfigFile,
  env: Readonly<Record<string, string | undefined>>,
  sourceName = 'config',
): ResolvedEnvRefs {
  const refs = listEnvRefs(config)
  const values = new Map<string, string>()
  for (const { env: name } of refs) {
    const value = env[name]
    if (value !== undefined && value !== '') values.set(name, value)
  }
  const missing = refs.filter((ref) => !values.has(ref.env))
  const missingError = (uses: readonly EnvRefUse[]) =>
    new ConfigError(
      sourceName,
      uses.map((use) => ({ path: use.path, message: `environment variable ${use.env} is not set` })),
      { summary: `${sourceName} references environment variables that are not set:` },
    )
  return {
    refs,
    missing,
    secret(ref) {
      const value = values.get(ref.env)
      if (value !== undefined) return value
      const uses = refs.filter((use) => use.env === ref.env)
      if (uses.length > 0) throw missingError(uses)
      const message = `environment variable ${ref.env} is not referenced by the config`
      throw new ConfigError(sourceName, [{ path: '(env)', message }])
    },
    assertComplete() {
      if (missing.length > 0) throw missingError(missing)
    },
  }
}
