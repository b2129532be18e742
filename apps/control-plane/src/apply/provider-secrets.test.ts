import { resolveEnvRefs } from '@switchyard/config'
import { ConfigFile, type ConfigFileInput } from '@switchyard/contracts'
import { describe, expect, it } from 'vitest'
import { providerTargetOf, readProviderSecrets } from './provider-secrets.ts'

const providers: ConfigFileInput['providers'] = [
  {
    name: 'bedrock-us',
    type: 'bedrock',
    region: 'us-east-1',
    credentials: {
      accessKeyId: { env: 'AWS_ACCESS_KEY_ID' },
      secretAccessKey: { env: 'AWS_SECRET_ACCESS_KEY' },
      sessionToken: { env: 'AWS_SESSION_TOKEN' },
    },
  },
  { name: 'vllm', type: 'openai-compatible', baseUrl: 'http://127.0.0.1:8000/v1', apiKey: { env: 'VLLM_KEY' } },
  { name: 'claude', type: 'anthropic', version: '2023-06-01', apiKey: { env: 'ANTHROPIC_API_KEY' } },
]
const config = ConfigFile.parse({ version: 1, providers })
const [bedrock, vllm, claude] = config.providers
if (!bedrock || !vllm || !claude) throw new Error('fixture')

describe('readProviderSecrets', () => {
  it('reads every secret of a provider into its ProviderCredentials', () => {
    const env = resolveEnvRefs(config, {
      AWS_ACCESS_KEY_ID: 'AKIA1',
      AWS_SECRET_ACCESS_KEY: 'secret1',
      AWS_SESSION_TOKEN: 'token1',
      VLLM_KEY: 'vllm-1',
      ANTHROPIC_API_KEY: 'sk-ant-1',
    })
    expect(readProviderSecrets(bedrock, 0, env)).toEqual({
      credentials: { type: 'bedrock', accessKeyId: 'AKIA1', secretAccessKey: 'secret1', sessionToken: 'token1' },
      missing: [],
      isCredentialOptional: false,
    })
    expect(readProviderSecrets(vllm, 1, env).credentials).toEqual({ type: 'openai-compatible', apiKey: 'vllm-1' })
    expect(readProviderSecrets(claude, 2, env).credentials).toEqual({ type: 'anthropic', apiKey: 'sk-ant-1' })
  })

  it('gives no credentials at all when one variable is unset, and says which, and whether that is fine', () => {
    const env = resolveEnvRefs(config, { AWS_ACCESS_KEY_ID: 'AKIA1', AWS_SECRET_ACCESS_KEY: 'secret1' })
    expect(readProviderSecrets(bedrock, 0, env)).toEqual({
      credentials: null,
      missing: [{ path: 'providers[0].credentials.sessionToken', env: 'AWS_SESSION_TOKEN' }],
      isCredentialOptional: false,
    })
    expect(readProviderSecrets(vllm, 1, env)).toMatchObject({ credentials: null, isCredentialOptional: true })
    expect(readProviderSecrets(claude, 2, env).missing).toEqual([
      { path: 'providers[2].apiKey', env: 'ANTHROPIC_API_KEY' },
    ])
  })
})

describe('providerTargetOf', () => {
  it('keeps the non-secret settings and drops the name and secret references', () => {
    expect(providerTargetOf(bedrock)).toEqual({ type: 'bedrock', region: 'us-east-1' })
    expect(providerTargetOf(vllm)).toEqual({ type: 'openai-compatible', baseUrl: 'http://127.0.0.1:8000/v1' })
    expect(providerTargetOf(claude)).toEqual({ type: 'anthropic', version: '2023-06-01' })
  })
})
