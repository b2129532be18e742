import { type ChildProcess, spawn } from 'node:child_process'
import { openSync, readFileSync, statSync } from 'node:fs'
import { setTimeout as delay } from 'node:timers/promises'

export class ServiceStartError extends Error {
  override readonly name = 'ServiceStartError'
}

export interface ServiceProcessOptions {
  readonly label: string
  readonly command: string
  readonly args: readonly string[]
  /** Child output goes here; the ready line is read from it. */
  readonly logPath: string
  readonly readyPattern: RegExp
  readonly timeoutMs: number
  readonly uid?: number | undefined
  readonly gid?: number | undefined
  /** Detached processes outlive this one (used by `services:up`). */
  readonly isDetached?: boolean
  readonly env?: NodeJS.ProcessEnv
}

/** Starts a server process and resolves once its log shows it is ready. */
export async function startServiceProcess(options: ServiceProcessOptions): Promise<ChildProcess> {
  const log = openSync(options.logPath, 'a')
  // A restarted service appends to the same log: only what it writes from now on counts.
  const logOffset = statSync(options.logPath).size
  const child = spawn(options.command, options.args, {
    stdio: ['ignore', log, log],
    detached: options.isDetached ?? false,
    env: options.env ?? process.env,
    ...(options.uid === undefined ? {} : { uid: options.uid }),
    ...(options.gid === undefined ? {} : { gid: options.gid }),
  })
  let exitCode: number | null | undefined
  let spawnError: Error | undefined
  child.once('exit', (code, signal) => {
    exitCode = code ?? (signal ? -1 : null)
  })
  child.once('error', (error) => {
    spawnError = error
  })
  const deadline = Date.now() + options.timeoutMs
  while (Date.now() < deadline) {
    if (spawnError)
      throw new ServiceStartError(`${options.label}: could not start ${options.command}`, { cause: spawnError })
    if (exitCode !== undefined) {
      throw new ServiceStartError(
        `${options.label} exited with ${exitCode} before it was ready:\n${tail(options.logPath)}`,
      )
    }
    if (options.readyPattern.test(readFileSync(options.logPath).subarray(logOffset).toString('utf8'))) {
      if (options.isDetached) child.unref()
      return child
    }
    await delay(25)
  }
  child.kill('SIGKILL')
  throw new ServiceStartError(
    `${options.label} was not ready within ${options.timeoutMs} ms:\n${tail(options.logPath)}`,
  )
}

/** Sends `signal` and waits for the process to exit; escalates to SIGKILL after `graceMs`. */
export async function stopServiceProcess(child: ChildProcess, signal: NodeJS.Signals, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill(signal)
  const isExited = await Promise.race([exited.then(() => true), delay(graceMs).then(() => false)])
  if (!isExited) {
    child.kill('SIGKILL')
    await exited
  }
}

function tail(path: string): string {
  try {
    return readFileSync(path, 'utf8').split('\n').slice(-20).join('\n')
  } catch {
    return '(no log)'
  }
}
