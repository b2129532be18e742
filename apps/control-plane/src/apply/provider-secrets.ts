import type { EnvRefUse, ResolvedEnvRefs } from '@switchyard/config'
import { type ConfigProvider, type EnvRef, type ProviderCredentials, ProviderTarget } from '@switchyard/contracts'

/** A provider's secrets, read from the environment, before encryption. */
export interface ProviderSecrets {
  /** Null: no secret to store (none configured, or a variable is unset). */
  readonly credentials: ProviderCredentials | null
  /** References whose variables are unset or empty. */
  readonly missing: readonly EnvRefUse[]
  /** Whether the provider's type can be called without credentials (openai-compatible). */
  readonly isCredentialOptional: boolean
}

/**
 * Reads one config provider's secrets from the resolved env references. `index` is its position
 * in `providers`, which is how the resolver names each reference's path. If any referenced
 * variable is unset, the provider gets no credentials at all rather than half of them.
 */
export function readProviderSecrets(provider: ConfigProvider, index: number, env: ResolvedEnvRefs): ProviderSecrets {
  const missing = env.missing.filter((use) => use.path.startsWith(`providers[${index}].`))
  const read = (ref: EnvRef): string => env.secret(ref)
  const result = (credentials: ProviderCredentials | null, isCredentialOptional = false): ProviderSecrets => ({
    credentials: missing.length > 0 ? null : credentials,
    missing,
    isCredentialOptional,
  })
  if (missing.length > 0) return result(null, provider.type === 'openai-compatible')
  switch (provider.type) {
    case 'openai':
    case 'azure-openai':
    case 'anthropic':
    case 'gemini':
      return result({ type: provider.type, apiKey: read(provider.apiKey) })
    case 'bedrock': {
      const { accessKeyId, secretAccessKey, sessionToken } = provider.credentials
      return result({
        type: 'bedrock',
        accessKeyId: read(accessKeyId),
        secretAccessKey: read(secretAccessKey),
        ...(sessionToken === undefined ? {} : { sessionToken: read(sessionToken) }),
      })
    }
    case 'openai-compatible':
      return result(
        provider.apiKey === undefined ? null : { type: 'openai-compatible', apiKey: read(provider.apiKey) },
        true,
      )
  }
}

/** Fields of a config provider that are not part of its target: its name and secret references. */
const NON_TARGET_FIELDS: ReadonlySet<string> = new Set(['name', 'apiKey', 'credentials'])

/** A config provider's env references as written (`{ apiKey: { env: … } }`); null when it has none. Names only. */
export function credentialRefsOf(provider: ConfigProvider): Record<string, unknown> | null {
  const refs = Object.fromEntries(
    Object.entries(provider).filter(([field, value]) => field !== 'name' && NON_TARGET_FIELDS.has(field) && value),
  )
  return Object.keys(refs).length === 0 ? null : refs
}

/** The non-secret settings of a config provider, as the snapshot carries them. */
export function providerTargetOf(provider: ConfigProvider): ProviderTarget {
  return ProviderTarget.parse(Object.fromEntries(Object.entries(provider).filter(([f]) => !NON_TARGET_FIELDS.has(f))))
}
