import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningSimulator, startSimulator } from './start-simulator.ts'

let simulator: RunningSimulator
beforeAll(async () => {
  simulator = await startSimulator({ port: 0, maxBodyBytes: 4096 })
})
afterAll(() => simulator.close())

const routes = {
  openai: { path: '/openai/v1/chat/completions', headers: { authorization: 'Bearer k' } },
  azure: { path: '/azure/openai/deployments/d/chat/completions?api-version=1', headers: { 'api-key': 'k' } },
  anthropic: { path: '/anthropic/v1/messages', headers: { 'x-api-key': 'k', 'anthropic-version': '2023-06-01' } },
  gemini: { path: '/gemini/v1beta/models/g:generateContent', headers: { 'x-goog-api-key': 'k' } },
}

async function post(route: keyof typeof routes, body: string) {
  const { path, headers } = routes[route]
  return await fetch(`${simulator.url}${path}`, { method: 'POST', headers, body })
}

describe('robustness', () => {
  it('answers bad JSON with 400 in each provider’s shape', async () => {
    expect(await (await post('openai', '{nope')).json()).toMatchObject({ error: { type: 'invalid_request_error' } })
    expect(await (await post('azure', '{nope')).json()).toMatchObject({ error: { type: 'invalid_request_error' } })
    expect(await (await post('anthropic', '{nope')).json()).toMatchObject({
      type: 'error',
      error: { type: 'invalid_request_error' },
    })
    expect(await (await post('gemini', '{nope')).json()).toMatchObject({
      error: { code: 400, status: 'INVALID_ARGUMENT' },
    })
    for (const route of Object.keys(routes) as (keyof typeof routes)[]) {
      expect((await post(route, '[1,2]')).status, route).toBe(400)
      expect((await post(route, '')).status, route).toBe(400)
    }
  })

  it('answers unknown routes with 404, in the provider’s shape under its prefix', async () => {
    const unknown = await fetch(`${simulator.url}/nowhere`)
    expect(unknown.status).toBe(404)
    const openai = await fetch(`${simulator.url}/openai/v1/completions`, {
      method: 'POST',
      headers: routes.openai.headers,
    })
    expect([openai.status, await openai.json()]).toEqual([
      404,
      {
        error: {
          message: 'Invalid URL (POST /openai/v1/completions)',
          type: 'invalid_request_error',
          param: null,
          code: null,
        },
      },
    ])
    const wrongMethod = await fetch(`${simulator.url}/anthropic/v1/messages`)
    expect(wrongMethod.status).toBe(404)
    const brokenEncoding = await fetch(`${simulator.url}/bedrock/model/%E0%A4%A/converse`, {
      method: 'POST',
      body: '{}',
    })
    expect(brokenEncoding.status).toBe(404)
    expect(brokenEncoding.headers.get('x-amzn-errortype')).toBe('ResourceNotFoundException')
  })

  it('refuses bodies over the cap with 413, declared or streamed', async () => {
    const big = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'x'.repeat(5000) }] })
    const declared = await post('openai', big)
    expect(declared.status).toBe(413)
    expect(await declared.json()).toMatchObject({ error: { code: 'request_too_large' } })
    const streamed = await new Promise<number>((resolve, reject) => {
      const sent = request(`${simulator.url}${routes.anthropic.path}`, {
        method: 'POST',
        headers: routes.anthropic.headers,
      })
      sent.on('response', (response) => {
        response.resume()
        resolve(response.statusCode ?? 0)
      })
      sent.on('error', reject)
      for (let chunk = 0; chunk < 5; chunk += 1) sent.write('x'.repeat(1000))
      sent.end()
    })
    expect(streamed).toBe(413)
    expect(
      (await post('openai', JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'ok' }] }))).status,
    ).toBe(200)
  })

  it('survives clients that disconnect while a reply is delayed', async () => {
    const aborted = fetch(`${simulator.url}${routes.openai.path}`, {
      method: 'POST',
      headers: { ...routes.openai.headers, 'x-simulator-scenario': '{"latencyMs":200}' },
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }),
      signal: AbortSignal.timeout(20),
    })
    await expect(aborted).rejects.toThrow()
    const health = await fetch(`${simulator.url}/_simulator/health`)
    expect(await health.json()).toEqual({ status: 'ok' })
  })
})

describe('main.ts', () => {
  it('prints its URL, serves, and exits cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, [new URL('../main.ts', import.meta.url).pathname], {
      env: { ...process.env, SIMULATOR_PORT: '0' },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    const [line] = (await once(child.stdout, 'data')) as [Buffer]
    const url = /http:\/\/\S+/.exec(line.toString())?.[0]
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect((await fetch(`${url}/_simulator/health`)).status).toBe(200)
    child.kill('SIGTERM')
    const [code] = await once(child, 'exit')
    expect(code).toBe(0)
  })
})
