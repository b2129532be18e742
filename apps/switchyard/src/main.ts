import { parseArgs } from 'node:util'
import { ConfigError, loadConfigFile, resolveEnvRefs } from '@switchyard/config'
import { createLogger, onShutdownSignal } from '@switchyard/http-server'
import { AdminApiError, runApply, runExport } from './cli-config-commands.ts'
import { readAdminClientConfig, readEmbeddedConfig } from './config.ts'
import { printStartBanner } from './start-banner.ts'
import { startEmbedded } from './start-embedded.ts'

const USAGE = `Usage: switchyard <command> [options]

Commands:
  start                     Run Switchyard in one process (embedded mode): control plane, gateway and
                            ingester on PGlite, the in-process bus and embedded ClickHouse, on local disk.
                            Reads SWITCHYARD_CONFIG (default: the demo config) and SWITCHYARD_DATA_DIR.
  validate -f <file>        Check a config file. Exit code 0 if valid, 2 if not, with every problem listed.
  apply -f <file> [--dry-run] [--prune]
                            Apply a config file through the control plane's admin API and print the diff
                            (--dry-run: only show it; --prune: also delete what the file no longer lists).
                            Reads SWITCHYARD_CONTROL_PLANE_URL and SWITCHYARD_ADMIN_TOKEN.
  export [-o <file>]        Print the control plane's state as a config file (or write it to <file>).
  help                      Show this help.
`

/** Exit codes: 0 ok, 1 runtime failure, 2 invalid config or usage. */
async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  switch (command) {
    case 'start':
      return await start()
    case 'validate':
      return await validate(rest)
    case 'apply':
      return await runApply(rest, readAdminClientConfig(), cliOutput)
    case 'export':
      return await runExport(rest, readAdminClientConfig(), cliOutput)
    case 'help':
    case '--help':
    case '-h':
    case undefined:
      process.stdout.write(USAGE)
      return 0
    default:
      process.stderr.write(`Unknown command "${command}".\n\n${USAGE}`)
      return 2
  }
}

const cliOutput = {
  stdout: (text: string) => void process.stdout.write(text),
  stderr: (text: string) => void process.stderr.write(text),
}

async function validate(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { file: { type: 'string', short: 'f' } }, strict: true })
  if (!values.file) {
    process.stderr.write('validate needs a file: switchyard validate -f config.yaml\n')
    return 2
  }
  const config = await loadConfigFile(values.file)
  const env = resolveEnvRefs(config, process.env, values.file)
  process.stdout.write(
    `${values.file} is valid: ${config.providers.length} providers, ${config.models.length} models, ` +
      `${config.teams.length} teams, ${config.keys.length} keys.\n`,
  )
  for (const missing of env.missing) {
    process.stdout.write(`  note: ${missing.path} reads ${missing.env}, which is not set here.\n`)
  }
  return 0
}

async function start(): Promise<number> {
  const settings = readEmbeddedConfig()
  const log = createLogger('switchyard', settings.SWITCHYARD_LOG_LEVEL)
  const config = await loadConfigFile(settings.SWITCHYARD_CONFIG)
  const running = await startEmbedded(settings, config, log)
  printStartBanner(settings, running)
  onShutdownSignal(running.stop, log)
  return await new Promise<number>(() => {
    // Runs until a signal; onShutdownSignal exits the process.
  })
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof AdminApiError) {
      process.stderr.write(`switchyard: ${error.message}\n`)
      process.exit(error.exitCode)
    }
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`)
      process.exit(error.exitCode)
    }
    if (
      error instanceof Error &&
      error.name === 'TypeError' &&
      'code' in error &&
      error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION'
    ) {
      process.stderr.write(`${error.message}\n\n${USAGE}`)
      process.exit(2)
    }
    process.stderr.write(`switchyard: ${error instanceof Error ? error.message : String(error)}\n`)
    process.exit(1)
  },
)
