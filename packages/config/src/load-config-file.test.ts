import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConfigError } from './config-error.ts'
import { loadConfigFile } from './load-config-file.ts'

const DEMO = fileURLToPath(new URL('../../../apps/switchyard/config/demo.yaml', import.meta.url))

async function refusal(path: string): Promise<ConfigError> {
  const error = await loadConfigFile(path).then(
    () => undefined,
    (caught: unknown) => caught,
  )
  if (error instanceof ConfigError) return error
  throw new Error(`expected a ConfigError, got ${String(error)}`)
}

describe('loadConfigFile', () => {
  let dir = ''
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchyard-config-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('loads the demo config the embedded mode starts with', async () => {
    const config = await loadConfigFile(DEMO)
    expect(config.providers).toEqual([
      {
        name: 'simulator-openai',
        type: 'openai-compatible',
        baseUrl: 'http://127.0.0.1:4010/openai/v1',
        apiKey: { env: 'SIMULATOR_OPENAI_API_KEY' },
      },
      {
        name: 'simulator-anthropic',
        type: 'anthropic',
        baseUrl: 'http://127.0.0.1:4010/anthropic',
        apiKey: { env: 'SIMULATOR_ANTHROPIC_API_KEY' },
      },
    ])
    expect(config.models.map((model) => [model.name, model.deployments.map((d) => d.weight)])).toEqual([
      ['gpt-4o-mini', [3, 1]],
      ['claude-sonnet', [1]],
      ['claude-haiku', [1]],
    ])
    expect(config.routes[0]?.fallbacks).toEqual(['claude-haiku'])
    expect(config.orgs.map((org) => org.name)).toEqual(['demo'])
    expect(config.teams.map((team) => team.name)).toEqual(['platform', 'research'])
    expect(config.keys[0]?.secret).toEqual({ env: 'SWITCHYARD_DEMO_KEY' })
    expect(config.budgets[0]).toMatchObject({ window: 'monthly', limitMicroUsd: 25_000_000 })
    expect(config.rateLimits[0]).toMatchObject({ scope: { kind: 'key', name: 'demo-key' }, requestsPerMinute: 60 })
  })

  it('names the file when it is missing', async () => {
    const path = join(dir, 'nope.yaml')
    const error = await refusal(path)
    expect(error.exitCode).toBe(2)
    expect(error.message).toBe(`Cannot read config file ${path}:\n(file): cannot read the file: no such file`)
  })

  it('refuses a directory', async () => {
    const error = await refusal(dir)
    expect(error.issues).toEqual([{ path: '(file)', message: 'cannot read the file: is a directory, not a file' }])
  })

  it('refuses bytes that are not UTF-8', async () => {
    const path = join(dir, 'latin1.yaml')
    await writeFile(path, Buffer.from([...Buffer.from('version: 1\norgs:\n  - name: caf'), 0xe9, 0x0a]))
    const error = await refusal(path)
    expect(error.issues).toEqual([{ path: '(file)', message: 'the file is not valid UTF-8; save it as UTF-8' }])
  })

  it('reports problems with the path as the source name', async () => {
    const path = join(dir, 'bad.yaml')
    await writeFile(path, 'version: 1\norgs:\n  - name: acme\n    colour: blue\n')
    const error = await refusal(path)
    expect(error.sourceName).toBe(path)
    expect(error.message).toBe(`${path} is not a valid Switchyard config (1 problem):\norgs[0]: unknown field "colour"`)
    expect(error.issues).toEqual([{ path: 'orgs[0]', message: 'unknown field "colour"', line: 4, column: 5 }])
  })
})
