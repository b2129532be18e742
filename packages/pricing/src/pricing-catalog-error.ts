import type { CatalogPath } from './check-catalog.ts'

/** The whole catalog was refused; `problems` names each bad vendor, model and period. */
export class PricingCatalogError extends Error {
  override readonly name = 'PricingCatalogError'
  readonly problems: readonly string[]

  constructor(problems: readonly string[]) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`
    super(`Pricing catalog refused (${count}):\n${problems.map((problem) => `- ${problem}`).join('\n')}`)
    this.problems = problems
  }
}

function field(node: unknown, key: string | number): unknown {
  if (typeof node !== 'object' || node === null) return undefined
  return (node as Record<string | number, unknown>)[key]
}

function quoted(value: unknown): string | undefined {
  return typeof value === 'string' ? JSON.stringify(value) : undefined
}

function elementLabel(container: string | number | undefined, index: number, element: unknown): string {
  switch (container) {
    case undefined:
      return `vendor ${quoted(field(element, 'vendor')) ?? `#${index}`}`
    case 'models':
      return `model ${quoted(field(element, 'id')) ?? `#${index}`}`
    case 'periods': {
      const from = field(element, 'effectiveFrom')
      return typeof from === 'string' ? `period from ${from}` : `period #${index}`
    }
    default:
      return `${String(container)}[${index}]`
  }
}

/**
 * Names a place in the raw catalog the way a person editing it looks for it:
 * `vendor "openai" > model "gpt-4o" > period from 2024-10-02 > inputMicroUsdPerMTok`.
 */
export function describeCatalogPath(input: unknown, path: CatalogPath): string {
  const parts: string[] = []
  let node = input
  let container: string | number | undefined
  for (const key of path) {
    const child = field(node, key)
    if (typeof key === 'number') {
      // An array element replaces the array's own name: "model ..." rather than "models > model ...".
      if (typeof container === 'string' && parts.at(-1) === container) parts.pop()
      parts.push(elementLabel(container, key, child))
    } else {
      parts.push(key)
    }
    container = key
    node = child
  }
  return parts.length === 0 ? 'catalog' : parts.join(' > ')
}
