import type { ProviderType } from '@switchyard/contracts'

/**
 * The environment variable an export names for a secret that has no recorded variable (a key or
 * provider made in the admin API): its parts upper-cased, every other character `_`, e.g.
 * `SWITCHYARD_KEY_ACME_SEARCH_CI`. Deterministic, so exports stay identical; such a variable is
 * normally unset, and applying then keeps the key's current value.
 */
export function envVariableFor(...parts: readonly string[]): string {
  const name = parts
    .filter((part) => part.length > 0)
    .join('_')
    .toUpperCase()
    .replace(/[^A-Z0-9_]/g, '_')
  return /^[0-9]/.test(name) ? `_${name}` : name
}

/** Integer micro-USD as the shortest exact dollar string: 12500000 → "12.5", 25000000 → "25". */
export function microUsdToUsd(microUsd: number): string {
  const whole = Math.floor(microUsd / 1_000_000)
  const fraction = String(microUsd % 1_000_000)
    .padStart(6, '0')
    .replace(/0+$/, '')
  return fraction === '' ? String(whole) : `${whole}.${fraction}`
}

/**
 * Env references for a provider's credentials made without a config file (in the admin API):
 * variables named after the provider. An OpenAI-compatible provider has a key only if one is
 * stored.
 */
export function defaultCredentialRefs(type: string, name: string, hasCredentials: boolean): Record<string, unknown> {
  const variable = (suffix: string) => ({ env: envVariableFor(name, suffix) })
  switch (type as ProviderType) {
    case 'bedrock':
      return {
        credentials: { accessKeyId: variable('AWS_ACCESS_KEY_ID'), secretAccessKey: variable('AWS_SECRET_ACCESS_KEY') },
      }
    case 'openai-compatible':
      return hasCredentials ? { apiKey: variable('API_KEY') } : {}
    default:
      return { apiKey: variable('API_KEY') }
  }
}

/** The variable an export names for a key made in the admin API. */
export const keySecretEnvFor = (orgName: string, keyName: string): string =>
  envVariableFor('SWITCHYARD_KEY', orgName, keyName)
