import { z } from 'zod'

/** The upstream wire protocols Switchyard speaks. A provider in the config file has one of these types. */
export const PROVIDER_TYPES = ['openai', 'azure-openai', 'anthropic', 'gemini', 'bedrock', 'openai-compatible'] as const

export const ProviderType = z.enum(PROVIDER_TYPES)
export type ProviderType = z.infer<typeof ProviderType>
