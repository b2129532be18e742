const OBJECT_NAME = /^snapshot-(\d{1,15})-[0-9a-f]{16}$/

/**
 * Names a stored snapshot body by revision, plus a checksum prefix so that two publishers
 * racing with the same revision never overwrite each other's body under a live pointer.
 */
export function snapshotObjectName(revision: number, checksum: string): string {
  return `snapshot-${revision}-${checksum.slice(0, 16)}`
}

/** The revision a name was made for, or null for a name this bus did not make. */
export function revisionOfSnapshotObject(name: string): number | null {
  const match = OBJECT_NAME.exec(name)
  return match?.[1] === undefined ? null : Number(match[1])
}
