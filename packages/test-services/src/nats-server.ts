import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { findBinary } from './find-binary.ts'
import { findFreePort } from './free-port.ts'
import { ServiceStartError, startServiceProcess, stopServiceProcess } from './service-process.ts'

export interface NatsServerOptions {
  /** Keep JetStream data here instead of a fresh temporary directory. */
  readonly storeDir?: string
  readonly port?: number
  readonly isDetached?: boolean
}

export interface NatsServerHandle {
  readonly url: string
  readonly port: number
  readonly storeDir: string
  readonly pid: number | undefined
  /** Graceful stop; JetStream data stays on disk so `start()` brings it back. */
  stop(): Promise<void>
  /** SIGKILL, as a crash would. */
  kill(): Promise<void>
  /** Starts the server again on the same port and store. */
  start(): Promise<void>
  /** Stops the server and deletes its store. */
  dispose(): Promise<void>
}

/** Starts a loopback-only `nats-server -js` (Debian package `nats-server`). */
export async function startNatsServer(options: NatsServerOptions = {}): Promise<NatsServerHandle> {
  const binary = findBinary('nats-server')
  if (!binary) throw new ServiceStartError('nats-server is not installed (Debian: apt-get install nats-server)')
  const storeDir = options.storeDir ?? mkdtempSync(join(tmpdir(), 'sy-nats-'))
  const port = options.port ?? (await findFreePort())
  let child: ChildProcess | undefined

  const start = async (): Promise<void> => {
    child = await startServiceProcess({
      label: 'nats-server',
      command: binary,
      args: ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', storeDir, '--server_name', `sy-test-${port}`],
      logPath: join(storeDir, 'nats-server.log'),
      readyPattern: /Server is ready/,
      timeoutMs: 15_000,
      isDetached: options.isDetached ?? false,
    })
  }
  await start()

  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    storeDir,
    get pid() {
      return child?.pid
    },
    async stop() {
      if (child) await stopServiceProcess(child, 'SIGTERM')
    },
    async kill() {
      if (child) await stopServiceProcess(child, 'SIGKILL')
    },
    start,
    async dispose() {
      if (child) await stopServiceProcess(child, 'SIGTERM')
      if (!options.storeDir) rmSync(storeDir, { recursive: true, force: true })
    },
  }
}
