import { type ChildProcess, spawn } from 'node:child_process'
import { createWriteStream } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'

const TASKSET = '/usr/bin/taskset'

export interface BenchChild {
  readonly name: string
  readonly pid: number
  readonly logPath: string
  readonly process: ChildProcess
}

const running = new Set<BenchChild>()

/** A loopback port that was free a moment ago (the child binds it right after). */
export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  if (address === null || typeof address === 'string') throw new Error('no TCP address for the probe socket')
  return address.port
}

/** Starts `node <args>` pinned to one core; `taskset` execs node, so the pid is node's. */
export function startPinnedNode(
  name: string,
  core: number,
  nodeArgs: readonly string[],
  env: Record<string, string>,
  logPath: string,
): BenchChild {
  const child = spawn(TASKSET, ['-c', String(core), process.execPath, ...nodeArgs], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  if (child.pid === undefined) throw new Error(`could not start the ${name}`)
  const log = createWriteStream(logPath)
  child.stdout?.pipe(log)
  child.stderr?.pipe(log)
  const started: BenchChild = { name, pid: child.pid, logPath, process: child }
  running.add(started)
  child.once('exit', () => running.delete(started))
  return started
}

/** Polls until `probe` answers true, failing early if the child died. */
export async function waitUntilReady(child: BenchChild, probe: () => Promise<boolean>, timeoutMs = 20_000) {
  const deadline = performance.now() + timeoutMs
  while (performance.now() < deadline) {
    if (child.process.exitCode !== null || child.process.signalCode !== null) {
      throw new Error(`the ${child.name} exited during start-up:\n${await logTail(child)}`)
    }
    if (await probe().catch(() => false)) return
    await sleep(100)
  }
  throw new Error(`the ${child.name} was not ready after ${timeoutMs} ms:\n${await logTail(child)}`)
}

export async function logTail(child: BenchChild, lines = 20): Promise<string> {
  const text = await readFile(child.logPath, 'utf8').catch(() => '')
  return text.split('\n').slice(-lines).join('\n')
}

/**
 * SIGTERM, then a second SIGTERM (the gateway's handler exits at once on the second signal, which
 * also flushes a --cpu-prof profile), then SIGKILL.
 */
export async function stopChild(child: BenchChild): Promise<void> {
  const hasExited = () => child.process.exitCode !== null || child.process.signalCode !== null
  const exited = new Promise<void>((resolve) => {
    if (hasExited()) resolve()
    else child.process.once('exit', () => resolve())
  })
  for (const signal of ['SIGTERM', 'SIGTERM', 'SIGKILL'] as const) {
    if (hasExited()) break
    child.process.kill(signal)
    await Promise.race([exited, sleep(3_000)])
  }
  await exited
}

export async function stopAllChildren(): Promise<void> {
  await Promise.all([...running].map(stopChild))
}

/** Last resort from a synchronous `exit` handler. */
export function killAllChildrenNow(): void {
  for (const child of running) child.process.kill('SIGKILL')
}

export interface MemoryKb {
  readonly rssKb: number
  readonly peakRssKb: number
}

/** `VmRSS` and `VmHWM` (the peak resident set) of a live process. */
export async function readMemoryKb(pid: number): Promise<MemoryKb> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN)
  return { rssKb: field('VmRSS'), peakRssKb: field('VmHWM') }
}

const CLOCK_TICKS_PER_S = 100

/** User + system CPU seconds a process has used so far. */
export async function readCpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
  // Fields after the command name, which may itself hold spaces and parentheses.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_S
}

/** User + nice + system CPU seconds used by the whole machine so far. */
export async function readMachineCpuSeconds(): Promise<number> {
  const [user = 0, nice = 0, system = 0] = await readMachineCpuFields()
  return (user + nice + system) / CLOCK_TICKS_PER_S
}

/** CPU seconds the hypervisor gave to other guests while this VM wanted to run (0 on bare metal). */
export async function readStealSeconds(): Promise<number> {
  return ((await readMachineCpuFields())[7] ?? 0) / CLOCK_TICKS_PER_S
}

async function readMachineCpuFields(): Promise<number[]> {
  const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0] ?? ''
  return line.split(/\s+/).slice(1).map(Number)
}

/**
 * On a shared machine, waits (at most `maxWaitMs`) until processes other than `ownPids` use
 * less than `maxOtherPercent` of one core over a second. Returns their last measured share.
 */
export async function waitForQuietMachine(
  ownPids: readonly number[],
  maxWaitMs = 60_000,
  maxOtherPercent = 15,
): Promise<number> {
  const ownCpuS = async () => (await Promise.all(ownPids.map(readCpuSeconds))).reduce((sum, s) => sum + s, 0)
  const deadline = performance.now() + maxWaitMs
  for (;;) {
    const [machineBefore, ownBefore] = [await readMachineCpuSeconds(), await ownCpuS()]
    await sleep(1_000)
    const otherPercent = ((await readMachineCpuSeconds()) - machineBefore - ((await ownCpuS()) - ownBefore)) * 100
    if (otherPercent < maxOtherPercent || performance.now() > deadline) return otherPercent
  }
}
