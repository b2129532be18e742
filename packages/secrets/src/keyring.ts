export class KeyringError extends Error {
  override readonly name = 'KeyringError'
}

/**
 * The envelope keys the control plane and the pods share. The first key encrypts; every key
 * decrypts, so a key can be rotated by adding the new one first and dropping the old one once
 * nothing is encrypted under it.
 */
export interface Keyring {
  readonly activeKeyId: string
  key(keyId: string): Buffer | undefined
}

/**
 * Parses `id1:base64key1,id2:base64key2` (each key 32 bytes, e.g. `openssl rand -base64 32`).
 * Error messages name the key id, never the key.
 */
export function parseKeyring(text: string): Keyring {
  const keys = new Map<string, Buffer>()
  let activeKeyId: string | undefined
  for (const entry of text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0)) {
    const colon = entry.indexOf(':')
    const keyId = colon === -1 ? '' : entry.slice(0, colon)
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(keyId)) throw new KeyringError('each key must be written id:base64key')
    const key = Buffer.from(entry.slice(colon + 1), 'base64')
    if (key.byteLength !== 32) throw new KeyringError(`key "${keyId}" must be 32 bytes of base64`)
    if (keys.has(keyId)) throw new KeyringError(`key "${keyId}" is given twice`)
    keys.set(keyId, key)
    activeKeyId ??= keyId
  }
  if (activeKeyId === undefined) throw new KeyringError('no key given')
  return { activeKeyId, key: (keyId) => keys.get(keyId) }
}
