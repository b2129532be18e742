import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const repoRoot = new URL('../../../', import.meta.url).pathname
const biome = join(repoRoot, 'node_modules/.bin/biome')

// A scratch tree with the repo's own biome.json (minus the git integration), so probe files
// can sit at the paths the rules are about without touching the work tree.
const scratch = mkdtempSync(join(tmpdir(), 'sy-boundaries-'))
const { $schema: _schema, vcs: _vcs, ...biomeConfig } = JSON.parse(readFileSync(join(repoRoot, 'biome.json'), 'utf8'))
writeFileSync(join(scratch, 'biome.json'), JSON.stringify(biomeConfig))
let probeCount = 0

/** Lints one made-up file as if it lived at `path` in the repo. */
function lint(path: string, source: string): { isRefused: boolean; output: string } {
  probeCount += 1
  const probePath = path.replace(/\.ts$/, `${probeCount}.ts`)
  mkdirSync(dirname(join(scratch, probePath)), { recursive: true })
  writeFileSync(join(scratch, probePath), source)
  const result = spawnSync(biome, ['lint', probePath], {
    cwd: scratch,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  return { isRefused: result.status !== 0, output: `${result.stdout}${result.stderr}` }
}

afterAll(() => rmSync(scratch, { recursive: true, force: true }))

const importOf = (specifier: string) => `import { thing } from '${specifier}'\nexport const used = thing\n`

describe('import boundaries (biome.json)', () => {
  it.each([
    'pg',
    '@switchyard/db',
    'drizzle-orm',
    'drizzle-orm/pg-core',
    '@electric-sql/pglite',
    '@clickhouse/client',
    'chdb',
    'chdb/connection',
    '@switchyard/usage-store',
    '@switchyard/control-plane',
  ])('the gateway cannot import %s', (specifier) => {
    const result = lint('apps/gateway/src/probe.ts', importOf(specifier))
    expect(result.isRefused).toBe(true)
    expect(result.output).toContain('noRestrictedImports')
  })

  it('the gateway can import the contracts and the bus', () => {
    expect(lint('apps/gateway/src/probe.ts', importOf('@switchyard/contracts')).isRefused).toBe(false)
    expect(lint('apps/gateway/src/probe.ts', importOf('@switchyard/bus')).isRefused).toBe(false)
  })

  it('the admin UI can import only the contracts among our packages, and nothing from node:', () => {
    expect(lint('apps/admin-ui/src/probe.ts', importOf('@switchyard/contracts')).isRefused).toBe(false)
    for (const specifier of [
      '@switchyard/db',
      '@switchyard/bus',
      '@switchyard/config',
      'node:fs',
      'node:fs/promises',
    ]) {
      expect(lint('apps/admin-ui/src/probe.ts', importOf(specifier)).isRefused, specifier).toBe(true)
    }
  })

  it('contracts import nothing of ours and do no I/O', () => {
    for (const specifier of ['@switchyard/bus', 'node:fs', 'node:fs/promises', 'node:net']) {
      expect(lint('packages/contracts/src/probe.ts', importOf(specifier)).isRefused, specifier).toBe(true)
    }
    expect(lint('packages/contracts/src/probe.ts', importOf('zod')).isRefused).toBe(false)
  })

  it('packages import neither apps nor each other, only the contracts', () => {
    expect(lint('packages/bus/src/probe.ts', importOf('@switchyard/contracts')).isRefused).toBe(false)
    for (const specifier of ['@switchyard/db', '@switchyard/config', '@switchyard/gateway']) {
      expect(lint('packages/bus/src/probe.ts', importOf(specifier)).isRefused, specifier).toBe(true)
    }
    expect(lint('packages/db/src/probe.ts', importOf('@switchyard/control-plane')).isRefused).toBe(true)
  })

  it('the ingester does not reach into Postgres', () => {
    expect(lint('apps/ingester/src/probe.ts', importOf('@switchyard/db')).isRefused).toBe(true)
  })
})
