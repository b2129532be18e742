import { z } from 'zod'
import type { ProviderType } from './provider-id.ts'
import { whenPresent } from './when-present.ts'

const HttpUrl = z.url({ protocol: /^https?$/, error: whenPresent('must be an http:// or https:// URL') })

/**
 * The non-secret settings that say where and how to reach each provider type. The config file
 * and the snapshot spread the same shapes, so the two can never disagree on a field.
 */
export const providerTargetShapes = {
  openai: {
    baseUrl: HttpUrl.optional().describe('Defaults to https://api.openai.com/v1'),
    organization: z.string().min(1).optional().describe('Sent as OpenAI-Organization'),
    project: z.string().min(1).optional().describe('Sent as OpenAI-Project'),
  },
  'azure-openai': {
    resource: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{1,62}$/, { error: 'must be an Azure resource name (lower-case letters, digits, "-")' })
      .optional()
      .describe('Resource name: https://<resource>.openai.azure.com; give resource or endpoint'),
    endpoint: HttpUrl.optional().describe('Full endpoint URL; give resource or endpoint'),
    apiVersion: z.string().min(1).describe('api-version query parameter, e.g. 2024-10-21'),
  },
  anthropic: {
    baseUrl: HttpUrl.optional().describe('Defaults to https://api.anthropic.com'),
    version: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'must be a date like 2023-06-01' })
      .optional()
      .describe('anthropic-version header, defaults to 2023-06-01'),
  },
  gemini: {
    baseUrl: HttpUrl.optional().describe('Defaults to https://generativelanguage.googleapis.com'),
  },
  bedrock: {
    region: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, { error: (iss) => `unknown AWS region ${JSON.stringify(iss.input)}` })
      .describe('AWS region, e.g. us-east-1'),
    endpoint: HttpUrl.optional().describe(
      'Bedrock runtime endpoint override (VPC or FIPS endpoint); defaults to https://bedrock-runtime.<region>.amazonaws.com',
    ),
  },
  'openai-compatible': {
    baseUrl: HttpUrl.describe('Base URL of the OpenAI-compatible API, ending before /chat/completions'),
  },
} satisfies Record<ProviderType, z.core.$ZodLooseShape>

/** Azure needs exactly one way to find the resource. */
export function checkAzureHost(
  target: { resource?: string | undefined; endpoint?: string | undefined },
  ctx: z.RefinementCtx,
): void {
  if ((target.resource === undefined) === (target.endpoint === undefined)) {
    ctx.addIssue({ code: 'custom', message: 'give exactly one of resource or endpoint', path: [] })
  }
}

const unknownProviderType = (input: unknown): string | undefined => {
  const type = typeof input === 'object' && input !== null && 'type' in input ? input.type : undefined
  if (type === undefined) return 'required'
  return `unknown provider type ${JSON.stringify(type)} (expected one of: openai, azure-openai, anthropic, gemini, bedrock, openai-compatible)`
}

/** The error a provider union gives for a missing or unknown `type`. */
export const providerUnionError = (iss: z.core.$ZodRawIssue): string | undefined =>
  iss.code === 'invalid_union' ? unknownProviderType(iss.input) : undefined

/** Where a snapshot provider lives: the type and its non-secret settings. */
export const ProviderTarget = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ type: z.literal('openai'), ...providerTargetShapes.openai }),
    z
      .strictObject({ type: z.literal('azure-openai'), ...providerTargetShapes['azure-openai'] })
      .superRefine(checkAzureHost),
    z.strictObject({ type: z.literal('anthropic'), ...providerTargetShapes.anthropic }),
    z.strictObject({ type: z.literal('gemini'), ...providerTargetShapes.gemini }),
    z.strictObject({ type: z.literal('bedrock'), ...providerTargetShapes.bedrock }),
    z.strictObject({ type: z.literal('openai-compatible'), ...providerTargetShapes['openai-compatible'] }),
  ],
  { error: providerUnionError },
)
export type ProviderTarget = z.infer<typeof ProviderTarget>
