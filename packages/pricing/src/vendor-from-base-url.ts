/** API hosts of the vendors the built-in catalog prices, for `openai-compatible` providers. */
const VENDOR_BY_HOST: ReadonlyMap<string, string> = new Map([
  ['api.openai.com', 'openai'],
  ['api.anthropic.com', 'anthropic'],
  ['generativelanguage.googleapis.com', 'google'],
  ['api.mistral.ai', 'mistral'],
  ['codestral.mistral.ai', 'mistral'],
  ['api.groq.com', 'groq'],
  ['api.deepseek.com', 'deepseek'],
])

/**
 * The vendor tag for an `openai-compatible` provider's base URL, when it is a vendor's own API
 * host; `undefined` for anything else (a proxy, a self-hosted server), which then has no
 * catalog price and needs `prices` in the config.
 */
export function vendorFromBaseUrl(baseUrl: string): string | undefined {
  let host: string
  try {
    host = new URL(baseUrl).hostname.toLowerCase()
  } catch {
    return undefined
  }
  return VENDOR_BY_HOST.get(host)
}
