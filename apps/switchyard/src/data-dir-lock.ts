import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export class DataDirInUseError extends Error {
  override readonly name = 'DataDirInUseError'
}

export interface DataDirLock {
  release(): void
}

/**
 * One process at a time may own a data directory: two PGlite or chDB engines on the same files
 * would corrupt them. The lock is a pid file; a lock left by a process that no longer runs is
 * taken over.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true })
  const lockPath = join(dataDir, 'switchyard.pid')
  try {
    writeFileSync(lockPath, String(process.pid), { flag: 'wx' })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    const holder = Number(readFileSync(lockPath, 'utf8').trim())
    if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isRunning(holder)) {
      throw new DataDirInUseError(`data directory ${dataDir} is in use by process ${holder}`)
    }
    writeFileSync(lockPath, String(process.pid))
  }
  return { release: () => rmSync(lockPath, { force: true }) }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
