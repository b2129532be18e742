import { type ChildProcess, execFile } from 'node:child_process'
import { chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { debianPostgresBinDirs, findBinary } from './find-binary.ts'
import { findFreePort } from './free-port.ts'
import { ServiceStartError, startServiceProcess, stopServiceProcess } from './service-process.ts'

const execFileAsync = promisify(execFile)

export interface PostgresServerOptions {
  readonly port?: number
  readonly isDetached?: boolean
}

export interface PostgresServerHandle {
  /** Connection URL of the default `postgres` database. */
  readonly url: string
  readonly port: number
  readonly dataDir: string
  readonly pid: number | undefined
  /** Creates a fresh database and returns its URL. */
  createDatabase(name: string): Promise<string>
  /** Fast shutdown and removal of the data directory. */
  dispose(): Promise<void>
}

interface RunAs {
  readonly uid: number
  readonly gid: number
}

/**
 * Starts a throwaway PostgreSQL server from Debian's `postgresql` binaries: initdb in a temp
 * dir, loopback only, durability off (test data only). As root, the server runs as the
 * `postgres` user, since PostgreSQL refuses to run as root.
 */
export async function startPostgresServer(options: PostgresServerOptions = {}): Promise<PostgresServerHandle> {
  const binDirs = debianPostgresBinDirs()
  const initdb = findBinary('initdb', binDirs)
  const postgres = findBinary('postgres', binDirs)
  const createdb = findBinary('createdb', binDirs)
  if (!initdb || !postgres || !createdb) {
    throw new ServiceStartError('PostgreSQL server binaries not found (Debian: apt-get install postgresql)')
  }
  const runAs = process.getuid?.() === 0 ? postgresUser() : undefined
  const rootDir = mkdtempSync(join(tmpdir(), 'sy-pg-'))
  const dataDir = join(rootDir, 'data')
  mkdirSync(dataDir, { mode: 0o700 })
  if (runAs) {
    chownSync(rootDir, runAs.uid, runAs.gid)
    chownSync(dataDir, runAs.uid, runAs.gid)
  }
  const port = options.port ?? (await findFreePort())

  await execFileAsync(
    initdb,
    ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync', '--no-instructions'],
    {
      ...(runAs ?? {}),
    },
  ).catch((error: unknown) => {
    throw new ServiceStartError('initdb failed', { cause: error })
  })

  const child: ChildProcess = await startServiceProcess({
    label: 'postgres',
    command: postgres,
    args: [
      '-D',
      dataDir,
      '-p',
      String(port),
      '-k',
      rootDir,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'max_connections=200',
    ],
    logPath: join(rootDir, 'postgres.log'),
    readyPattern: /database system is ready to accept connections/,
    timeoutMs: 30_000,
    isDetached: options.isDetached ?? false,
    uid: runAs?.uid,
    gid: runAs?.gid,
  })

  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    dataDir,
    pid: child.pid,
    async createDatabase(name: string) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain database name: ${name}`)
      await execFileAsync(createdb, ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', name])
      return `postgres://postgres@127.0.0.1:${port}/${name}`
    },
    async dispose() {
      // SIGINT is PostgreSQL's "fast" shutdown: roll back clients, exit cleanly.
      await stopServiceProcess(child, 'SIGINT')
      rmSync(rootDir, { recursive: true, force: true })
    },
  }
}

function postgresUser(): RunAs {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('postgres:'))
  const [, , uid, gid] = line?.split(':') ?? []
  if (uid === undefined || gid === undefined) {
    throw new ServiceStartError('running as root but there is no `postgres` user to run PostgreSQL as')
  }
  return { uid: Number(uid), gid: Number(gid) }
}
