import { relative } from 'node:path'
import type { EmbeddedConfig } from './config.ts'
import type { RunningEmbedded } from './start-embedded.ts'

/** What a person sees after `pnpm start`: where things are and what to do next. */
export function printStartBanner(settings: EmbeddedConfig, running: RunningEmbedded): void {
  const configPath = relative(process.cwd(), settings.SWITCHYARD_CONFIG) || settings.SWITCHYARD_CONFIG
  const { urls } = running
  const keyVariable = Object.keys(running.newKeys)[0] ?? running.storedKeyNames[0]
  const exampleKey = keyVariable === undefined ? '<your key>' : (running.newKeys[keyVariable] ?? `$${keyVariable}`)
  const lines = [
    '',
    `Switchyard is running in embedded mode (data in ${settings.SWITCHYARD_DATA_DIR}).`,
    '',
    `  Gateway        ${urls.gateway}   OpenAI- and Anthropic-compatible API for your apps`,
    `  Control plane  ${urls.controlPlane}   admin and reports API`,
    `  Ingester       ${urls.ingester}   usage events into the embedded ClickHouse`,
    ...(urls.simulator ? [`  Simulator      ${urls.simulator}   stands in for the providers, offline`] : []),
    '',
    `  Config ${configPath} applied; gateway serving policy snapshot revision ${running.snapshotRevision}.`,
    ...Object.entries(running.newKeys).map(
      ([name, key]) => `  New key for ${name} (shown once; kept in the data directory): ${key}`,
    ),
    ...running.storedKeyNames.map(
      (name) => `  ${name}: using the key generated on first start (in ${settings.SWITCHYARD_DATA_DIR}/secrets.json)`,
    ),
    running.newAdminToken === undefined
      ? `  Admin API token: adminToken in ${settings.SWITCHYARD_DATA_DIR}/secrets.json (or SWITCHYARD_ADMIN_TOKEN)`
      : `  Admin API token (shown once; kept in the data directory): ${running.newAdminToken}`,
    ...running.missingEnv.map((ref) => `  Note: ${ref.path} reads ${ref.env}, which is not set.`),
    '',
    'Next:',
    `  curl ${urls.gateway}/v1/chat/completions -H "Authorization: Bearer ${exampleKey}" \\`,
    `    -H 'content-type: application/json' -d '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hello"}]}'`,
    ...alignColumns([
      [`curl ${urls.gateway}/readyz`, "the gateway's policy revision and age"],
      [`open ${urls.controlPlane}/api/reference`, 'the admin API, browsable and callable with the admin token'],
      [`pnpm switchyard validate -f ${configPath}`, 'check a config file after editing it'],
    ]),
    '',
    'Press Ctrl-C to stop (in-flight requests finish, data is closed cleanly).',
    '',
  ]
  process.stdout.write(lines.join('\n'))
}

function alignColumns(rows: ReadonlyArray<readonly [string, string]>): string[] {
  const width = Math.max(...rows.map(([command]) => command.length))
  return rows.map(([command, meaning]) => `  ${command.padEnd(width)}   ${meaning}`)
}
