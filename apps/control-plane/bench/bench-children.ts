import { type ChildProcess, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'

export const repoRoot = new URL('../../../', import.meta.url).pathname

/** A child process whose stdout and stderr JSON lines are kept, for the bench to wait on. */
export interface JsonLinesChild {
  readonly name: string
  readonly process: ChildProcess
  /** The first line (parsed) that matches, waiting for it. */
  waitFor(match: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>
  tail(lines?: number): string
  stop(): Promise<void>
}

export function startJsonLinesChild(
  name: string,
  args: readonly string[],
  env: Record<string, string>,
): JsonLinesChild {
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const raw: string[] = []
  const parsed: Record<string, unknown>[] = []
  let partial = ''
  const collect = (chunk: Buffer) => {
    partial += chunk.toString()
    const complete = partial.split('\n')
    partial = complete.pop() ?? ''
    for (const line of complete) {
      if (line.length === 0) continue
      raw.push(line)
      try {
        parsed.push(JSON.parse(line) as Record<string, unknown>)
      } catch {
        // not a JSON line (a stack trace): kept in `raw` for the tail
      }
    }
  }
  child.stdout?.on('data', collect)
  child.stderr?.on('data', collect)
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const hasExited = () => child.exitCode !== null || child.signalCode !== null
  return {
    name,
    process: child,
    async waitFor(match, timeoutMs = 120_000) {
      const deadline = performance.now() + timeoutMs
      for (;;) {
        const found = parsed.find(match)
        if (found) return found
        if (hasExited()) throw new Error(`${name} exited:\n${raw.slice(-20).join('\n')}`)
        if (performance.now() > deadline) throw new Error(`${name}: timed out waiting:\n${raw.slice(-20).join('\n')}`)
        await sleep(2)
      }
    },
    tail: (lines = 20) => raw.slice(-lines).join('\n'),
    async stop() {
      if (hasExited()) return
      child.kill('SIGTERM')
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await exited
      clearTimeout(killer)
    },
  }
}

/** VmRSS and VmHWM (peak) of a process, in bytes. */
export function processRss(pid: number): { rssBytes: number; peakRssBytes: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN)
  return { rssBytes: kb('VmRSS') * 1024, peakRssBytes: kb('VmHWM') * 1024 }
}

/** Wall-clock milliseconds with sub-millisecond resolution, comparable across processes. */
export const wallMs = (): number => performance.timeOrigin + performance.now()
