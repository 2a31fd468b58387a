/**
 * A streaming cpio "newc" writer (magic 070701, ASCII-hex header, names and data padded to 4
 * bytes, closed by `TRAILER!!!`): the payload format of RPM packages. Names carry the `./`
 * prefix rpm expects; every entry is root-owned and stamped with one mtime.
 */
import { archiveBlocks, type ArchiveRecord } from './archive-blocks.js'
import type { BlockPool } from './block-pool.js'
import type { TreeEntry } from './model.js'

export interface CpioOptions {
  mtime: number
  /** Sees each file's content as it streams by (RPM file digests). */
  onContent?: (entry: TreeEntry, chunk: Uint8Array) => void
  /** Where the stream's blocks come from; give the compressor the same pool to reuse them. */
  pool?: BlockPool
}

const TYPE_BITS = { file: 0o100000, dir: 0o040000, symlink: 0o120000 } as const
const MAX_FIELD = 0xffffffff

/** The full st_mode rpm stores (type bits + permissions). */
export function cpioMode(entry: TreeEntry): number {
  return TYPE_BITS[entry.type] | (entry.mode & 0o7777)
}

/** Size as rpm sees it: file length, link target length, 0 for folders. */
export function entryDataSize(entry: TreeEntry): number {
  if (entry.type === 'file') return entry.size
  if (entry.type === 'symlink') return Buffer.byteLength(entry.linkTarget ?? '')
  return 0
}

function pad4(n: number): number {
  return (4 - (n % 4)) % 4
}

function header(
  name: string,
  fields: { ino: number; mode: number; nlink: number; mtime: number; size: number }
) {
  const nameBytes = Buffer.from(`${name}\0`, 'utf8')
  const hex = (v: number): string => {
    if (v < 0 || v > MAX_FIELD) throw new Error(`cpio field ${v} does not fit 8 hex digits (files over 4 GB)`)
    return v.toString(16).padStart(8, '0')
  }
  const text =
    '070701' +
    [fields.ino, fields.mode, 0, 0, fields.nlink, fields.mtime, fields.size, 0, 0, 0, 0, nameBytes.length, 0]
      .map(hex)
      .join('')
  const head = Buffer.allocUnsafe(110 + nameBytes.length + pad4(110 + nameBytes.length)).fill(0)
  head.write(text, 0, 'latin1')
  nameBytes.copy(head, 110)
  return head
}

/**
 * Yields the cpio archive of `entries` (inode numbers 1..n in the given order), in blocks of
 * ARCHIVE_BLOCK_BYTES (see archive-blocks.ts).
 */
export function cpioChunks(entries: readonly TreeEntry[], options: CpioOptions): AsyncGenerator<Buffer> {
  return archiveBlocks(cpioRecords(entries, options.mtime), {
    onContent: options.onContent,
    pool: options.pool
  })
}

function* cpioRecords(entries: readonly TreeEntry[], mtime: number): Generator<ArchiveRecord> {
  let ino = 0
  for (const entry of entries) {
    ino += 1
    const size = entryDataSize(entry)
    const head = header(`./${entry.path}`, {
      ino,
      mode: cpioMode(entry),
      nlink: entry.type === 'dir' ? 2 : 1,
      mtime,
      size
    })
    if (entry.type === 'file') yield { head, file: entry, pad: pad4(size) }
    // A link's target is its data: part of the head, since there is no file to read.
    else if (entry.type === 'symlink')
      yield { head: Buffer.concat([head, Buffer.from(entry.linkTarget ?? '', 'utf8')]), pad: pad4(size) }
    else yield { head, pad: 0 }
  }
  yield { head: header('TRAILER!!!', { ino: 0, mode: 0, nlink: 1, mtime: 0, size: 0 }), pad: 0 }
}

/** Size in bytes of the archive `cpioChunks` writes for `entries` (for progress displays). */
export function cpioSize(entries: readonly TreeEntry[]): number {
  const record = (name: string, size: number): number => {
    const head = 110 + Buffer.byteLength(name) + 1
    return head + pad4(head) + size + pad4(size)
  }
  let total = record('TRAILER!!!', 0)
  for (const entry of entries) total += record(`./${entry.path}`, entryDataSize(entry))
  return total
}
