import { z } from 'zod'

/**
 * Secrets as they travel in a snapshot: AES-256-GCM ciphertext under a key the control plane and
 * the pods share, named by `keyId` so keys can rotate. All binary fields are base64. The plaintext
 * is JSON (for provider credentials, a `ProviderCredentials`); it never appears in a snapshot.
 */
export const EncryptedEnvelope = z.strictObject({
  alg: z.literal('aes-256-gcm'),
  keyId: z.string().min(1).max(128),
  /** 96-bit nonce, unique per encryption. */
  iv: z.string().regex(/^[A-Za-z0-9+/]{16}$/, { error: 'must be 12 bytes of base64' }),
  ciphertext: z.base64().min(4),
  /** 128-bit GCM authentication tag. */
  tag: z.string().regex(/^[A-Za-z0-9+/]{22}==$/, { error: 'must be 16 bytes of base64' }),
})
export type EncryptedEnvelope = z.infer<typeof EncryptedEnvelope>
