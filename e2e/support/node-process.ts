import { type ChildProcess, spawn } from 'node:child_process'
import { setTimeout as delay } from 'node:timers/promises'

const repoRoot = new URL('../../', import.meta.url).pathname

/** A Switchyard process (`node apps/<app>/src/main.ts [args]`) whose JSON log lines are kept. */
export interface NodeProcess {
  readonly child: ChildProcess
  readonly lines: () => readonly string[]
  /** The first log line with this `msg`, parsed. */
  waitForLog(message: string, timeoutMs?: number): Promise<Record<string, unknown>>
  stop(signal?: NodeJS.Signals): Promise<number | null>
}

export function startNodeProcess(app: string, env: Record<string, string>, args: readonly string[] = []): NodeProcess {
  const child = spawn(process.execPath, [`${repoRoot}apps/${app}/src/main.ts`, ...args], {
    env: { ...process.env, SWITCHYARD_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const lines: string[] = []
  let partial = ''
  const collect = (chunk: Buffer) => {
    partial += chunk.toString()
    const complete = partial.split('\n')
    partial = complete.pop() ?? ''
    lines.push(...complete.filter((line) => line.length > 0))
  }
  child.stdout?.on('data', collect)
  child.stderr?.on('data', collect)
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return {
    child,
    lines: () => lines,
    async waitForLog(message, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        for (const line of lines) {
          try {
            const parsed = JSON.parse(line) as Record<string, unknown>
            if (parsed.msg === message) return parsed
          } catch {
            // not a JSON log line
          }
        }
        if (child.exitCode !== null) throw new Error(`${app} exited (${child.exitCode}):\n${lines.join('\n')}`)
        if (Date.now() > deadline)
          throw new Error(`${app}: no "${message}" log within ${timeoutMs} ms:\n${lines.join('\n')}`)
        await delay(50)
      }
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal)
      return await exited
    },
  }
}
