import { randomBytes } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'

const LocalSecrets = z.object({
  keyPepper: z.string().min(16),
  keyring: z.string().min(1),
  /** Virtual keys the embedded mode generated for the config's unset key variables. */
  generatedKeys: z.record(z.string(), z.string()).default({}),
  /** The bootstrap token of the admin API (added to data directories made before it existed). */
  adminToken: z.string().min(32).optional(),
})
export type LocalSecrets = z.infer<typeof LocalSecrets>

export interface EmbeddedSecrets {
  readonly keyPepper: string
  readonly keyring: string
  readonly generatedKeys: Readonly<Record<string, string>>
  readonly adminToken: string
  /** Whether the admin token was generated on this start (so it is shown once). */
  readonly isAdminTokenNew: boolean
}

const newAdminToken = () => `sy-admin-${randomBytes(32).toString('base64url')}`

/**
 * The embedded mode's key pepper and envelope keyring: taken from the environment when given,
 * else generated once and kept in the data directory (mode 0600), so keys and encrypted
 * credentials stay valid across restarts.
 */
export function loadOrCreateLocalSecrets(
  dataDir: string,
  fromEnv: { keyPepper: string | undefined; keyring: string | undefined; adminToken: string | undefined },
): EmbeddedSecrets {
  const path = join(dataDir, 'secrets.json')
  let stored: LocalSecrets | undefined
  try {
    stored = LocalSecrets.parse(JSON.parse(readFileSync(path, 'utf8')))
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new Error(`${path} is unreadable or damaged`, { cause: error })
  }
  if (!stored) {
    stored = {
      keyPepper: randomBytes(32).toString('base64'),
      keyring: `local-1:${randomBytes(32).toString('base64')}`,
      generatedKeys: {},
    }
  }
  const isAdminTokenNew = fromEnv.adminToken === undefined && stored.adminToken === undefined
  if (isAdminTokenNew) stored = { ...stored, adminToken: newAdminToken() }
  writeFileSync(path, `${JSON.stringify(stored)}\n`, { mode: 0o600 })
  return {
    keyPepper: fromEnv.keyPepper ?? stored.keyPepper,
    keyring: fromEnv.keyring ?? stored.keyring,
    generatedKeys: stored.generatedKeys,
    adminToken: fromEnv.adminToken ?? stored.adminToken ?? newAdminToken(),
    isAdminTokenNew,
  }
}

/** Remembers generated keys next to the other local secrets (mode 0600). */
export function storeGeneratedKeys(dataDir: string, keys: Readonly<Record<string, string>>): void {
  if (Object.keys(keys).length === 0) return
  const path = join(dataDir, 'secrets.json')
  const stored = LocalSecrets.parse(JSON.parse(readFileSync(path, 'utf8')))
  const updated = { ...stored, generatedKeys: { ...stored.generatedKeys, ...keys } }
  writeFileSync(path, `${JSON.stringify(updated)}\n`, { mode: 0o600 })
}
