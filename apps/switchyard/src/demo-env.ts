import type { EnvRefUse } from '@switchyard/config'
import type { ConfigFile } from '@switchyard/contracts'
import { generateApiKey } from '@switchyard/secrets'

/** What the embedded mode fills in for env references the environment leaves unset. */
export interface DemoEnv {
  /** Extra variables, laid over `process.env` for the config apply only. */
  readonly overlay: Readonly<Record<string, string>>
  /** Keys generated now (shown once in the banner), by variable name. */
  readonly newKeys: Readonly<Record<string, string>>
}

/**
 * Lets the demo run with no setup, under two narrow rules: a provider that points at the
 * built-in simulator gets a placeholder credential (the simulator accepts any), and a key whose
 * variable is unset gets a generated key, kept in the data directory's secrets so it survives
 * restarts. A variable that is set always wins.
 */
export function demoEnv(
  config: ConfigFile,
  refs: readonly EnvRefUse[],
  env: Readonly<Record<string, string | undefined>>,
  simulatorOrigin: string | undefined,
  storedKeys: Readonly<Record<string, string>>,
): DemoEnv {
  const overlay: Record<string, string> = {}
  const newKeys: Record<string, string> = {}
  const isUnset = (name: string) => !env[name]
  config.providers.forEach((provider, index) => {
    const url = 'baseUrl' in provider ? provider.baseUrl : 'endpoint' in provider ? provider.endpoint : undefined
    if (simulatorOrigin === undefined || url === undefined || new URL(url).origin !== simulatorOrigin) return
    for (const ref of refs) {
      if (ref.path.startsWith(`providers[${index}].`) && isUnset(ref.env))
        overlay[ref.env] = 'simulator-accepts-any-key'
    }
  })
  for (const key of config.keys) {
    const name = key.secret.env
    if (!isUnset(name)) continue
    const stored = storedKeys[name]
    if (stored) {
      overlay[name] = stored
    } else {
      const generated = generateApiKey()
      overlay[name] = generated
      newKeys[name] = generated
    }
  }
  return { overlay, newKeys }
}
