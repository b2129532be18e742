import { readdirSync, readFileSync } from 'node:fs'

const CLOCK_TICKS_PER_S = 100

/** utime + stime of a /proc stat line, in seconds. */
function cpuSecondsOfStat(stat: string): number {
  // Fields after the command name, which may itself hold spaces and parentheses.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_S
}

/** User + system CPU seconds a process (all its threads) has used so far. */
export function processCpuSeconds(pid: number): number {
  return cpuSecondsOfStat(readFileSync(`/proc/${pid}/stat`, 'utf8'))
}

/**
 * CPU seconds per thread name of a live process (`comm`: "node" is the main JavaScript thread,
 * V8's and libuv's helpers and chDB's pools have their own names). Threads that ended are not
 * in it; their time is in `processCpuSeconds` only.
 */
export function threadCpuSeconds(pid: number): Map<string, number> {
  const byName = new Map<string, number>()
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8')
      const name = tid === String(pid) ? 'main thread' : stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
      byName.set(name, (byName.get(name) ?? 0) + cpuSecondsOfStat(stat))
    } catch {
      // the thread ended while we read
    }
  }
  return byName
}

/** VmRSS and VmHWM (the peak resident set) of a live process, in MB. */
export function processMemoryMb(pid: number): { rssMb: number; peakRssMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN)
  return { rssMb: kb('VmRSS') / 1024, peakRssMb: kb('VmHWM') / 1024 }
}

export interface MachineCpu {
  /** user + nice + system + irq + softirq seconds, all cores. */
  readonly busyS: number
  readonly stealS: number
  readonly totalS: number
}

export function machineCpu(): MachineCpu {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? ''
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line
    .trim()
    .split(/\s+/)
    .slice(1)
    .map((value) => Number(value) / CLOCK_TICKS_PER_S)
  const busyS = (user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0)
  return { busyS, stealS: steal ?? 0, totalS: busyS + (idle ?? 0) + (iowait ?? 0) + (steal ?? 0) }
}

/** The 1-minute load average. */
export function loadAverage1m(): number {
  return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0])
}
