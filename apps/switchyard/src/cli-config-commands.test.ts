import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ConfigError } from '@switchyard/config'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AdminApiError, runApply, runExport } from './cli-config-commands.ts'

// The admin API is being built alongside; until it lands, this stands in for it, speaking the
// agreed contract: POST /api/config/apply?dryRun&prune with the file as application/yaml, and
// GET /api/config/export answering YAML; errors in the OpenAI shape.
interface Seen {
  method: string
  url: string
  authorization: string | undefined
  contentType: string | undefined
  body: string
}

const read = async (req: IncomingMessage) => {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

const dir = mkdtempSync(join(tmpdir(), 'sy-cli-'))
const file = join(dir, 'config.yaml')
const FILE_TEXT = 'version: 1\norgs:\n  - name: acme\nteams:\n  - { name: search, org: acme }\n'
writeFileSync(file, FILE_TEXT)

describe('switchyard apply and export, against an admin API on loopback', () => {
  let server: Server
  let url: string
  const seen: Seen[] = []
  let answer: { status: number; type: string; body: string } = { status: 200, type: 'application/json', body: '{}' }

  beforeAll(async () => {
    server = createServer(async (req, res) => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        authorization: req.headers.authorization,
        contentType: req.headers['content-type'],
        body: await read(req),
      })
      res.writeHead(answer.status, { 'content-type': answer.type }).end(answer.body)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve))
    rmSync(dir, { recursive: true, force: true })
  })

  const run = async (command: typeof runApply, args: string[], token = 'sy-admin-token') => {
    const stdout: string[] = []
    const stderr: string[] = []
    const code = await command(
      args,
      { SWITCHYARD_CONTROL_PLANE_URL: url, SWITCHYARD_ADMIN_TOKEN: token },
      { stdout: (text) => stdout.push(text), stderr: (text) => stderr.push(text) },
    )
    return { code, stdout: stdout.join(''), stderr: stderr.join('') }
  }
  const applied = (body: object) => {
    answer = { status: 200, type: 'application/json', body: JSON.stringify(body) }
  }

  it('sends the file as YAML with the token, dry-run and prune flags, and prints the diff', async () => {
    applied({
      dryRun: true,
      changes: [
        { action: 'create', section: 'teams', name: 'acme/search' },
        { action: 'update', section: 'models', name: 'gpt-4o', fields: ['deployments', 'route'] },
        { action: 'delete', section: 'keys', name: 'acme/old-ci' },
      ],
      warnings: [{ path: 'keys[0].secret', message: 'key ci skipped: environment variable CI_KEY is not set' }],
      revision: null,
    })
    const result = await run(runApply, ['-f', file, '--dry-run', '--prune'])
    expect(result.code).toBe(0)
    expect(result.stdout).toBe(
      [
        '+ team acme/search',
        '~ model gpt-4o: deployments, route',
        '- key acme/old-ci',
        `${file}: 1 to create, 1 to update, 1 to delete (dry run: nothing was written).`,
        '',
      ].join('\n'),
    )
    expect(result.stderr).toBe('warning: keys[0].secret: key ci skipped: environment variable CI_KEY is not set\n')
    expect(seen.at(-1)).toEqual({
      method: 'POST',
      url: '/api/config/apply?dryRun=true&prune=true',
      authorization: 'Bearer sy-admin-token',
      contentType: 'application/yaml',
      body: FILE_TEXT,
    })
  })

  it('says when nothing changed, and the revision a real apply published', async () => {
    applied({ dryRun: false, changes: [], warnings: [], revision: 42 })
    const result = await run(runApply, ['-f', file])
    expect(result).toMatchObject({ code: 0, stdout: `${file}: no changes (snapshot revision 42).\n` })
    expect(seen.at(-1)?.url).toBe('/api/config/apply?dryRun=false&prune=false')
  })

  it('refuses an invalid file locally (exit 2) without calling the API', async () => {
    const broken = join(dir, 'broken.yaml')
    writeFileSync(broken, 'version: 1\nteams:\n  - { name: search, org: nope }\n')
    const calls = seen.length
    await expect(run(runApply, ['-f', broken])).rejects.toSatisfy(
      (error) => error instanceof ConfigError && error.exitCode === 2 && error.message.includes('teams[0].org'),
    )
    expect(seen.length).toBe(calls)
    expect((await run(runApply, [])).code).toBe(2)
  })

  it('fails with exit code 1 and the API’s message on 401 and on a refused config', async () => {
    answer = {
      status: 401,
      type: 'application/json',
      body: JSON.stringify({
        error: { message: 'Invalid admin token.', type: 'authentication_error', code: 'invalid_token', param: null },
      }),
    }
    await expect(run(runApply, ['-f', file], 'wrong')).rejects.toThrow(
      new AdminApiError('Invalid admin token. (HTTP 401, invalid_token)'),
    )
    answer = {
      status: 400,
      type: 'application/json',
      body: JSON.stringify({
        error: {
          message: 'The config cannot be applied.',
          type: 'invalid_request_error',
          code: 'invalid_config',
          param: null,
        },
        issues: [
          { path: 'keys[0].secret', message: 'environment variable CI_KEY must hold a key of at least 24 characters' },
        ],
      }),
    }
    await expect(run(runApply, ['-f', file])).rejects.toThrow(
      'The config cannot be applied. (HTTP 400, invalid_config)\nkeys[0].secret: environment variable CI_KEY must hold',
    )
  })

  it('fails with exit code 1 when the control plane cannot be reached', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise((resolve) => closed.close(resolve))
    const attempt = runApply(
      ['-f', file],
      { SWITCHYARD_CONTROL_PLANE_URL: `http://127.0.0.1:${port}` },
      {
        stdout: () => {},
        stderr: () => {},
      },
    )
    await expect(attempt).rejects.toSatisfy(
      (error) => error instanceof AdminApiError && error.exitCode === 1 && error.message.includes('cannot reach'),
    )
  })

  it('exports to stdout or to a file', async () => {
    answer = { status: 200, type: 'application/yaml', body: 'version: 1\norgs:\n  - name: acme\n' }
    const printed = await run(runExport, [])
    expect(printed).toMatchObject({ code: 0, stdout: 'version: 1\norgs:\n  - name: acme\n' })
    expect(seen.at(-1)).toMatchObject({
      method: 'GET',
      url: '/api/config/export',
      authorization: 'Bearer sy-admin-token',
    })
    const target = join(dir, 'exported.yaml')
    const written = await run(runExport, ['-o', target])
    expect(written).toMatchObject({ code: 0, stdout: '' })
    expect(readFileSync(target, 'utf8')).toBe('version: 1\norgs:\n  - name: acme\n')
  })
})
