import type { ConfigChange, ConfigSection } from '@switchyard/contracts'

/** How a diff line names an entry of each section. */
const KIND: Readonly<Record<ConfigSection, string>> = {
  orgs: 'org',
  teams: 'team',
  projects: 'project',
  users: 'user',
  jwtIssuers: 'jwt-issuer',
  providers: 'provider',
  routes: 'route',
  models: 'model',
  keys: 'key',
  rateLimits: 'rate-limit',
  budgets: 'budget',
}

const MARK = { create: '+', update: '~', delete: '-' } as const

/** One change as a line: `+ team acme/search`, `~ model gpt-4o: deployments, route`, `- key acme/old-ci`. */
export function formatConfigChange(change: ConfigChange): string {
  const line = `${MARK[change.action]} ${KIND[change.section]} ${change.name}`
  return change.action === 'update' && change.fields && change.fields.length > 0
    ? `${line}: ${change.fields.join(', ')}`
    : line
}

/** A diff, one change per line in the order given; an empty string when nothing changed. */
export function formatConfigChanges(changes: readonly ConfigChange[]): string {
  return changes.map(formatConfigChange).join('\n')
}

/** `2 to create, 1 to update, 0 to delete`, or with `isDone` `2 created, 1 updated, 0 deleted`. */
export function summariseConfigChanges(changes: readonly ConfigChange[], isDone: boolean): string {
  const count = (action: ConfigChange['action']) => changes.filter((change) => change.action === action).length
  const [create, update, remove] = [count('create'), count('update'), count('delete')]
  return isDone
    ? `${create} created, ${update} updated, ${remove} deleted`
    : `${create} to create, ${update} to update, ${remove} to delete`
}
