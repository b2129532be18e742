import type { VendorCatalogInput } from '../catalog-schema.ts'
import { anthropicCatalog } from './anthropic.ts'
import { bedrockCatalog } from './bedrock.ts'
import { deepseekCatalog } from './deepseek.ts'
import { googleCatalog } from './google.ts'
import { groqCatalog } from './groq.ts'
import { mistralCatalog } from './mistral.ts'
import { openaiCatalog } from './openai.ts'

/**
 * The built-in catalog, one data file per vendor. Every price is a public list price in integer
 * micro-USD per million tokens, to be re-checked against `source` and `checkedOn` bumped when
 * someone does: see docs/pricing.md. A deployment's configured `prices` always win over these.
 */
export const BUILTIN_VENDOR_CATALOGS: readonly VendorCatalogInput[] = [
  openaiCatalog,
  anthropicCatalog,
  googleCatalog,
  bedrockCatalog,
  mistralCatalog,
  groqCatalog,
  deepseekCatalog,
]
