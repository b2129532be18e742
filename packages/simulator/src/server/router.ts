import type { Endpoint, ErrorDialect, ProviderFamily, Route } from './endpoint.ts'

export type RouteMatch =
  | { readonly kind: 'endpoint'; readonly endpoint: Endpoint; readonly params: readonly string[] }
  /** Under a provider's prefix but no route: that provider's 404. */
  | { readonly kind: 'unknown'; readonly dialect: ErrorDialect | undefined }

export interface Router {
  match(method: string, rawPath: string): RouteMatch
}

/** Exact paths are a map lookup (the benchmark's hot path); patterns are tried in order after. */
export function createRouter(families: readonly ProviderFamily[]): Router {
  const exact = new Map<string, Route[]>()
  const patterns: { readonly route: Route; readonly pattern: RegExp }[] = []
  for (const family of families) {
    for (const route of family.routes) {
      if (typeof route.path === 'string') exact.set(route.path, [...(exact.get(route.path) ?? []), route])
      else patterns.push({ route, pattern: route.path })
    }
  }
  const noParams: readonly string[] = []
  return {
    match(method, rawPath) {
      const candidates = exact.get(rawPath)
      if (candidates !== undefined) {
        for (const route of candidates) {
          if (route.method === method) return { kind: 'endpoint', endpoint: route.endpoint, params: noParams }
        }
      }
      for (const { route, pattern } of patterns) {
        if (route.method !== method) continue
        const found = pattern.exec(rawPath)
        if (found === null) continue
        const params = decodeParams(found)
        if (params !== undefined) return { kind: 'endpoint', endpoint: route.endpoint, params }
      }
      const family = families.find((candidate) => rawPath.startsWith(candidate.prefix))
      return { kind: 'unknown', dialect: family?.dialect }
    },
  }
}

function decodeParams(found: RegExpExecArray): string[] | undefined {
  const params: string[] = []
  for (let index = 1; index < found.length; index += 1) {
    const param = decodePathSegment(found[index] ?? '')
    if (param === undefined) return undefined
    params.push(param)
  }
  return params
}

/** A percent-decoded path segment, or undefined when the encoding is broken. */
export function decodePathSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment)
  } catch {
    return undefined
  }
}
