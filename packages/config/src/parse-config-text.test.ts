import { describe, expect, it } from 'vitest'
import { parseConfigText } from './parse-config-text.ts'

const FULL = `# Every section, every provider type.
version: 1
providers:
  - name: openai-prod
    type: openai
    organization: org-123
    apiKey: { env: OPENAI_API_KEY }
  - name: azure-east
    type: azure-openai
    resource: acme-east
    apiVersion: "2024-10-21"
    apiKey: { env: AZURE_OPENAI_API_KEY }
  - name: anthropic-main
    type: anthropic
    version: "2023-06-01"
    apiKey: { env: ANTHROPIC_API_KEY }
  - name: gemini
    type: gemini
    apiKey: { env: GEMINI_API_KEY }
  - name: bedrock-us
    type: bedrock
    region: us-east-1
    credentials:
      accessKeyId: { env: AWS_ACCESS_KEY_ID }
      secretAccessKey: { env: AWS_SECRET_ACCESS_KEY }
  - name: local-vllm
    type: openai-compatible
    baseUrl: http://127.0.0.1:8000/v1
models:
  - name: gpt-4o-mini
    route: balanced
    deployments:
      - provider: openai-prod
        model: gpt-4o-mini
        weight: 3
        prices: { inputMicroUsdPerMTok: 150000, outputMicroUsdPerMTok: 600000, cachedInputMicroUsdPerMTok: 75000 }
        limits: { requestsPerMinute: 500 }
      - provider: azure-east
        model: gpt-4o-mini-prod
  - name: claude-sonnet
    route: balanced
    deployments:
      - { provider: anthropic-main, model: claude-sonnet-4-5 }
      - { provider: bedrock-us, model: anthropic.claude-sonnet-4-5-v1:0, weight: 0 }
  - name: gemini-flash
    deployments: [{ provider: gemini, model: gemini-2.5-flash }]
  - name: llama
    deployments: [{ provider: local-vllm, model: meta-llama/Llama-3.1-8B-Instruct }]
routes:
  - name: balanced
    strategy: least-latency
    retries: { maxAttempts: 4 }
    timeouts: { firstByteMs: 20000 }
    fallbackOn: [429, 5xx, context_length]
    fallbacks: [gemini-flash, llama]
orgs:
  - { name: acme, displayName: Acme Corp }
teams:
  - { name: platform, org: acme }
  - { name: research, org: acme, allowedModels: [claude-sonnet, llama] }
projects:
  - { name: chatbot, team: platform }
keys:
  - name: chatbot-prod
    secret: { env: CHATBOT_KEY }
    team: platform
    project: chatbot
    environment: production
    user: svc-chatbot
    allowedModels: [gpt-4o-mini]
    tags: { costCenter: cc-42, env: prod }
    expiresAt: 2027-01-31T00:00:00Z
  - name: research-notebook
    secret: { env: RESEARCH_KEY }
    team: research
budgets:
  - name: platform-monthly
    scope: { team: platform }
    window: monthly
    timeZone: Europe/Paris
    limitUsd: "12.50"
    alertThresholdsPct: [75, 90]
    onExceed: { downgradeTo: llama }
  - { name: research-daily, scope: { tag: { name: costCenter, value: cc-42 } }, window: daily, limitUsd: 0.000001 }
  - { name: ann-weekly, scope: { user: ann@acme.example }, window: weekly, limitUsd: 100 }
rateLimits:
  - { name: chatbot-rpm, scope: { key: chatbot-prod }, requestsPerMinute: 120 }
  - { name: llama-tpm, scope: { model: llama }, tokensPerMinute: 1000000 }
`

describe('parseConfigText accepts valid files', () => {
  it('accepts a minimal file and fills every section with its default', () => {
    expect(parseConfigText('version: 1\n')).toEqual({
      version: 1,
      providers: [],
      models: [],
      routes: [],
      orgs: [],
      teams: [],
      projects: [],
      users: [],
      jwtIssuers: [],
      keys: [],
      budgets: [],
      rateLimits: [],
    })
  })

  it('accepts a file using every section and provider type', () => {
    const config = parseConfigText(FULL, 'full.yaml')
    expect(config.providers.map((provider) => provider.type)).toEqual([
      'openai',
      'azure-openai',
      'anthropic',
      'gemini',
      'bedrock',
      'openai-compatible',
    ])
    expect(config.providers[4]).toEqual({
      name: 'bedrock-us',
      type: 'bedrock',
      region: 'us-east-1',
      credentials: { accessKeyId: { env: 'AWS_ACCESS_KEY_ID' }, secretAccessKey: { env: 'AWS_SECRET_ACCESS_KEY' } },
    })
    expect(config.models[0]?.deployments).toEqual([
      {
        provider: 'openai-prod',
        model: 'gpt-4o-mini',
        weight: 3,
        prices: { inputMicroUsdPerMTok: 150_000, outputMicroUsdPerMTok: 600_000, cachedInputMicroUsdPerMTok: 75_000 },
        limits: { requestsPerMinute: 500 },
      },
      { provider: 'azure-east', model: 'gpt-4o-mini-prod', weight: 1 },
    ])
    expect(config.keys[0]).toEqual({
      name: 'chatbot-prod',
      secret: { env: 'CHATBOT_KEY' },
      team: 'platform',
      project: 'chatbot',
      environment: 'production',
      user: 'svc-chatbot',
      allowedModels: ['gpt-4o-mini'],
      tags: { costCenter: 'cc-42', env: 'prod' },
      expiresAt: '2027-01-31T00:00:00Z',
    })
    expect(config.keys[1]?.tags).toEqual({})
    expect(config.rateLimits[1]).toEqual({
      name: 'llama-tpm',
      scope: { kind: 'model', name: 'llama' },
      tokensPerMinute: 1_000_000,
    })
  })

  it('fills route defaults around what the file sets', () => {
    const [route] = parseConfigText(FULL).routes
    expect(route).toEqual({
      name: 'balanced',
      strategy: 'least-latency',
      retries: { maxAttempts: 4, initialBackoffMs: 200, maxBackoffMs: 2_000 },
      timeouts: { connectMs: 5_000, firstByteMs: 20_000, idleMs: 30_000, totalMs: 600_000 },
      fallbackOn: ['429', '5xx', 'context_length'],
      fallbacks: ['gemini-flash', 'llama'],
    })
    const bare = parseConfigText('version: 1\nroutes:\n  - name: plain\n').routes[0]
    expect(bare?.strategy).toBe('weighted')
    expect(bare?.fallbackOn).toEqual(['429', '5xx', 'timeout', 'connection_error'])
  })

  it('converts budget dollars to integer micro-USD exactly and applies budget defaults', () => {
    const { budgets } = parseConfigText(FULL)
    expect(budgets[0]).toEqual({
      name: 'platform-monthly',
      scope: { kind: 'team', name: 'platform' },
      window: 'monthly',
      timeZone: 'Europe/Paris',
      limitMicroUsd: 12_500_000,
      alertThresholdsPct: [75, 90],
      onExceed: { downgradeTo: 'llama' },
    })
    expect(budgets[1]).toEqual({
      name: 'research-daily',
      scope: { kind: 'tag', name: 'costCenter', value: 'cc-42' },
      window: 'daily',
      timeZone: 'UTC',
      limitMicroUsd: 1,
      alertThresholdsPct: [50, 80, 100],
      onExceed: 'reject',
    })
    expect(budgets[2]?.limitMicroUsd).toBe(100_000_000)
    expect(budgets[2]?.scope).toEqual({ kind: 'user', name: 'ann@acme.example' })
  })

  it('reads a byte-order mark, comments and a few aliases', () => {
    const text = `\uFEFF# comment
version: 1
providers:
  - name: a
    type: openai
    apiKey: &key { env: SHARED_KEY }
  - name: b
    type: openai
    baseUrl: https://proxy.example/v1
    apiKey: *key
`
    const config = parseConfigText(text)
    expect(config.providers.map((provider) => provider.name)).toEqual(['a', 'b'])
  })
})
