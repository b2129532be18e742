import { inspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import { ConfigError } from './config-error.ts'
import { parseConfigText } from './parse-config-text.ts'
import { resolveEnvRefs } from './resolve-env-refs.ts'

const CONFIG = parseConfigText(`version: 1
providers:
  - name: openai-prod
    type: openai
    apiKey: { env: OPENAI_API_KEY }
  - name: bedrock-us
    type: bedrock
    region: us-east-1
    credentials:
      accessKeyId: { env: AWS_ACCESS_KEY_ID }
      secretAccessKey: { env: AWS_SECRET_ACCESS_KEY }
  - name: local
    type: openai-compatible
    baseUrl: http://127.0.0.1:8000/v1
orgs: [{ name: acme }]
teams: [{ name: platform, org: acme }]
keys:
  - name: ci
    secret: { env: CI_KEY }
    team: platform
    tags: { env: NOT_A_SECRET }
`)

describe('resolveEnvRefs', () => {
  it('lists every env reference in file order, and the missing ones', () => {
    const resolved = resolveEnvRefs(CONFIG, { OPENAI_API_KEY: 'sk-1', AWS_ACCESS_KEY_ID: 'AKIA', CI_KEY: '' })
    expect(resolved.refs).toEqual([
      { path: 'providers[0].apiKey', env: 'OPENAI_API_KEY' },
      { path: 'providers[1].credentials.accessKeyId', env: 'AWS_ACCESS_KEY_ID' },
      { path: 'providers[1].credentials.secretAccessKey', env: 'AWS_SECRET_ACCESS_KEY' },
      { path: 'keys[0].secret', env: 'CI_KEY' },
    ])
    expect(resolved.missing).toEqual([
      { path: 'providers[1].credentials.secretAccessKey', env: 'AWS_SECRET_ACCESS_KEY' },
      { path: 'keys[0].secret', env: 'CI_KEY' },
    ])
  })

  it('reads secrets as they were when resolved, and never shows them when logged', () => {
    const env: Record<string, string | undefined> = { OPENAI_API_KEY: 'sk-secret-value' }
    const resolved = resolveEnvRefs(CONFIG, env)
    env.OPENAI_API_KEY = 'changed later'
    expect(resolved.secret({ env: 'OPENAI_API_KEY' })).toBe('sk-secret-value')
    expect(JSON.stringify(resolved)).not.toContain('sk-secret-value')
    expect(inspect(resolved, { depth: 10 })).not.toContain('sk-secret-value')
  })

  it('throws a ConfigError naming every missing variable', () => {
    const resolved = resolveEnvRefs(CONFIG, { OPENAI_API_KEY: 'sk-1' }, 'prod.yaml')
    expect(() => resolved.assertComplete()).toThrow(ConfigError)
    expect(() => resolved.assertComplete()).toThrow(
      [
        'prod.yaml references environment variables that are not set:',
        'providers[1].credentials.accessKeyId: environment variable AWS_ACCESS_KEY_ID is not set',
        'providers[1].credentials.secretAccessKey: environment variable AWS_SECRET_ACCESS_KEY is not set',
        'keys[0].secret: environment variable CI_KEY is not set',
      ].join('\n'),
    )
    expect(() => resolved.secret({ env: 'CI_KEY' })).toThrow('keys[0].secret: environment variable CI_KEY is not set')
    expect(() => resolved.secret({ env: 'OTHER' })).toThrow(
      '(env): environment variable OTHER is not referenced by the config',
    )
  })

  it('is complete when every variable is set', () => {
    const resolved = resolveEnvRefs(CONFIG, {
      OPENAI_API_KEY: 'sk-1',
      AWS_ACCESS_KEY_ID: 'AKIA',
      AWS_SECRET_ACCESS_KEY: 'secret',
      CI_KEY: 'sy-ci',
    })
    expect(resolved.missing).toEqual([])
    expect(() => resolved.assertComplete()).not.toThrow()
  })
})
