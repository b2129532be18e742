/**
 * Where a V8 .cpuprofile (from `node --cpu-prof`) spent its time: self time by package, the
 * hottest functions by self time, and by inclusive time (a function and everything it called).
 * Usage: `node apps/gateway/bench/summarize-cpu-profile.ts <file.cpuprofile> [top]`.
 */
import { readFile } from 'node:fs/promises'

interface ProfileNode {
  readonly id: number
  readonly callFrame: { functionName: string; url: string; lineNumber: number }
  readonly children?: readonly number[]
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[]
  readonly samples: readonly number[]
  /** Microseconds since the previous sample. */
  readonly timeDeltas: readonly number[]
}

const IDLE = '(idle)'
const STARTUP = 'start-up: module loading, type stripping'

/**
 * Where a sample's time goes: the innermost frame on its stack that matches a rule names the
 * stage (so HMAC inside key auth counts as key auth, and Node's stream plumbing under a web
 * stream counts as the web stream). Rules look at `functionName url`.
 */
const STAGES: ReadonlyArray<readonly [string, RegExp]> = [
  ['(garbage collector)', /^\(garbage collector\)/],
  ['(program: native, not attributed)', /^\(program\)/],
  [STARTUP, /node:internal\/modules\/|node:internal\/main|amaro|^wasm-function/],
  ['key auth: HMAC-SHA256 of the presented key', /^hashApiKey /],
  ['zod parsing', /(^|\s)zod\//],
  ['JSON.parse / JSON.stringify', /^(parse|stringify)$/],
  ['file writes (fs/promises: the usage spool)', /node:internal\/fs\//],
  ['prom-client metrics', /(^|\s)prom-client\//],
  ['pino logging', /(^|\s)pino\//],
  ['AbortSignal.any / timeout', /node:internal\/abort_controller|abort_listener|node:internal\/event_target/],
  ['crypto.randomUUID (request id)', /^randomUUID /],
  [
    'web Request/Response/ReadableStream (@hono/node-server, fetch classes)',
    /@hono\/node-server|node:internal\/webstreams|node:internal\/deps\/undici/,
  ],
  ['undici upstream client (npm)', /(^|\s)undici\//],
  ['hono routing and context', /(^|\s)hono\//],
  [
    'node http server, sockets, streams',
    /node:_http_|node:net|node:internal\/stream_base|node:internal\/streams|node:internal\/http|^writev$|^writeUtf8String$/,
  ],
  ['switchyard code (gateway, providers, contracts)', /(^|\s)(apps|packages)\//],
]

function stageOf(stack: readonly string[]): string {
  for (const frame of stack) for (const [stage, rule] of STAGES) if (rule.test(frame)) return stage
  return 'other (microtask and timer plumbing)'
}

/** The package a script belongs to: an npm package, a workspace package, node core or V8. */
export function packageOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native / V8 builtins)'
  if (url.startsWith('node:')) {
    const module = url
      .slice('node:'.length)
      .replace(/^internal\//, '')
      .replace(/^deps\//, '')
    return `node:${module.split('/')[0]}`
  }
  const inModules = url.lastIndexOf('/node_modules/')
  if (inModules !== -1) {
    const [scope = '', name = ''] = url.slice(inModules + '/node_modules/'.length).split('/')
    return scope.startsWith('@') ? `${scope}/${name}` : scope
  }
  const workspace = /\/(apps|packages)\/([^/]+)\//.exec(url)
  return workspace ? `${workspace[1]}/${workspace[2]}` : url
}

function frameName(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame
  const name = functionName === '' ? '(anonymous)' : functionName
  if (url === '') return name
  const short = url
    .replace(/^file:\/\//, '')
    .replace(/^.*\/node_modules\//, '')
    .replace(/^\/work\/main\//, '')
  return `${name} ${short}:${lineNumber + 1}`
}

export interface ProfileSummary {
  readonly totalMs: number
  /** Neither idle nor start-up: the base of every percentage. */
  readonly busyMs: number
  readonly startupMs: number
  readonly byStage: ReadonlyArray<readonly [string, number]>
  readonly selfByPackage: ReadonlyArray<readonly [string, number]>
  readonly selfByFunction: ReadonlyArray<readonly [string, number]>
  readonly inclusiveByFunction: ReadonlyArray<readonly [string, number]>
}

export function summarizeProfile(profile: CpuProfile): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const parentOf = new Map<number, number>()
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id)
  const byStage = new Map<string, number>()
  const selfByPackage = new Map<string, number>()
  const selfByFunction = new Map<string, number>()
  const inclusiveByFunction = new Map<string, number>()
  const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us)
  let totalUs = 0
  let idleUs = 0
  let startupUs = 0
  profile.samples.forEach((sampleId, index) => {
    const us = profile.timeDeltas[index] ?? 0
    const node = byId.get(sampleId)
    if (!node) return
    totalUs += us
    if (node.callFrame.functionName === IDLE) {
      idleUs += us
      return
    }
    const stack: string[] = []
    for (let id: number | undefined = sampleId; id !== undefined; id = parentOf.get(id)) {
      const frame = byId.get(id)
      if (frame && frame.callFrame.functionName !== '(root)') stack.push(frameName(frame))
    }
    const stage = stageOf(stack)
    if (stage === STARTUP) {
      startupUs += us
      return
    }
    add(byStage, stage, us)
    add(selfByPackage, packageOf(node.callFrame.url, node.callFrame.functionName), us)
    add(selfByFunction, frameName(node), us)
    // Each function once per sample, however often it recurses.
    for (const name of new Set(stack)) add(inclusiveByFunction, name, us)
  })
  const ranked = (map: Map<string, number>) =>
    [...map].sort((left, right) => right[1] - left[1]).map(([name, us]) => [name, us / 1000] as const)
  return {
    totalMs: totalUs / 1000,
    busyMs: (totalUs - idleUs - startupUs) / 1000,
    startupMs: startupUs / 1000,
    byStage: ranked(byStage),
    selfByPackage: ranked(selfByPackage),
    selfByFunction: ranked(selfByFunction),
    inclusiveByFunction: ranked(inclusiveByFunction),
  }
}

export async function printProfileSummary(path: string, top = 25): Promise<void> {
  const summary = summarizeProfile(JSON.parse(await readFile(path, 'utf8')) as CpuProfile)
  const share = (ms: number) => `${((ms / summary.busyMs) * 100).toFixed(1).padStart(5)} %`
  const table = (title: string, rows: ReadonlyArray<readonly [string, number]>) => {
    console.log(`\n${title}`)
    for (const [name, ms] of rows.slice(0, top)) console.log(`  ${share(ms)}  ${name}`)
  }
  console.log(`\n== ${path}`)
  console.log(
    `sampled ${summary.totalMs.toFixed(0)} ms: start-up ${summary.startupMs.toFixed(0)} ms, then busy ${summary.busyMs.toFixed(0)} ms (the base of the percentages below)`,
  )
  table('time by stage', summary.byStage)
  table('self time by package', summary.selfByPackage)
  table('self time by function', summary.selfByFunction)
  table('inclusive time by function', summary.inclusiveByFunction)
}

if (import.meta.main) {
  const [path, top] = process.argv.slice(2)
  if (path === undefined) throw new Error('usage: summarize-cpu-profile.ts <file.cpuprofile> [top]')
  await printProfileSummary(path, top === undefined ? 25 : Number(top))
}
