import { randomBytes } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'

const LocalSecrets = z.object({ keyPepper: z.string().min(16), keyring: z.string().min(1) })
export type LocalSecrets = z.infer<typeof LocalSecrets>

/**
 * The embedded mode's key pepper and envelope keyring: taken from the environment when given,
 * else generated once and kept in the data directory (mode 0600), so keys and encrypted
 * credentials stay valid across restarts.
 */
export function loadOrCreateLocalSecrets(
  dataDir: string,
  fromEnv: { keyPepper: string | undefined; keyring: string | undefined },
): LocalSecrets {
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
    }
    writeFileSync(path, `${JSON.stringify(stored)}\n`, { mode: 0o600 })
  }
  return { keyPepper: fromEnv.keyPepper ?? stored.keyPepper, keyring: fromEnv.keyring ?? stored.keyring }
}
