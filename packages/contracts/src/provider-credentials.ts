import { z } from 'zod'
import { EnvRef } from './env-ref.ts'
import type { ProviderType } from './provider-id.ts'

const AwsCredentialRefs = z.strictObject({
  accessKeyId: EnvRef,
  secretAccessKey: EnvRef,
  sessionToken: EnvRef.optional(),
})

/** Where the config file takes each provider type's secrets from: env references only. */
export const providerCredentialRefShapes = {
  openai: { apiKey: EnvRef.describe('API key, from the environment') },
  'azure-openai': { apiKey: EnvRef.describe('api-key, from the environment') },
  anthropic: { apiKey: EnvRef.describe('x-api-key, from the environment') },
  gemini: { apiKey: EnvRef.describe('API key, from the environment') },
  bedrock: { credentials: AwsCredentialRefs.describe('AWS access key pair, from the environment') },
  'openai-compatible': {
    apiKey: EnvRef.optional().describe('Bearer token, from the environment, if the API needs one'),
  },
} satisfies Record<ProviderType, z.core.$ZodLooseShape>

const Secret = z.string().min(1)

/**
 * A provider's secrets in plaintext: what a snapshot's encrypted credentials envelope decrypts to
 * (as JSON). Only ever held in a pod's memory.
 */
export const ProviderCredentials = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('openai'), apiKey: Secret }),
  z.strictObject({ type: z.literal('azure-openai'), apiKey: Secret }),
  z.strictObject({ type: z.literal('anthropic'), apiKey: Secret }),
  z.strictObject({ type: z.literal('gemini'), apiKey: Secret }),
  z.strictObject({
    type: z.literal('bedrock'),
    accessKeyId: Secret,
    secretAccessKey: Secret,
    sessionToken: Secret.optional(),
  }),
  z.strictObject({ type: z.literal('openai-compatible'), apiKey: Secret.optional() }),
])
export type ProviderCredentials = z.infer<typeof ProviderCredentials>
