/**
 * The floor the gateway is measured against: about the least a proxy on our stack does per
 * request. Hono on @hono/node-server reads and parses the JSON body (a gateway must at least read
 * `model`), forwards it over an undici Pool and sends the answer back as is (a stream as it comes). No auth, no
 * policy, no metrics, no metering. `pnpm bench --baseline` runs the whole bench against it.
 */
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { Pool } from 'undici'

const port = Number(process.env.BASELINE_PORT)
/** The simulator's OpenAI base URL, e.g. http://127.0.0.1:4010/openai/v1. */
const upstream = new URL(process.env.BASELINE_UPSTREAM ?? 'http://127.0.0.1:4010/openai/v1')
const pool = new Pool(upstream.origin, { connections: 512 })
const chatPath = `${upstream.pathname}/chat/completions`
const upstreamHeaders = { 'content-type': 'application/json', authorization: 'Bearer sk-baseline' }

const app = new Hono()
app.get('/readyz', (c) => c.text('ready'))
app.post('/v1/chat/completions', async (c) => {
  const body = (await c.req.json()) as { stream?: unknown }
  const answer = await pool.request({
    path: chatPath,
    method: 'POST',
    headers: upstreamHeaders,
    body: JSON.stringify(body),
  })
  const headers = { 'content-type': String(answer.headers['content-type'] ?? 'application/json') }
  // A whole answer goes out as one string (@hono/node-server's fast path); a stream as it comes.
  const content = body.stream === true ? ReadableStream.from<Uint8Array>(answer.body) : await answer.body.text()
  return new Response(content, { status: answer.statusCode, headers })
})
serve({ fetch: app.fetch, hostname: '127.0.0.1', port })
