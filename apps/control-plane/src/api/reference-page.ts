import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { Hono } from 'hono'

// The interactive reference is Swagger UI, served from its npm package, so it works offline
// (the embedded mode) and loads nothing from a CDN.
const assetsDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'))
const ASSETS = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
} as const

const page = (specUrl: string) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Switchyard admin API</title>
<link rel="stylesheet" href="reference/swagger-ui.css">
</head>
<body>
<div id="reference"></div>
<script src="reference/swagger-ui-bundle.js"></script>
<script>
window.addEventListener('load', () => {
  window.SwaggerUIBundle({ url: ${JSON.stringify(specUrl)}, dom_id: '#reference', persistAuthorization: true })
})
</script>
</body>
</html>
`

/** `GET /api/reference`: the OpenAPI document, browsable and callable with an admin token. */
export function referencePage(specUrl: string): Hono {
  const app = new Hono()
  app.get('/api/reference', (c) => c.html(page(specUrl)))
  for (const [name, type] of Object.entries(ASSETS)) {
    let body: Promise<Buffer> | undefined
    app.get(`/api/reference/${name}`, async (c) => {
      body ??= readFile(join(assetsDir, name))
      return c.body(new Uint8Array(await body), 200, { 'content-type': type, 'cache-control': 'public, max-age=86400' })
    })
  }
  return app
}
