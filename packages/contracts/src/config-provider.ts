import { z } from 'zod'
import { EntityName } from './entity-name.ts'
import { providerCredentialRefShapes } from './provider-credentials.ts'
import { checkAzureHost, providerTargetShapes, providerUnionError } from './provider-target.ts'

const name = EntityName.describe('Name other entries use to reference this provider')

/** A provider account in the config file: its type, where to reach it, and env references for its secrets. */
export const ConfigProvider = z.discriminatedUnion(
  'type',
  [
    z.strictObject({
      name,
      type: z.literal('openai'),
      ...providerTargetShapes.openai,
      ...providerCredentialRefShapes.openai,
    }),
    z
      .strictObject({
        name,
        type: z.literal('azure-openai'),
        ...providerTargetShapes['azure-openai'],
        ...providerCredentialRefShapes['azure-openai'],
      })
      .superRefine(checkAzureHost),
    z.strictObject({
      name,
      type: z.literal('anthropic'),
      ...providerTargetShapes.anthropic,
      ...providerCredentialRefShapes.anthropic,
    }),
    z.strictObject({
      name,
      type: z.literal('gemini'),
      ...providerTargetShapes.gemini,
      ...providerCredentialRefShapes.gemini,
    }),
    z.strictObject({
      name,
      type: z.literal('bedrock'),
      ...providerTargetShapes.bedrock,
      ...providerCredentialRefShapes.bedrock,
    }),
    z.strictObject({
      name,
      type: z.literal('openai-compatible'),
      ...providerTargetShapes['openai-compatible'],
      ...providerCredentialRefShapes['openai-compatible'],
    }),
  ],
  { error: providerUnionError },
)
export type ConfigProvider = z.infer<typeof ConfigProvider>
