import type { ConfigChange } from '@switchyard/contracts'
import { describe, expect, it } from 'vitest'
import { formatConfigChanges, summariseConfigChanges } from './format-config-changes.ts'

describe('formatConfigChanges', () => {
  const changes: ConfigChange[] = [
    { action: 'create', section: 'teams', name: 'acme/search' },
    { action: 'update', section: 'models', name: 'gpt-4o', fields: ['deployments', 'route'] },
    { action: 'update', section: 'jwtIssuers', name: 'acme/okta', fields: ['claims.team'] },
    { action: 'delete', section: 'keys', name: 'acme/old-ci' },
    { action: 'create', section: 'rateLimits', name: 'bot-rpm' },
  ]

  it('prints one line per change, marked +, ~ or -, with the fields an update changed', () => {
    expect(formatConfigChanges(changes)).toBe(
      [
        '+ team acme/search',
        '~ model gpt-4o: deployments, route',
        '~ jwt-issuer acme/okta: claims.team',
        '- key acme/old-ci',
        '+ rate-limit bot-rpm',
      ].join('\n'),
    )
    expect(formatConfigChanges([])).toBe('')
  })

  it('counts what an apply did or would do', () => {
    expect(summariseConfigChanges(changes, false)).toBe('2 to create, 2 to update, 1 to delete')
    expect(summariseConfigChanges(changes, true)).toBe('2 created, 2 updated, 1 deleted')
  })
})
