import { readFile, writeFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { formatConfigChanges, loadConfigFile, summariseConfigChanges } from '@switchyard/config'
import { ConfigApplyResponse, ErrorBody } from '@switchyard/contracts'
import type { AdminClientConfig } from './config.ts'

/** Where a command writes, so tests can read what it printed. */
export interface CliOutput {
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
}

/** A request to the admin API that failed: transport, HTTP status or an unreadable answer (exit code 1). */
export class AdminApiError extends Error {
  override readonly name = 'AdminApiError'
  readonly exitCode = 1
}

async function callAdminApi(client: AdminClientConfig, path: string, init: RequestInit = {}): Promise<Response> {
  const url = new URL(path, client.SWITCHYARD_CONTROL_PLANE_URL.replace(/\/?$/, '/'))
  const headers = new Headers(init.headers)
  if (client.SWITCHYARD_ADMIN_TOKEN) headers.set('authorization', `Bearer ${client.SWITCHYARD_ADMIN_TOKEN}`)
  let response: Response
  try {
    response = await fetch(url, { ...init, headers })
  } catch (cause) {
    const reason = cause instanceof Error && cause.cause instanceof Error ? cause.cause.message : String(cause)
    throw new AdminApiError(`cannot reach the control plane at ${url.origin}: ${reason}`, { cause })
  }
  if (response.ok) return response
  throw new AdminApiError(await describeFailure(response))
}

/** The admin API's OpenAI-shaped error as one or more lines, with each config issue at its path. */
async function describeFailure(response: Response): Promise<string> {
  const text = await response.text()
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return `the control plane answered ${response.status} ${response.statusText}`
  }
  const body = ErrorBody.safeParse(json)
  if (!body.success) return `the control plane answered ${response.status} ${response.statusText}`
  const issues = (json as { issues?: unknown }).issues
  const lines = Array.isArray(issues)
    ? issues.map((issue: { path?: unknown; message?: unknown }) => `${String(issue.path)}: ${String(issue.message)}`)
    : []
  return [
    `${body.data.error.message} (HTTP ${response.status}, ${body.data.error.code ?? body.data.error.type})`,
    ...lines,
  ].join('\n')
}

/**
 * `switchyard apply -f file [--dry-run] [--prune]`: validates the file here first (exit 2 with
 * every problem), then sends its text to the control plane and prints the diff it answers.
 */
export async function runApply(args: string[], client: AdminClientConfig, out: CliOutput): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      file: { type: 'string', short: 'f' },
      'dry-run': { type: 'boolean', default: false },
      prune: { type: 'boolean', default: false },
    },
    strict: true,
  })
  if (!values.file) {
    out.stderr('apply needs a file: switchyard apply -f config.yaml [--dry-run] [--prune]\n')
    return 2
  }
  await loadConfigFile(values.file)
  const text = await readFile(values.file, 'utf8')
  const isDryRun = values['dry-run'] ?? false
  const query = new URLSearchParams({ dryRun: String(isDryRun), prune: String(values.prune ?? false) })
  const response = await callAdminApi(client, `api/config/apply?${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/yaml' },
    body: text,
  })
  const parsed = ConfigApplyResponse.safeParse(await response.json().catch(() => undefined))
  if (!parsed.success) throw new AdminApiError('the control plane answered with something that is not an apply result')
  const { changes, warnings, revision } = parsed.data
  for (const warning of warnings) out.stderr(`warning: ${warning.path}: ${warning.message}\n`)
  if (changes.length > 0) out.stdout(`${formatConfigChanges(changes)}\n`)
  const summary = changes.length === 0 ? 'no changes' : summariseConfigChanges(changes, !parsed.data.dryRun)
  const suffix = parsed.data.dryRun
    ? ' (dry run: nothing was written)'
    : revision === null
      ? ''
      : ` (snapshot revision ${revision})`
  out.stdout(`${values.file}: ${summary}${suffix}.\n`)
  return 0
}

/** `switchyard export [-o file]`: the control plane's state as a config file, on stdout or into a file. */
export async function runExport(args: string[], client: AdminClientConfig, out: CliOutput): Promise<number> {
  const { values } = parseArgs({ args, options: { output: { type: 'string', short: 'o' } }, strict: true })
  const response = await callAdminApi(client, 'api/config/export', { headers: { accept: 'application/yaml' } })
  const yaml = await response.text()
  if (values.output) {
    await writeFile(values.output, yaml)
    out.stderr(`wrote ${values.output}\n`)
  } else out.stdout(yaml)
  return 0
}
