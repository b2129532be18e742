const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/

/** Renders a zod path the way people read it: `models[2].deployments[0].provider`, `(root)` for none. */
export function renderPath(path: readonly PropertyKey[]): string {
  let rendered = ''
  for (const segment of path) {
    if (typeof segment === 'number') rendered += `[${segment}]`
    else if (typeof segment === 'string' && PLAIN_KEY.test(segment))
      rendered += rendered === '' ? segment : `.${segment}`
    else rendered += `[${JSON.stringify(String(segment))}]`
  }
  return rendered === '' ? '(root)' : rendered
}
