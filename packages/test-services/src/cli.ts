import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { startNatsServer } from './nats-server.ts'
import { startPostgresServer } from './postgres-server.ts'

/**
 * `pnpm services:up` / `services:down`: a throwaway PostgreSQL and nats-server for local
 * development, left running in the background until `down`.
 */
const statePath = join(process.cwd(), '.switchyard', 'services.json')

interface ServicesState {
  readonly postgres: { pid: number; url: string; dataDir: string }
  readonly nats: { pid: number; url: string; storeDir: string }
}

async function up(): Promise<void> {
  if (existsSync(statePath)) {
    process.stdout.write(`Services already up (see ${statePath}); run \`pnpm services:down\` first.\n`)
    return
  }
  const postgres = await startPostgresServer({ isDetached: true })
  const nats = await startNatsServer({ isDetached: true })
  if (postgres.pid === undefined || nats.pid === undefined) throw new Error('a service started without a pid')
  const state: ServicesState = {
    postgres: { pid: postgres.pid, url: postgres.url, dataDir: postgres.dataDir },
    nats: { pid: nats.pid, url: nats.url, storeDir: nats.storeDir },
  }
  mkdirSync(dirname(statePath), { recursive: true })
  writeFileSync(statePath, `${JSON.stringify(state, null, 2)}\n`)
  process.stdout.write(
    `PostgreSQL and nats-server are running. For the distributed processes:\n` +
      `  export SWITCHYARD_DATABASE_URL=${postgres.url}\n` +
      `  export SWITCHYARD_NATS_URL=${nats.url}\n`,
  )
}

async function down(): Promise<void> {
  if (!existsSync(statePath)) {
    process.stdout.write('No services are up.\n')
    return
  }
  const state = JSON.parse(readFileSync(statePath, 'utf8')) as ServicesState
  // SIGINT is PostgreSQL's fast shutdown; nats-server exits on SIGTERM.
  await stopPid(state.postgres.pid, 'SIGINT')
  await stopPid(state.nats.pid, 'SIGTERM')
  rmSync(dirname(state.postgres.dataDir), { recursive: true, force: true })
  rmSync(state.nats.storeDir, { recursive: true, force: true })
  rmSync(statePath)
  process.stdout.write('Services stopped and their data removed.\n')
}

async function stopPid(pid: number, signal: NodeJS.Signals): Promise<void> {
  try {
    process.kill(pid, signal)
  } catch {
    return
  }
  for (let waitedMs = 0; waitedMs < 10_000; waitedMs += 100) {
    try {
      process.kill(pid, 0)
    } catch {
      return
    }
    await delay(100)
  }
  process.kill(pid, 'SIGKILL')
}

const command = process.argv[2]
if (command === 'up') await up()
else if (command === 'down') await down()
else {
  process.stderr.write('usage: node packages/test-services/src/cli.ts up|down\n')
  process.exitCode = 2
}
