import { createHmac, type KeyObject, randomBytes } from 'node:crypto'

const KEY_PREFIX = 'sk-sy-'

/** A new virtual key: 32 random bytes, base64url, behind a recognisable prefix. */
export function generateApiKey(): string {
  return `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`
}

/** What is stored and shown after creation: the first characters only. */
export function displayPrefix(apiKey: string): string {
  return apiKey.slice(0, KEY_PREFIX.length + 6)
}

/**
 * The keyed hash a key is stored and looked up by (HMAC-SHA256 under a server-side pepper, hex).
 * Without the pepper, a leaked table of hashes cannot be brute-forced offline. Callers that hash
 * often pass the pepper as a `KeyObject` made once: a raw Buffer costs a key object per call.
 */
export function hashApiKey(pepper: Buffer | KeyObject, apiKey: string): string {
  return createHmac('sha256', pepper).update(apiKey, 'utf8').digest('hex')
}
