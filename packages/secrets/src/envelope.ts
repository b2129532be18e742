import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import type { EncryptedEnvelope } from '@switchyard/contracts'
import type { Keyring } from './keyring.ts'

export class DecryptionError extends Error {
  override readonly name = 'DecryptionError'
}

/**
 * Encrypts a JSON value with AES-256-GCM under the active key. `context` (e.g. the provider id)
 * is bound as additional data, so an envelope copied onto another provider fails to open.
 */
export function encryptJson(keyring: Keyring, value: unknown, context: string): EncryptedEnvelope {
  const key = keyring.key(keyring.activeKeyId)
  if (!key) throw new DecryptionError(`active key "${keyring.activeKeyId}" is missing`)
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  cipher.setAAD(Buffer.from(context, 'utf8'))
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()])
  return {
    alg: 'aes-256-gcm',
    keyId: keyring.activeKeyId,
    iv: iv.toString('base64'),
    ciphertext: ciphertext.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
  }
}

/** Opens an envelope; a wrong key, a wrong context or any tampering fails authentication. */
export function decryptJson(keyring: Keyring, envelope: EncryptedEnvelope, context: string): unknown {
  const key = keyring.key(envelope.keyId)
  if (!key) throw new DecryptionError(`no key "${envelope.keyId}" in the keyring`)
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(envelope.iv, 'base64'))
    decipher.setAAD(Buffer.from(context, 'utf8'))
    decipher.setAuthTag(Buffer.from(envelope.tag, 'base64'))
    const plaintext = Buffer.concat([decipher.update(Buffer.from(envelope.ciphertext, 'base64')), decipher.final()])
    return JSON.parse(plaintext.toString('utf8'))
  } catch (cause) {
    throw new DecryptionError(`envelope under key "${envelope.keyId}" did not authenticate`, { cause })
  }
}
