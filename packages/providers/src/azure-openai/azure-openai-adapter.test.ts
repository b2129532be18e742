import { describe, expect, it } from 'vitest'
import { loadAdapterFixtures, runAdapterContract } from '../adapter-contract.ts'
import { azureOpenAIAdapter } from './azure-openai-adapter.ts'

runAdapterContract('azure-openai', azureOpenAIAdapter, loadAdapterFixtures(new URL('./fixtures/', import.meta.url)))

describe('azure-openai adapter', () => {
  it('sends embeddings to the deployment, without a model in the body', () => {
    const built = azureOpenAIAdapter.buildEmbeddingsRequest?.(
      { model: 'embed', input: 'hello' },
      {
        target: { type: 'azure-openai', resource: 'contoso', apiVersion: '2024-10-21' },
        upstreamModel: 'embed-small',
        requestId: 'r',
      },
    )
    expect(built?.url).toBe(
      'https://contoso.openai.azure.com/openai/deployments/embed-small/embeddings?api-version=2024-10-21',
    )
    expect(JSON.parse(String(built?.body))).toEqual({ input: 'hello' })
  })
})
