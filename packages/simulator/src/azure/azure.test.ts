import { AzureOpenAI } from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningSimulator, startSimulator } from '../server/start-simulator.ts'

let simulator: RunningSimulator
let client: AzureOpenAI

beforeAll(async () => {
  simulator = await startSimulator({ port: 0 })
  client = new AzureOpenAI({
    endpoint: `${simulator.url}/azure`,
    apiKey: 'azure-key',
    apiVersion: '2024-10-21',
    deployment: 'my-gpt-4o',
    maxRetries: 0,
  })
})
afterAll(() => simulator.close())

const messages = [{ role: 'user' as const, content: 'Hello from Azure' }]

describe('Azure OpenAI through the AzureOpenAI client', () => {
  it('answers chat completions for the deployment, with content-filter results', async () => {
    const completion = await client.chat.completions.create({ model: 'ignored', messages })
    expect(completion.model).toBe('my-gpt-4o')
    expect(completion.choices[0]?.message.content).toEqual(expect.any(String))
    const raw = completion as unknown as Record<string, unknown>
    expect(raw.prompt_filter_results).toEqual([
      expect.objectContaining({ prompt_index: 0, content_filter_results: expect.any(Object) }),
    ])
    expect(completion.choices[0]).toHaveProperty('content_filter_results.hate', { filtered: false, severity: 'safe' })
  })

  it('streams: a prompt-filter chunk first, then the same content as without streaming', async () => {
    const whole = await client.chat.completions.create({ model: 'ignored', messages })
    const stream = await client.chat.completions.create({
      model: 'ignored',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    })
    let content = ''
    let usage: unknown
    let isFirst = true
    for await (const chunk of stream) {
      if (isFirst) {
        expect(chunk.choices).toEqual([])
        expect(chunk).toHaveProperty('prompt_filter_results')
        isFirst = false
      }
      content += chunk.choices[0]?.delta.content ?? ''
      if (chunk.usage) usage = chunk.usage
    }
    expect(content).toBe(whole.choices[0]?.message.content)
    expect(usage).toEqual(whole.usage)
  })

  it('answers embeddings', async () => {
    const embeddings = await client.embeddings.create({ model: 'ignored', input: 'hi', encoding_format: 'float' })
    expect(embeddings.data[0]?.embedding).toHaveLength(1536)
  })

  it('needs an api-version (404 as Azure) and an api-key (401)', async () => {
    const path = `${simulator.url}/azure/openai/deployments/my-gpt-4o/chat/completions`
    const body = JSON.stringify({ messages })
    const noVersion = await fetch(path, { method: 'POST', headers: { 'api-key': 'k' }, body })
    expect(noVersion.status).toBe(404)
    expect(await noVersion.json()).toEqual({ error: { code: '404', message: 'Resource not found' } })
    const noKey = await fetch(`${path}?api-version=2024-10-21`, { method: 'POST', body })
    expect(noKey.status).toBe(401)
    expect(await noKey.json()).toEqual({ error: { code: '401', message: expect.stringContaining('Access denied') } })
  })
})
