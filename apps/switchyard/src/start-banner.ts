import { relative } from 'node:path'
import type { EnvRefUse } from '@switchyard/config'
import type { EmbeddedConfig } from './config.ts'
import type { RunningEmbedded } from './start-embedded.ts'

/** What a person sees after `pnpm start`: where things are and what to do next. */
export function printStartBanner(
  settings: EmbeddedConfig,
  running: RunningEmbedded,
  missingEnv: readonly EnvRefUse[],
): void {
  const configPath = relative(process.cwd(), settings.SWITCHYARD_CONFIG) || settings.SWITCHYARD_CONFIG
  const lines = [
    '',
    `Switchyard is running in embedded mode (data in ${settings.SWITCHYARD_DATA_DIR}).`,
    '',
    `  Gateway        ${running.urls.gateway}   OpenAI- and Anthropic-compatible API for your apps`,
    `  Control plane  ${running.urls.controlPlane}   admin and reports API`,
    `  Ingester       ${running.urls.ingester}   usage events into the embedded ClickHouse`,
    '',
    `  Config ${configPath} applied; gateway serving policy snapshot revision ${running.snapshotRevision}.`,
    ...missingEnv.map((ref) => `  Note: ${ref.path} reads ${ref.env}, which is not set.`),
    '',
    'Next:',
    ...alignColumns([
      [`curl ${running.urls.gateway}/readyz`, "the gateway's policy revision and age"],
      [`curl ${running.urls.controlPlane}/readyz`, "the control plane's database and last publish"],
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
