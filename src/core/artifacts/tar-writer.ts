/**
 * A streaming tar writer for FileTree entries, in the dialect dpkg and OCI runtimes both read:
 * ustar headers, GNU `L`/`K` records for names or link targets longer than 100 bytes, never PAX
 * (dpkg rejects PAX). Every entry is owned by 0/0 `root`/`root` and stamped with one mtime, so
 * the same tree always gives the same bytes.
 *
 *   for await (const chunk of tarChunks(tree.entries, { mtime: tree.mtime })) ...
 *
 * or as the first stage of `stream/promises` pipeline (see archive-file.ts for tar[.gz] files
 * with their digests). File content is read in bounded chunks: the tree is never held in memory.
 */
import type { TreeEntry } from './model.js'
import { archiveBlocks, type ArchiveRecord } from './archive-blocks.js'
import type { BlockPool } from './block-pool.js'

export interface TarOptions {
  /** The one timestamp written for every entry (SOURCE_DATE_EPOCH). */
  mtime: number
  /**
   * Prefix of every name: `./` (the default; Debian data.tar and plain .tar.gz) gives
   * `./opt/catalog/`, `''` gives `opt/catalog/` (OCI layers).
   */
  namePrefix?: string
  /** Write a `./` entry for the root folder first (dpkg-deb does). Only with the `./` prefix. */
  rootEntry?: boolean
  /**
   * Sees the content of every file entry as it streams by (in order, possibly in several
   * chunks), so per-file digests (md5sums, RPM file digests) cost no second read.
   */
  onContent?: (entry: TreeEntry, chunk: Uint8Array) => void
  /** Where the stream's blocks come from; give the compressor the same pool to reuse them. */
  pool?: BlockPool
}

const BLOCK = 512
const MAX_OCTAL_SIZE = 0o77777777777
const USTAR_MAGIC = 'ustar\u000000'
const GNU_MAGIC = 'ustar  \u0000'
const LONG_NAME = '././@LongLink'

/**
 * Yields the tar stream of `entries`, in the order given, ending with the two zero blocks, in
 * blocks of ARCHIVE_BLOCK_BYTES (see archive-blocks.ts).
 */
export function tarChunks(entries: readonly TreeEntry[], options: TarOptions): AsyncGenerator<Buffer> {
  return archiveBlocks(tarRecords(entries, options), { onContent: options.onContent, pool: options.pool })
}

function* tarRecords(entries: readonly TreeEntry[], options: TarOptions): Generator<ArchiveRecord> {
  const prefix = options.namePrefix ?? './'
  if (options.rootEntry && prefix === './') {
    yield { head: header({ name: './', type: '5', mode: 0o755, size: 0, mtime: options.mtime }), pad: 0 }
  }
  for (const entry of entries) {
    const head = headerWithLongNames({
      name: prefix + entry.path + (entry.type === 'dir' ? '/' : ''),
      type: entry.type === 'dir' ? '5' : entry.type === 'symlink' ? '2' : '0',
      mode: entry.mode,
      size: entry.type === 'file' ? entry.size : 0,
      mtime: options.mtime,
      linkName: entry.type === 'symlink' ? (entry.linkTarget ?? '') : ''
    })
    if (entry.type === 'file') yield { head, file: entry, pad: padding(entry.size) }
    else yield { head, pad: 0 }
  }
  yield { head: Buffer.alloc(BLOCK * 2), pad: 0 }
}

/** Size in bytes of the tar stream `tarChunks` writes for `entries` (for progress and sizes). */
export function tarSize(entries: Iterable<TreeEntry>, options: TarOptions): number {
  const prefix = options.namePrefix ?? './'
  let total = options.rootEntry && prefix === './' ? BLOCK : 0
  for (const entry of entries) {
    const name = Buffer.byteLength(prefix + entry.path + (entry.type === 'dir' ? '/' : ''))
    const link = entry.type === 'symlink' ? Buffer.byteLength(entry.linkTarget ?? '') : 0
    if (name > 100) total += BLOCK + roundUp(name + 1)
    if (link > 100) total += BLOCK + roundUp(link + 1)
    total += BLOCK + (entry.type === 'file' ? roundUp(entry.size) : 0)
  }
  return total + BLOCK * 2
}

interface HeaderFields {
  name: string
  type: '0' | '2' | '5' | 'L' | 'K'
  mode: number
  size: number
  mtime: number
  linkName?: string
  gnu?: boolean
}

/** The header of an entry, preceded by GNU long-name/long-link records when a field overflows. */
function headerWithLongNames(fields: HeaderFields): Buffer {
  const name = Buffer.from(fields.name, 'utf8')
  const link = Buffer.from(fields.linkName ?? '', 'utf8')
  const parts: Buffer[] = []
  if (link.length > 100) parts.push(longRecord('K', link, fields.mtime))
  if (name.length > 100) parts.push(longRecord('L', name, fields.mtime))
  const gnu = parts.length > 0
  parts.push(
    header({
      ...fields,
      name: name.subarray(0, 100).toString('latin1'),
      linkName: link.subarray(0, 100).toString('latin1'),
      gnu
    })
  )
  return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts)
}

/** A GNU `L` (long name) or `K` (long link) record: a header, then the NUL-terminated value. */
function longRecord(type: 'L' | 'K', value: Buffer, mtime: number): Buffer {
  const body = Buffer.alloc(roundUp(value.length + 1))
  value.copy(body)
  const head = header({ name: LONG_NAME, type, mode: 0o644, size: value.length + 1, mtime, gnu: true })
  return Buffer.concat([head, body])
}

/** One 512-byte header. `name` and `linkName` are latin1 strings of raw bytes (at most 100). */
function header(fields: HeaderFields): Buffer {
  // From node's small-buffer pool: one header per entry must not mean one allocation per entry.
  const block = Buffer.allocUnsafe(BLOCK).fill(0)
  block.write(fields.name, 0, 100, 'latin1')
  octal(block, 100, 8, fields.mode & 0o7777)
  octal(block, 108, 8, 0)
  octal(block, 116, 8, 0)
  sizeField(block, fields.size)
  octal(block, 136, 12, fields.mtime)
  block.fill(0x20, 148, 156)
  block.write(fields.type, 156, 1, 'latin1')
  if (fields.linkName) block.write(fields.linkName, 157, 100, 'latin1')
  block.write(fields.gnu ? GNU_MAGIC : USTAR_MAGIC, 257, 8, 'latin1')
  block.write('root', 265, 32, 'latin1')
  block.write('root', 297, 32, 'latin1')
  let sum = 0
  for (let i = 0; i < BLOCK; i++) sum += block[i] as number
  block.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 8, 'latin1')
  return block
}

function octal(block: Buffer, offset: number, width: number, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value >= 8 ** (width - 1)) {
    throw new Error(`tar: value ${value} does not fit a ${width}-byte field`)
  }
  block.write(`${value.toString(8).padStart(width - 1, '0')}\u0000`, offset, width, 'latin1')
}

/** Sizes above 8 GiB - 1 use the GNU base-256 form (high bit set, big-endian binary). */
function sizeField(block: Buffer, size: number): void {
  if (size <= MAX_OCTAL_SIZE) return octal(block, 124, 12, size)
  block[124] = 0x80
  let rest = BigInt(size)
  for (let i = 135; i > 124; i--) {
    block[i] = Number(rest & 0xffn)
    rest >>= 8n
  }
}

function roundUp(n: number): number {
  return Math.ceil(n / BLOCK) * BLOCK
}

function padding(size: number): number {
  return roundUp(size) - size
}
