import { describe, expect, it } from 'vitest'
import { ConfigError } from './config-error.ts'
import { parseConfigText } from './parse-config-text.ts'

// Every kind of broken config file a person is likely to write, each with the exact problem
// report they get. The messages are the product here: they must say where and what, precisely.
// One long table on purpose: it reads as the catalogue of what `switchyard validate` catches.

type Expected = [path: string, message: string][]

function problemsOf(text: string): Expected {
  try {
    parseConfigText(text, 'test.yaml')
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((issue) => [issue.path, issue.message])
    throw error
  }
  throw new Error('expected the config to be refused')
}

const PROVIDERS = `version: 1
providers:
  - name: openai-prod
    type: openai
    apiKey: { env: OPENAI_API_KEY }
  - name: anthropic-main
    type: anthropic
    apiKey: { env: ANTHROPIC_API_KEY }
`

const MODELS = `${PROVIDERS}models:
  - name: gpt-4o-mini
    deployments:
      - provider: openai-prod
        model: gpt-4o-mini
  - name: claude-sonnet
    deployments:
      - provider: anthropic-main
        model: claude-sonnet-4-5
`

const TENANCY = `${MODELS}orgs:
  - name: acme
teams:
  - name: platform
    org: acme
  - name: research
    org: acme
projects:
  - name: chatbot
    team: platform
keys:
  - name: ci-key
    secret: { env: CI_KEY }
    team: platform
`

const cases: { name: string; yaml: string; problems: Expected }[] = [
  // YAML itself
  {
    name: 'YAML syntax error, with line and column',
    yaml: 'version: 1\nmodels: [gpt-4o\nroutes: []\n',
    problems: [
      [
        'line 3:1',
        'YAML syntax error: flow sequence in block collection must be sufficiently indented and end with a ]',
      ],
    ],
  },
  {
    name: 'duplicate YAML key',
    yaml: 'version: 1\nmodels: []\nmodels: []\n',
    problems: [['line 3:1', 'duplicate key "models"']],
  },
  {
    name: 'duplicate quoted key in a flow mapping',
    yaml: 'version: 1\norgs:\n  - { "name": acme, "name": acme2 }\n',
    problems: [['line 3:21', 'duplicate key "name"']],
  },
  {
    name: 'tab indentation',
    yaml: 'version: 1\norgs:\n\t- name: acme\n',
    problems: [['line 3:1', 'YAML syntax error: tabs are not allowed for indentation; use spaces']],
  },
  {
    name: 'several YAML documents',
    yaml: 'version: 1\n---\nversion: 1\n',
    problems: [['line 2:1', 'YAML syntax error: a config file holds a single YAML document; remove the extra "---"']],
  },
  {
    name: 'control character',
    yaml: 'version: 1\norgs:\n  - name: ac\u0007me\n',
    problems: [['line 3:13', 'control character U+0007 is not allowed']],
  },
  {
    name: 'bytes that were not UTF-8',
    yaml: 'version: 1\norgs:\n  - name: caf\uFFFD\n',
    problems: [['line 3:14', 'invalid UTF-8 (replacement character U+FFFD); save the file as UTF-8']],
  },
  {
    name: 'alias bomb',
    yaml: `version: 1\na: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [${Array(10).fill('*a').join(', ')}]\nc: [${Array(10).fill('*b').join(', ')}]\n`,
    problems: [['(file)', 'YAML aliases expand too much (more than 100); write the values out instead']],
  },
  {
    name: 'empty file',
    yaml: '# nothing here yet\n',
    problems: [['(root)', 'the file is empty; it needs at least "version: 1"']],
  },
  {
    name: 'a list instead of a mapping at the top',
    yaml: '- version: 1\n',
    problems: [['(root)', 'expected a mapping (key: value), got a list']],
  },
  // the file's shape
  {
    name: 'wrong version',
    yaml: 'version: 2\n',
    problems: [['version', 'unsupported version 2 (this Switchyard reads version 1)']],
  },
  {
    name: 'missing version',
    yaml: 'orgs: []\n',
    problems: [['version', 'required']],
  },
  {
    name: 'unknown top-level section, with a suggestion',
    yaml: 'version: 1\nmodles: []\n',
    problems: [['(root)', 'unknown section "modles" (did you mean "models"?)']],
  },
  {
    name: 'unknown field, with a suggestion',
    yaml: `${TENANCY}    alowedModels: [gpt-4o-mini]\n`,
    problems: [['keys[0]', 'unknown field "alowedModels" (did you mean "allowedModels"?)']],
  },
  {
    name: 'unknown field with nothing close',
    yaml: `${PROVIDERS}orgs:\n  - name: acme\n    colour: blue\n`,
    problems: [['orgs[0]', 'unknown field "colour"']],
  },
  {
    name: 'missing required field',
    yaml: `${PROVIDERS}models:\n  - name: gpt-4o-mini\n`,
    problems: [['models[0].deployments', 'required']],
  },
  {
    name: 'empty deployments list',
    yaml: `${PROVIDERS}models:\n  - name: gpt-4o-mini\n    deployments: []\n`,
    problems: [['models[0].deployments', 'must not be empty']],
  },
  {
    name: 'string where a number is expected',
    yaml: `${PROVIDERS}models:\n  - name: m\n    deployments:\n      - { provider: openai-prod, model: gpt-4o, weight: "2" }\n`,
    problems: [['models[0].deployments[0].weight', 'expected a number, got string "2"']],
  },
  {
    name: 'negative weight',
    yaml: `${PROVIDERS}models:\n  - name: m\n    deployments:\n      - { provider: openai-prod, model: gpt-4o, weight: -1 }\n`,
    problems: [['models[0].deployments[0].weight', 'must not be negative, got -1']],
  },
  {
    name: 'fractional weight',
    yaml: `${PROVIDERS}models:\n  - name: m\n    deployments:\n      - { provider: openai-prod, model: gpt-4o, weight: 0.5 }\n`,
    problems: [['models[0].deployments[0].weight', 'expected an integer, got number 0.5']],
  },
  {
    name: 'number where a string is expected',
    yaml: `${TENANCY}    tags: { costCenter: 1234 }\n`,
    problems: [['keys[0].tags.costCenter', 'expected a string, got number 1234 (quote it: "1234")']],
  },
  // providers and secrets
  {
    name: 'unknown provider type',
    yaml: 'version: 1\nproviders:\n  - name: mistral\n    type: mistral\n',
    problems: [
      [
        'providers[0].type',
        'unknown provider type "mistral" (expected one of: openai, azure-openai, anthropic, gemini, bedrock, openai-compatible)',
      ],
    ],
  },
  {
    name: 'inline secret',
    yaml: 'version: 1\nproviders:\n  - name: openai-prod\n    type: openai\n    apiKey: sk-live-123\n',
    problems: [
      ['providers[0].apiKey', 'secrets must be an env reference like { env: OPENAI_API_KEY }, not an inline string'],
    ],
  },
  {
    name: 'bad environment variable name',
    yaml: 'version: 1\nproviders:\n  - name: openai-prod\n    type: openai\n    apiKey: { env: openai-key }\n',
    problems: [
      [
        'providers[0].apiKey.env',
        'invalid environment variable name "openai-key" (use upper-case letters, digits and "_", not starting with a digit)',
      ],
    ],
  },
  {
    name: 'field of another provider type, with a suggestion',
    yaml: 'version: 1\nproviders:\n  - name: openai-prod\n    type: openai\n    apikey: { env: OPENAI_API_KEY }\n',
    problems: [
      ['providers[0].apiKey', 'required'],
      ['providers[0]', 'unknown field "apikey" (did you mean "apiKey"?)'],
    ],
  },
  {
    name: 'openai-compatible without a baseUrl',
    yaml: 'version: 1\nproviders:\n  - name: local\n    type: openai-compatible\n',
    problems: [['providers[0].baseUrl', 'required']],
  },
  {
    name: 'URL that is not http(s)',
    yaml: 'version: 1\nproviders:\n  - name: local\n    type: openai-compatible\n    baseUrl: ftp://example.com\n',
    problems: [['providers[0].baseUrl', 'must be an http:// or https:// URL']],
  },
  {
    name: 'Azure with both resource and endpoint',
    yaml: `version: 1
providers:
  - name: azure
    type: azure-openai
    resource: acme-east
    endpoint: https://acme-east.openai.azure.com
    apiVersion: 2024-10-21
    apiKey: { env: AZURE_OPENAI_API_KEY }
`,
    problems: [['providers[0]', 'give exactly one of resource or endpoint']],
  },
  // references between sections
  {
    name: 'deployment referencing an unknown provider',
    yaml: `${PROVIDERS}models:\n  - name: m\n    deployments:\n      - { provider: opanai, model: gpt-4o }\n`,
    problems: [
      ['models[0].deployments[0].provider', 'unknown provider "opanai" (expected one of: openai-prod, anthropic-main)'],
    ],
  },
  {
    name: 'model referencing an unknown route',
    yaml: `${MODELS}    route: fastest\n`,
    problems: [['models[1].route', 'unknown route "fastest" (no routes are declared)']],
  },
  {
    name: 'fallback to an unknown model',
    yaml: `${MODELS}routes:\n  - name: default\n    fallbacks: [claude-sonet]\n`,
    problems: [
      ['routes[0].fallbacks[0]', 'unknown model "claude-sonet" (expected one of: gpt-4o-mini, claude-sonnet)'],
    ],
  },
  {
    name: 'unknown route strategy',
    yaml: `${MODELS}routes:\n  - name: default\n    strategy: fastest\n`,
    problems: [
      [
        'routes[0].strategy',
        'unknown strategy "fastest" (expected one of: weighted, round-robin, least-in-flight, least-latency, lowest-cost)',
      ],
    ],
  },
  {
    name: 'unknown fallback condition',
    yaml: `${MODELS}routes:\n  - name: default\n    fallbackOn: [429, 4xx]\n`,
    problems: [
      [
        'routes[0].fallbackOn[1]',
        'unknown fallback condition "4xx" (expected one of: 429, 5xx, timeout, connection_error, context_length, content_policy)',
      ],
    ],
  },
  {
    name: 'backoff ceiling below the initial backoff',
    yaml: `${MODELS}routes:\n  - name: default\n    retries: { initialBackoffMs: 500, maxBackoffMs: 100 }\n`,
    problems: [['routes[0].retries.maxBackoffMs', 'maxBackoffMs must be at least initialBackoffMs']],
  },
  {
    name: 'duplicate model name',
    yaml: `${MODELS}  - name: gpt-4o-mini\n    deployments:\n      - { provider: openai-prod, model: gpt-4o-mini }\n`,
    problems: [['models[2].name', 'duplicate model name "gpt-4o-mini" (already used by models[0])']],
  },
  {
    name: 'every deployment drained',
    yaml: `${PROVIDERS}models:\n  - name: m\n    deployments:\n      - { provider: openai-prod, model: gpt-4o, weight: 0 }\n`,
    problems: [['models[0].deployments', 'at least one deployment needs a weight above 0']],
  },
  {
    name: 'team with an unknown org',
    yaml: `${PROVIDERS}orgs:\n  - name: acme\nteams:\n  - name: platform\n    org: acme\n  - name: research\n    org: acme2\n`,
    problems: [['teams[1].org', 'unknown org "acme2" (expected one of: acme)']],
  },
  {
    name: 'project with an unknown team',
    yaml: `${TENANCY}  - name: other\n    secret: { env: OTHER_KEY }\n    team: platform\nbudgets: []\n`.replace(
      'team: platform\nkeys:',
      'team: platfrom\nkeys:',
    ),
    problems: [['projects[0].team', 'unknown team "platfrom" (expected one of: platform, research)']],
  },
  {
    name: 'key with an unknown team',
    yaml: `${TENANCY}  - name: other-key\n    secret: { env: OTHER_KEY }\n    team: sales\n`,
    problems: [['keys[1].team', 'unknown team "sales" (expected one of: platform, research)']],
  },
  {
    name: "key in another team's project",
    yaml: `${TENANCY}  - name: other-key\n    secret: { env: OTHER_KEY }\n    team: research\n    project: chatbot\n`,
    problems: [['keys[1].project', 'project "chatbot" belongs to team "platform", not "research"']],
  },
  {
    name: 'key allowed an unknown model',
    yaml: `${TENANCY}    allowedModels: [gpt-5]\n`,
    problems: [['keys[0].allowedModels[0]', 'unknown model "gpt-5" (expected one of: gpt-4o-mini, claude-sonnet)']],
  },
  {
    name: 'bad expiresAt date',
    yaml: `${TENANCY}    expiresAt: 31/01/2026\n`,
    problems: [['keys[0].expiresAt', 'must be an ISO 8601 date-time like 2026-01-31T00:00:00Z']],
  },
  // budgets and limits
  {
    name: 'invalid time zone',
    yaml: `${TENANCY}budgets:\n  - { name: b, scope: { team: platform }, window: monthly, limitUsd: 10, timeZone: Europe/Pariss }\n`,
    problems: [
      ['budgets[0].timeZone', 'unknown time zone "Europe/Pariss" (use an IANA name like "UTC" or "Europe/Paris")'],
    ],
  },
  {
    name: 'budget without a limit',
    yaml: `${TENANCY}budgets:\n  - { name: b, scope: { team: platform }, window: monthly }\n`,
    problems: [['budgets[0].limitUsd', 'required']],
  },
  {
    name: 'money with 7 decimal places',
    yaml: `${TENANCY}budgets:\n  - { name: b, scope: { team: platform }, window: monthly, limitUsd: "0.1234567" }\n`,
    problems: [['budgets[0].limitUsd', 'must be a non-negative amount with at most 6 decimal places']],
  },
  {
    name: 'negative money',
    yaml: `${TENANCY}budgets:\n  - { name: b, scope: { team: platform }, window: monthly, limitUsd: -5 }\n`,
    problems: [['budgets[0].limitUsd', 'must be a non-negative amount with at most 6 decimal places']],
  },
  {
    name: 'money with a currency sign',
    yaml: `${TENANCY}budgets:\n  - { name: b, scope: { team: platform }, window: monthly, limitUsd: "$5" }\n`,
    problems: [['budgets[0].limitUsd', 'must be a non-negative amount with at most 6 decimal places']],
  },
  {
    name: 'unknown budget window',
    yaml: `${TENANCY}budgets:\n  - { name: b, scope: { team: platform }, window: yearly, limitUsd: 5 }\n`,
    problems: [['budgets[0].window', 'unknown window "yearly" (expected one of: daily, weekly, monthly)']],
  },
  {
    name: 'budget scope naming two things',
    yaml: `${TENANCY}budgets:\n  - { name: b, scope: { team: platform, user: ann }, window: daily, limitUsd: 5 }\n`,
    problems: [['budgets[0].scope', 'must name exactly one of key, team, project, user, tag, like { team: name }']],
  },
  {
    name: 'budget for an unknown team',
    yaml: `${TENANCY}budgets:\n  - { name: b, scope: { team: sales }, window: daily, limitUsd: 5 }\n`,
    problems: [['budgets[0].scope.team', 'unknown team "sales" (expected one of: platform, research)']],
  },
  {
    name: 'downgradeTo an unknown model',
    yaml: `${TENANCY}budgets:\n  - { name: b, scope: { key: ci-key }, window: daily, limitUsd: 5, onExceed: { downgradeTo: gpt-3 } }\n`,
    problems: [
      ['budgets[0].onExceed.downgradeTo', 'unknown model "gpt-3" (expected one of: gpt-4o-mini, claude-sonnet)'],
    ],
  },
  {
    name: 'unknown onExceed action',
    yaml: `${TENANCY}budgets:\n  - { name: b, scope: { key: ci-key }, window: daily, limitUsd: 5, onExceed: block }\n`,
    problems: [['budgets[0].onExceed', 'must be reject or { downgradeTo: <model name> }']],
  },
  {
    name: 'two budgets for the same scope and window',
    yaml: `${TENANCY}budgets:\n  - { name: a, scope: { team: platform }, window: daily, limitUsd: 5 }\n  - { name: b, scope: { team: platform }, window: daily, limitUsd: 9 }\n`,
    problems: [['budgets[1]', 'duplicate daily budget for team platform (already set by budgets[0])']],
  },
  {
    name: 'rate limit with neither rpm nor tpm',
    yaml: `${TENANCY}rateLimits:\n  - { name: r, scope: { key: ci-key } }\n`,
    problems: [['rateLimits[0]', 'set requestsPerMinute, tokensPerMinute or both']],
  },
  {
    name: 'rate limit for an unknown model',
    yaml: `${TENANCY}rateLimits:\n  - { name: r, scope: { model: gpt-5 }, requestsPerMinute: 10 }\n`,
    problems: [['rateLimits[0].scope.model', 'unknown model "gpt-5" (expected one of: gpt-4o-mini, claude-sonnet)']],
  },
  {
    name: 'rate limit of zero',
    yaml: `${TENANCY}rateLimits:\n  - { name: r, scope: { team: platform }, requestsPerMinute: 0 }\n`,
    problems: [['rateLimits[0].requestsPerMinute', 'must be greater than 0, got 0']],
  },
  // Users, JWT issuers, key owners and scopes; owning orgs of budgets and limits
  {
    name: 'a role on an unknown org and an unknown team',
    yaml: `${TENANCY}users:\n  - { subject: ann, roles: [{ orgAdmin: acme2 }, { member: sales }] }\n`,
    problems: [
      ['users[0].roles[0].orgAdmin', 'unknown org "acme2" (expected one of: acme)'],
      ['users[0].roles[1].member', 'unknown team "sales" (expected one of: platform, research)'],
    ],
  },
  {
    name: 'a role written wrong',
    yaml: `${TENANCY}users:\n  - { subject: ann, roles: [{ admin: acme }] }\n`,
    problems: [
      [
        'users[0].roles[0]',
        'must name exactly one role, like { orgAdmin: <org> }, { financeViewer: <org> }, { teamAdmin: <team> } or { member: <team> }',
      ],
    ],
  },
  {
    name: 'the same user twice',
    yaml: `${TENANCY}users:\n  - { subject: ann }\n  - { subject: ann }\n`,
    problems: [['users[1].subject', 'duplicate user subject "ann" (already used by users[0])']],
  },
  {
    name: 'a key owned by an undeclared user, with an unknown scope',
    yaml: `${TENANCY.replace('CI_KEY }\n    team: platform\n', 'CI_KEY }\n    team: platform\n    owner: bob\n    scopes: [chat, images]\n')}users:\n  - { subject: ann }\n`,
    problems: [
      ['keys[0].owner', 'unknown user "bob" (expected one of: ann)'],
      ['keys[0].scopes[1]', 'unknown scopes "images" (expected one of: chat, messages, embeddings, models)'],
    ],
  },
  {
    name: 'a JWT issuer with both a JWKS URL and keys, for an unknown org',
    yaml: `${TENANCY}jwtIssuers:\n  - name: idp\n    org: acme2\n    issuer: https://idp.example\n    audiences: [switchyard]\n    jwksUrl: https://idp.example/jwks\n    keys: [{ kty: RSA, n: abc, e: AQAB }]\n`,
    problems: [
      ['jwtIssuers[0]', 'give exactly one of jwksUrl or keys'],
      ['jwtIssuers[0].org', 'unknown org "acme2" (expected one of: acme)'],
    ],
  },
  {
    name: 'a JWT issuer with a private key',
    yaml: `${TENANCY}jwtIssuers:\n  - { name: idp, org: acme, issuer: x, audiences: [a], keys: [{ kty: RSA, n: abc, e: AQAB, d: secret }] }\n`,
    problems: [['jwtIssuers[0].keys[0]', 'must be a public key (private key members are not allowed)']],
  },
  {
    name: 'two JWT issuers with the same iss',
    yaml: `${TENANCY}jwtIssuers:\n  - { name: a, org: acme, issuer: x, audiences: [a], jwksUrl: "https://x.example/jwks" }\n  - { name: b, org: acme, issuer: x, audiences: [a], jwksUrl: "https://x.example/jwks" }\n`,
    problems: [
      ['jwtIssuers[1].issuer', 'duplicate issuer "x" (already used by jwtIssuers[0]); a token names one issuer'],
    ],
  },
  {
    name: 'a user budget without its org when several orgs are declared',
    yaml: `${TENANCY.replace('orgs:\n  - name: acme\n', 'orgs:\n  - name: acme\n  - name: globex\n')}budgets:\n  - { name: b, scope: { user: ann }, window: daily, limitUsd: 5 }\n`,
    problems: [['budgets[0]', 'a user scope needs org: <name> when several orgs are declared (2 are)']],
  },
  {
    name: 'a team limit naming another org than its team’s',
    yaml: `${TENANCY.replace('orgs:\n  - name: acme\n', 'orgs:\n  - name: acme\n  - name: globex\n')}rateLimits:\n  - { name: r, org: globex, scope: { team: platform }, requestsPerMinute: 5 }\n`,
    problems: [['rateLimits[0].org', 'team platform belongs to org "acme", not "globex"']],
  },
]

describe('parseConfigText refuses a broken file with a precise report', () => {
  it.each(cases)('$name', ({ yaml, problems }) => {
    expect(problemsOf(yaml)).toEqual(problems)
  })

  it('reports every problem of a file at once, in file order, one `path: problem` per line', () => {
    const yaml = `version: 1
providers:
  - name: openai-prod
    type: openai
    apiKey: sk-live-123
models:
  - name: gpt-4o-mini
    deployments:
      - { provider: opanai, model: gpt-4o-mini, weight: -2 }
    route: fastest
orgs:
  - name: acme
teams:
  - { name: platform, org: acme2, alowedModels: [] }
budgets:
  - { name: b, scope: { team: platform }, window: monthly, limitUsd: "1.0000001", timeZone: Mars/Olympus }
`
    let error: unknown
    try {
      parseConfigText(yaml, 'acme.yaml')
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(ConfigError)
    if (!(error instanceof ConfigError)) return
    expect(error.exitCode).toBe(2)
    expect(error.sourceName).toBe('acme.yaml')
    expect(error.message).toBe(
      [
        'acme.yaml is not a valid Switchyard config (8 problems):',
        'providers[0].apiKey: secrets must be an env reference like { env: OPENAI_API_KEY }, not an inline string',
        'models[0].deployments[0].provider: unknown provider "opanai" (expected one of: openai-prod)',
        'models[0].deployments[0].weight: must not be negative, got -2',
        'models[0].route: unknown route "fastest" (no routes are declared)',
        'teams[0].org: unknown org "acme2" (expected one of: acme)',
        'teams[0]: unknown field "alowedModels" (did you mean "allowedModels"?)',
        'budgets[0].limitUsd: must be a non-negative amount with at most 6 decimal places',
        'budgets[0].timeZone: unknown time zone "Mars/Olympus" (use an IANA name like "UTC" or "Europe/Paris")',
      ].join('\n'),
    )
    expect(error.issues.map((issue) => [issue.line, issue.column])).toEqual([
      [5, 13],
      [9, 21],
      [9, 57],
      [10, 12],
      [14, 28],
      [14, 35],
      [16, 70],
      [16, 93],
    ])
  })

  it('covers at least twenty kinds of broken file', () => {
    expect(cases.length).toBeGreaterThanOrEqual(20)
  })
})
