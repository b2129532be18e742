import { type ConfigProvider, EncryptedEnvelope, type ProviderCredentials } from '@switchyard/contracts'
import { type Database, providers } from '@switchyard/db'
import { DecryptionError, decryptJson, encryptJson, type Keyring } from '@switchyard/secrets'
import type { ChangeLog } from './change-log.ts'
import { credentialRefsOf, providerTargetOf } from './provider-secrets.ts'
import { isSameStoredValue, newEntityId } from './row-change.ts'
import { changedKeys, type FieldsOf, writeEntry } from './write-entry.ts'

export interface ProviderToApply {
  readonly config: ConfigProvider
  /** Plaintext, from the environment, encrypted here before it reaches a row; `keep`: the stored ones. */
  readonly credentials: ProviderCredentials | null | 'keep'
}

/** Config fields of a changed column; a re-encrypted secret is named by the field it comes from. */
const fieldsOf =
  (type: string): FieldsOf =>
  (column, before, after) => {
    if (column === 'target' || column === 'credentialRefs') return changedKeys(before, after)
    if (column === 'credentials') return [type === 'bedrock' ? 'credentials' : 'apiKey']
    return [column]
  }

/**
 * Upserts providers by name. Credentials are stored only as an envelope bound to the provider
 * id (the context the gateway decrypts with), next to the names of the variables they came from.
 */
export async function applyProviders(
  tx: Database,
  log: ChangeLog,
  entries: readonly ProviderToApply[],
  keyring: Keyring,
): Promise<ReadonlyMap<string, string>> {
  const current = new Map((await tx.select().from(providers)).map((row) => [row.name, row]))
  const ids = new Map<string, string>()
  for (const { config, credentials } of entries) {
    const row = current.get(config.name)
    const id = row?.id ?? newEntityId('prov')
    const { type, ...settings } = providerTargetOf(config)
    await writeEntry(tx, log, {
      table: providers,
      target: {
        section: 'providers',
        name: config.name,
        resourceType: 'provider',
        resourceId: id,
        orgId: null,
        teamId: null,
      },
      current: row,
      values: {
        name: config.name,
        type,
        target: settings,
        credentials:
          credentials === 'keep'
            ? EncryptedEnvelope.nullable().parse(row?.credentials ?? null)
            : sealCredentials(keyring, id, credentials, row?.credentials),
        credentialRefs: credentialRefsOf(config),
      },
      fieldsOf: fieldsOf(type),
    })
    ids.set(config.name, id)
  }
  return ids
}

/**
 * Encrypts credentials for a provider. The stored envelope is kept when it opens to the same
 * credentials under the active key: encryption draws a fresh nonce every time, so re-encrypting
 * would change the row and the snapshot on every apply. A new active key re-encrypts.
 */
function sealCredentials(
  keyring: Keyring,
  providerId: string,
  credentials: ProviderCredentials | null,
  stored: unknown,
): EncryptedEnvelope | null {
  if (credentials === null) return null
  const envelope = EncryptedEnvelope.safeParse(stored)
  if (envelope.success && envelope.data.keyId === keyring.activeKeyId) {
    try {
      if (isSameStoredValue(decryptJson(keyring, envelope.data, providerId), credentials)) return envelope.data
    } catch (error) {
      if (!(error instanceof DecryptionError)) throw error
      // A stored envelope the keyring cannot open is simply replaced.
    }
  }
  return encryptJson(keyring, credentials, providerId)
}
