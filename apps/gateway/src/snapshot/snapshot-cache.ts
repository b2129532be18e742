import { createHash } from 'node:crypto'
import { readFile, rename, writeFile } from 'node:fs/promises'
import type { SnapshotMessage } from './snapshot-state.ts'

/**
 * The last good snapshot on local disk, so a pod can start and serve while NATS or the control
 * plane is down. Written atomically (temp file + rename): a crash mid-write leaves the previous
 * file intact.
 */
export async function readSnapshotCache(path: string): Promise<SnapshotMessage | undefined> {
  let body: Buffer
  try {
    body = await readFile(path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
  const revision = revisionOf(body)
  const checksum = createHash('sha256').update(body).digest('hex')
  return { revision, checksum, body: new Uint8Array(body.buffer, body.byteOffset, body.byteLength) }
}

export async function writeSnapshotCache(path: string, message: SnapshotMessage): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`
  await writeFile(temporary, message.body, { mode: 0o600 })
  await rename(temporary, path)
}

/**
 * The revision inside the body (0 when unreadable: the state then refuses it as invalid). This
 * parses the body once more than strictly needed, at start-up only.
 */
function revisionOf(body: Buffer): number {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'))
    const revision = typeof parsed === 'object' && parsed !== null && 'revision' in parsed ? parsed.revision : undefined
    return typeof revision === 'number' ? revision : 0
  } catch {
    return 0
  }
}
