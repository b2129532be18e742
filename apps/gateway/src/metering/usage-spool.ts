import { type FileHandle, mkdir, open, readdir, readFile, stat, unlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

export interface UsageSpoolSettings {
  /** A segment is closed and a new one started once it would pass this size. */
  readonly segmentMaxBytes: number
  /** The whole spool never holds more; lines that would pass it are refused (the caller counts them). */
  readonly maxBytes: number
}

const DEFAULT_SETTINGS: UsageSpoolSettings = {
  segmentMaxBytes: 4 * 1024 * 1024,
  maxBytes: 256 * 1024 * 1024,
}

/** A spooled event: its id and its JSON, exactly as it will be published. */
export interface SpooledEvent {
  readonly id: string
  readonly line: string
}

export interface SpoolAppendResult {
  /** How many of the lines, from the first, are on disk. */
  readonly written: number
  /** Why the rest are not, when it was not the size cap: the write error. */
  readonly failure: unknown
}

/** Another live process spools into this directory: two would replay and delete each other's files. */
export class UsageSpoolLockedError extends Error {
  override readonly name = 'UsageSpoolLockedError'
}

const LOCK_NAME = 'spool.lock'
const SEGMENT_NAME = /^usage-(\d{12})\.jsonl$/
/** Same bounds as a bus message id (`Nats-Msg-Id`). */
const EVENT_ID = /^[\x21-\x7e]{1,128}$/

function segmentName(sequence: number): string {
  return `usage-${String(sequence).padStart(12, '0')}.jsonl`
}

interface Segment {
  readonly sequence: number
  readonly path: string
  sizeBytes: number
}

/** The oldest segment, read whole, and how far its replay got. */
interface ReadingSegment {
  readonly segment: Segment
  readonly events: readonly SpooledEvent[]
  position: number
}

/**
 * Usage events that could not be published, on local disk until the bus takes them: JSON Lines
 * (one event per line) in numbered segment files of about `segmentMaxBytes`, written with
 * `fs/promises`. Appends go to the newest segment; replay reads the oldest one whole and deletes
 * it once every line in it was published.
 *
 * Replay progress inside a segment is an in-memory line offset, not a rewrite: a segment is
 * never modified after it is written. After a restart a partly replayed segment is replayed
 * from its first line again; the repeats carry the same event ids, so the stream and ClickHouse
 * drop them. A process never appends to a segment an earlier process left behind (the file may
 * end in a line torn by a crash): it starts a new one. A line that is not a JSON object with an
 * id (a torn write) is skipped and counted.
 *
 * Lines are not fsync'ed: a crash of the process loses nothing written, a crash of the machine
 * may lose the last writes the kernel had not flushed.
 *
 * Every file operation runs in one queue, so an append never races the rotation or deletion
 * of the segment it writes to. One process owns a directory at a time (`spool.lock`).
 */
export class UsageSpool {
  readonly #dir: string
  readonly #settings: UsageSpoolSettings
  /** Oldest first. The last one is the active segment when `#active` is set. */
  readonly #segments: Segment[]
  #nextSequence: number
  #active: { readonly segment: Segment; readonly file: FileHandle } | null = null
  #reading: ReadingSegment | null = null
  #operations: Promise<unknown> = Promise.resolve()
  #bytes: number
  #corruptLines = 0
  #isClosed = false

  private constructor(dir: string, settings: UsageSpoolSettings, segments: Segment[]) {
    this.#dir = dir
    this.#settings = settings
    this.#segments = segments
    this.#nextSequence = (segments.at(-1)?.sequence ?? 0) + 1
    this.#bytes = segments.reduce((sum, segment) => sum + segment.sizeBytes, 0)
  }

  /** Opens (creating if needed) the spool directory and takes over what an earlier process left. */
  static async open(dir: string, settings: Partial<UsageSpoolSettings> = {}): Promise<UsageSpool> {
    await mkdir(dir, { recursive: true })
    await lockSpool(dir)
    const segments: Segment[] = []
    for (const name of await readdir(dir)) {
      const match = SEGMENT_NAME.exec(name)
      if (!match?.[1]) continue
      const path = join(dir, name)
      segments.push({ sequence: Number(match[1]), path, sizeBytes: (await stat(path)).size })
    }
    segments.sort((a, b) => a.sequence - b.sequence)
    return new UsageSpool(dir, { ...DEFAULT_SETTINGS, ...settings }, segments)
  }

  /** Bytes of every segment on disk, replayed lines of the oldest one included until it is deleted. */
  get bytes(): number {
    return this.#bytes
  }

  /** Lines skipped on replay because they were not an event (a write torn by a crash). */
  get corruptLines(): number {
    return this.#corruptLines
  }

  /** True when nothing is left to replay. */
  get isEmpty(): boolean {
    return this.#segments.length === 0 && this.#reading === null
  }

  /**
   * Appends events in order, each `line` the event's JSON without a newline. Resolves with how
   * many of the first ones were written: all, or those that fit in `maxBytes`, or those before
   * a write failed (`failure`). The caller counts the rest as lost.
   */
  append(lines: readonly string[]): Promise<SpoolAppendResult> {
    return this.#serially(() => this.#append(lines))
  }

  /**
   * Up to `max` events of the oldest segment not yet acknowledged, in the order they were
   * written. Empty when the spool is. Call `acknowledge` before asking again.
   */
  nextBatch(max: number): Promise<SpooledEvent[]> {
    return this.#serially(async () => {
      const reading = await this.#readOldest()
      return reading ? reading.events.slice(reading.position, reading.position + max) : []
    })
  }

  /** The first `count` events of the last batch are stored on the bus; a finished segment is deleted. */
  acknowledge(count: number): Promise<void> {
    return this.#serially(async () => {
      const reading = this.#reading
      if (!reading) return
      reading.position = Math.min(reading.events.length, reading.position + count)
      if (reading.position === reading.events.length) await this.#dropReading(reading)
    })
  }

  /** Closes the active segment and releases the directory; what is on disk stays for the next start. */
  close(): Promise<void> {
    return this.#serially(async () => {
      if (this.#isClosed) return
      this.#isClosed = true
      await this.#rotate()
      await unlink(join(this.#dir, LOCK_NAME)).catch(() => undefined)
    })
  }

  #serially<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.#operations.then(operation)
    this.#operations = result.catch(() => undefined)
    return result
  }

  async #append(lines: readonly string[]): Promise<SpoolAppendResult> {
    if (this.#isClosed) return { written: 0, failure: new Error('the usage spool is closed') }
    let written = 0
    let chunk = ''
    let chunkBytes = 0
    let chunkLines = 0
    try {
      for (const line of lines) {
        const text = `${line}\n`
        const size = Buffer.byteLength(text)
        if (this.#bytes + chunkBytes + size > this.#settings.maxBytes) break
        const activeBytes = (this.#active?.segment.sizeBytes ?? 0) + chunkBytes
        if (activeBytes > 0 && activeBytes + size > this.#settings.segmentMaxBytes) {
          if (chunkBytes > 0) await this.#write(chunk, chunkBytes)
          written += chunkLines
          await this.#rotate()
          chunk = ''
          chunkBytes = 0
          chunkLines = 0
        }
        chunk += text
        chunkBytes += size
        chunkLines += 1
      }
      if (chunkBytes > 0) await this.#write(chunk, chunkBytes)
      return { written: written + chunkLines, failure: null }
    } catch (error) {
      return { written, failure: error }
    }
  }

  async #write(text: string, sizeBytes: number): Promise<void> {
    const active = this.#active ?? (await this.#startSegment())
    try {
      await active.file.appendFile(text)
      active.segment.sizeBytes += sizeBytes
      this.#bytes += sizeBytes
    } catch (error) {
      // Part of the text may be on disk: count what is, and never append after a torn line.
      const sizeOnDisk = await stat(active.segment.path).then(
        (stats) => stats.size,
        () => active.segment.sizeBytes,
      )
      this.#bytes += sizeOnDisk - active.segment.sizeBytes
      active.segment.sizeBytes = sizeOnDisk
      await this.#rotate()
      throw error
    }
  }

  async #startSegment(): Promise<{ segment: Segment; file: FileHandle }> {
    const sequence = this.#nextSequence
    this.#nextSequence += 1
    const segment: Segment = { sequence, path: join(this.#dir, segmentName(sequence)), sizeBytes: 0 }
    // `wx`: a file of that name would be another process's: never write into it.
    const file = await open(segment.path, 'wx')
    this.#segments.push(segment)
    this.#active = { segment, file }
    return this.#active
  }

  /** Closes the active segment: later appends start a new one. */
  async #rotate(): Promise<void> {
    const active = this.#active
    if (!active) return
    this.#active = null
    await active.file.close()
    if (active.segment.sizeBytes === 0) await this.#deleteSegment(active.segment)
  }

  async #readOldest(): Promise<ReadingSegment | null> {
    for (;;) {
      if (this.#reading) return this.#reading
      const oldest = this.#segments[0]
      if (!oldest) return null
      // The segment being appended to is closed first, so the one replayed never changes.
      if (this.#active?.segment === oldest) await this.#rotate()
      if (this.#segments[0] !== oldest) continue
      const reading: ReadingSegment = { segment: oldest, events: await this.#parse(oldest), position: 0 }
      if (reading.events.length > 0) {
        this.#reading = reading
        return reading
      }
      await this.#deleteSegment(oldest)
    }
  }

  async #parse(segment: Segment): Promise<SpooledEvent[]> {
    const text = await readFile(segment.path, 'utf8')
    const events: SpooledEvent[] = []
    for (const line of text.split('\n')) {
      if (line === '') continue
      const id = eventIdOf(line)
      if (id === null) this.#corruptLines += 1
      else events.push({ id, line })
    }
    return events
  }

  async #dropReading(reading: ReadingSegment): Promise<void> {
    this.#reading = null
    await this.#deleteSegment(reading.segment)
  }

  async #deleteSegment(segment: Segment): Promise<void> {
    const index = this.#segments.indexOf(segment)
    if (index >= 0) this.#segments.splice(index, 1)
    this.#bytes -= segment.sizeBytes
    await unlink(segment.path).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    })
  }
}

/** The id of a spooled line, or null when the line is not a usage event object (a torn write). */
function eventIdOf(line: string): string | null {
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch {
    return null
  }
  if (typeof value !== 'object' || value === null || !('id' in value)) return null
  const { id } = value
  return typeof id === 'string' && EVENT_ID.test(id) ? id : null
}

/**
 * Takes the spool directory for this process (`spool.lock` holds its pid). A lock left by a
 * process that is gone, or that names this process's own pid (a container restarted with the
 * same pid), is taken over.
 */
async function lockSpool(dir: string): Promise<void> {
  const path = join(dir, LOCK_NAME)
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      await writeFile(path, String(process.pid), { flag: 'wx' })
      return
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
    const holder = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10)
    if (holder > 0 && holder !== process.pid && isAlive(holder)) {
      throw new UsageSpoolLockedError(`usage spool ${dir} is in use by process ${holder}`)
    }
    await unlink(path).catch(() => undefined)
  }
  throw new UsageSpoolLockedError(`usage spool ${dir}: could not take its lock`)
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
