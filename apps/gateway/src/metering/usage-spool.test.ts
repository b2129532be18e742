import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type SpooledEvent, UsageSpool, UsageSpoolLockedError } from './usage-spool.ts'

let dir: string

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sy-spool-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

function line(id: string): string {
  return JSON.stringify({ id, kind: 'request', padding: 'x'.repeat(40) })
}

async function segmentFiles(): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.endsWith('.jsonl')).sort()
}

/** Replays everything, acknowledging each batch whole; returns the ids in replay order. */
async function drain(spool: UsageSpool, batchSize = 3): Promise<string[]> {
  const ids: string[] = []
  for (;;) {
    const batch: SpooledEvent[] = await spool.nextBatch(batchSize)
    if (batch.length === 0) return ids
    ids.push(...batch.map((event) => event.id))
    await spool.acknowledge(batch.length)
  }
}

describe('UsageSpool', () => {
  it('replays events in the order they were written and deletes what was replayed', async () => {
    const spool = await UsageSpool.open(dir)
    expect(spool.isEmpty).toBe(true)
    expect(await spool.append(['a', 'b', 'c'].map(line))).toEqual({ written: 3, failure: null })
    expect(await spool.append(['d', 'e'].map(line))).toEqual({ written: 2, failure: null })
    expect(spool.bytes).toBe(5 * (line('a').length + 1))
    expect(spool.isEmpty).toBe(false)

    const first = await spool.nextBatch(2)
    expect(first.map((event) => event.id)).toEqual(['a', 'b'])
    expect(first[0]?.line).toBe(line('a'))
    // Nothing acknowledged: the same events come again.
    expect((await spool.nextBatch(2)).map((event) => event.id)).toEqual(['a', 'b'])
    await spool.acknowledge(1)
    expect(await drain(spool)).toEqual(['b', 'c', 'd', 'e'])
    expect(spool.isEmpty).toBe(true)
    expect(spool.bytes).toBe(0)
    expect(await segmentFiles()).toEqual([])
    await spool.close()
  })

  it('rotates into segments of bounded size and replays them oldest first', async () => {
    const size = line('e00').length + 1
    const spool = await UsageSpool.open(dir, { segmentMaxBytes: size * 4 })
    const ids = Array.from({ length: 10 }, (_, index) => `e${String(index).padStart(2, '0')}`)
    await spool.append(ids.slice(0, 3).map(line))
    await spool.append(ids.slice(3).map(line))
    const files = await segmentFiles()
    expect(files).toHaveLength(3)
    const sizes = await Promise.all(files.map(async (name) => (await readFile(join(dir, name))).length))
    expect(sizes).toEqual([4 * size, 4 * size, 2 * size])

    // Acknowledging the first segment's events deletes its file, and only its file.
    const batch = await spool.nextBatch(10)
    expect(batch.map((event) => event.id)).toEqual(ids.slice(0, 4))
    await spool.acknowledge(4)
    expect(await segmentFiles()).toEqual(files.slice(1))
    expect(spool.bytes).toBe(6 * size)
    expect(await drain(spool)).toEqual(ids.slice(4))
    await spool.close()
  })

  it('keeps appending to a new segment while the oldest one is replayed', async () => {
    const spool = await UsageSpool.open(dir)
    await spool.append([line('old')])
    expect((await spool.nextBatch(10)).map((event) => event.id)).toEqual(['old'])
    await spool.append([line('new')])
    expect(await segmentFiles()).toHaveLength(2)
    await spool.acknowledge(1)
    expect(await drain(spool)).toEqual(['new'])
    await spool.close()
  })

  it('survives a restart: the next process replays what the last one spooled and never appends to its files', async () => {
    const before = await UsageSpool.open(dir)
    await before.append(['a', 'b', 'c'].map(line))
    // Half a segment replayed, then the process dies (no close).
    await before.nextBatch(2)
    await before.acknowledge(2)
    const [leftover] = await segmentFiles()

    const after = await UsageSpool.open(dir)
    expect(after.isEmpty).toBe(false)
    expect(after.bytes).toBe(3 * (line('a').length + 1))
    await after.append([line('d')])
    const files = await segmentFiles()
    expect(files).toHaveLength(2)
    expect(files[0]).toBe(leftover)
    // Progress inside a segment is not kept across restarts: a and b come again (same ids).
    expect(await drain(after)).toEqual(['a', 'b', 'c', 'd'])
    await after.close()
  })

  it('skips and counts corrupt lines, such as one torn by a crash mid-write', async () => {
    const text = [line('a'), 'not json at all', '{"kind":"request"}', line('b'), line('c').slice(0, 20)].join('\n')
    await writeFile(join(dir, 'usage-000000000007.jsonl'), text)
    const spool = await UsageSpool.open(dir)
    expect(await drain(spool)).toEqual(['a', 'b'])
    expect(spool.corruptLines).toBe(3)
    expect(await segmentFiles()).toEqual([])
    // New segments continue after the highest sequence found.
    await spool.append([line('d')])
    expect(await segmentFiles()).toEqual(['usage-000000000008.jsonl'])
    await spool.close()
  })

  it('refuses what would pass its byte cap and says how much it took', async () => {
    const size = line('a').length + 1
    const spool = await UsageSpool.open(dir, { maxBytes: size * 3 })
    expect(await spool.append(['a', 'b'].map(line))).toEqual({ written: 2, failure: null })
    expect(await spool.append(['c', 'd', 'e'].map(line))).toEqual({ written: 1, failure: null })
    expect(spool.bytes).toBe(size * 3)
    // Replaying frees room.
    await spool.nextBatch(3)
    await spool.acknowledge(3)
    expect(await spool.append(['f'].map(line))).toEqual({ written: 1, failure: null })
    expect(await drain(spool)).toEqual(['f'])
    await spool.close()
  })

  it('keeps its files after close, and takes nothing more', async () => {
    const spool = await UsageSpool.open(dir)
    await spool.append([line('a')])
    await spool.close()
    expect((await spool.append([line('b')])).written).toBe(0)
    const reopened = await UsageSpool.open(dir)
    expect(await drain(reopened)).toEqual(['a'])
    await reopened.close()
  })

  it('refuses a directory another live process spools into, and takes over a stale lock', async () => {
    // The parent process is alive and is not this one.
    await writeFile(join(dir, 'spool.lock'), String(process.ppid))
    await expect(UsageSpool.open(dir)).rejects.toBeInstanceOf(UsageSpoolLockedError)
    // A pid no process has (beyond the kernel's pid_max) is a lock left by a crash.
    await writeFile(join(dir, 'spool.lock'), '2147483647')
    const spool = await UsageSpool.open(dir)
    expect(await readFile(join(dir, 'spool.lock'), 'utf8')).toBe(String(process.pid))
    await spool.close()
    expect(await readdir(dir)).toEqual([])
  })
})
