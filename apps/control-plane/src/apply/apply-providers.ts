import { type ConfigProvider, EncryptedEnvelope, type ProviderCredentials } from '@switchyard/contracts'
import { type Database, providers } from '@switchyard/db'
import { DecryptionError, decryptJson, encryptJson, type Keyring } from '@switchyard/secrets'
import { eq, sql } from 'drizzle-orm'
import { providerTargetOf } from './provider-secrets.ts'
import {
  changeOf,
  countChanges,
  isSameStoredValue,
  newEntityId,
  type RowChange,
  type SectionChanges,
} from './row-change.ts'

export interface ProviderToApply {
  readonly config: ConfigProvider
  /** Plaintext, from the environment; encrypted here before it reaches a row. */
  readonly credentials: ProviderCredentials | null
}

/**
 * Upserts providers by name. Credentials are stored only as an envelope bound to the provider
 * id (the context the gateway decrypts with).
 */
export async function applyProviders(
  tx: Database,
  entries: readonly ProviderToApply[],
  keyring: Keyring,
): Promise<{ ids: ReadonlyMap<string, string>; changes: SectionChanges }> {
  const current = new Map((await tx.select().from(providers)).map((row) => [row.name, row]))
  const ids = new Map<string, string>()
  const changes: RowChange[] = []
  for (const { config, credentials } of entries) {
    const row = current.get(config.name)
    const id = row?.id ?? newEntityId('prov')
    const { type, ...settings } = providerTargetOf(config)
    const values = {
      name: config.name,
      type,
      target: settings,
      credentials: sealCredentials(keyring, id, credentials, row?.credentials),
    }
    const change = changeOf(row, values)
    if (change === 'created') await tx.insert(providers).values({ id, ...values })
    if (change === 'updated')
      await tx
        .update(providers)
        .set({ ...values, updatedAt: sql`now()` })
        .where(eq(providers.id, id))
    ids.set(config.name, id)
    changes.push(change)
  }
  return { ids, changes: countChanges(changes) }
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
