/**
 * The byte stream both archive writers share (tar for .deb, .tar.gz and OCI layers, cpio for
 * .rpm), produced in fixed-size blocks. A writer describes its archive as records - a head (the
 * header bytes), the content of a file entry, zero padding - and this module lays them out
 * block after block:
 *
 * - content is read from each file straight into the block at its place (a positional read per
 *   file and block), and all the reads of a block are issued at once, so file-system latency
 *   overlaps itself and the compression of earlier blocks;
 * - no buffer is allocated per file and no content byte is copied on the way; blocks come from a
 *   `BlockPool`, which the compressor gives them back to;
 * - the tree is never held in memory: one block is filled at a time.
 *
 * Files are opened with O_NOFOLLOW (a source swapped for a symlink after staging is not
 * followed). A file's last read asks for one byte more than its size, so a file that grew or
 * shrank since staging fails the write instead of producing an archive whose headers disagree
 * with its data.
 */
import { close as closeFile, constants, open as openFile, read as readFile } from 'node:fs'
import { OperationError } from '../errors.js'
import { BlockPool } from './block-pool.js'
import { generatedContent } from './entry-content.js'
import type { TreeEntry } from './model.js'
import { DEFLATE_BLOCK_BYTES } from './parallel-deflate.js'

/** One record of an archive. Every head is non-empty (tar and cpio headers always are). */
export interface ArchiveRecord {
  head: Uint8Array
  /** The regular file whose content follows the head. */
  file?: TreeEntry
  /** Zero bytes after the content. */
  pad: number
}

export interface ArchiveBlockOptions {
  /**
   * Sees the content of every file entry (in order, in one or more pieces; an empty file once,
   * empty), so per-file digests (md5sums, RPM file digests) cost no second read. A piece is only
   * valid during the call.
   */
  onContent?: ((entry: TreeEntry, chunk: Uint8Array) => void) | undefined
  /** Where blocks come from; pass the compressor the same pool and it gives them back. */
  pool?: BlockPool | undefined
}

/** Bytes per block: the compressor's block size, so a filled block is handed over without a copy. */
export const ARCHIVE_BLOCK_BYTES = DEFLATE_BLOCK_BYTES

/** A pool of archive-sized blocks, for one archive and its compressor. */
export function archiveBlockPool(): BlockPool {
  return new BlockPool(ARCHIVE_BLOCK_BYTES)
}

/** Yields the archive's bytes in blocks of `ARCHIVE_BLOCK_BYTES` (the last one shorter). */
export async function* archiveBlocks(
  records: Iterable<ArchiveRecord>,
  options: ArchiveBlockOptions = {}
): AsyncGenerator<Buffer> {
  const pool = options.pool ?? archiveBlockPool()
  const layout = new BlockLayout(records[Symbol.iterator](), options.onContent)
  try {
    for (;;) {
      const block = pool.take()
      const filled = await layout.fill(block)
      if (filled === 0) return
      yield filled === block.length ? block : block.subarray(0, filled)
      if (filled < block.length) return
    }
  } finally {
    await layout.release()
  }
}

/** A record partly laid out: how much of it is placed, and the open file behind it. */
interface OpenRecord {
  record: ArchiveRecord
  contentStart: number
  contentEnd: number
  end: number
  placed: number
  descriptor?: Promise<number>
}

/** Work for one block: reads first, then head copies and zero fills (a probe byte may land on them). */
interface BlockWork {
  view: Buffer
  reads: Promise<void>[]
  placements: Array<() => void>
  pieces: Array<{ entry: TreeEntry; at: number; length: number }>
}

class BlockLayout {
  private current: OpenRecord | undefined

  constructor(
    private readonly records: Iterator<ArchiveRecord>,
    private readonly onContent: ArchiveBlockOptions['onContent']
  ) {}

  /** Fills `block` with the next bytes of the archive; returns how many (0 at the end). */
  async fill(block: Buffer): Promise<number> {
    const work: BlockWork = { view: BlockPool.withSpareByte(block), reads: [], placements: [], pieces: [] }
    let at = 0
    while (at < block.length) {
      const open = this.current ?? this.nextRecord()
      if (!open) break
      const take = Math.min(block.length - at, open.end - open.placed)
      this.place(open, at, take, work)
      open.placed += take
      at += take
      this.current = open.placed === open.end ? undefined : open
    }
    const failed = (await Promise.allSettled(work.reads)).find((r) => r.status === 'rejected')
    if (failed) throw (failed as PromiseRejectedResult).reason
    for (const place of work.placements) place()
    for (const piece of work.pieces)
      this.onContent?.(piece.entry, block.subarray(piece.at, piece.at + piece.length))
    return at
  }

  /** Closes the file of a record left half-placed (the archive was abandoned or failed). */
  async release(): Promise<void> {
    const descriptor = this.current?.descriptor
    this.current = undefined
    if (descriptor) await descriptor.then(closeDescriptor, () => undefined)
  }

  private nextRecord(): OpenRecord | undefined {
    const next = this.records.next()
    if (next.done) return undefined
    const record = next.value
    if (record.head.length === 0) throw new Error('archive record with an empty head')
    const contentStart = record.head.length
    const contentEnd = contentStart + (record.file?.size ?? 0)
    return { record, contentStart, contentEnd, end: contentEnd + record.pad, placed: 0 }
  }

  /** Lays out bytes [placed, placed + take) of a record at `at` in the block. */
  private place(open: OpenRecord, at: number, take: number, work: BlockWork): void {
    const from = open.placed
    const to = from + take
    const blockAt = (offset: number) => at + (offset - from)
    const { head, file, pad } = open.record
    if (from < open.contentStart) {
      const end = Math.min(to, open.contentStart)
      work.placements.push(() => work.view.set(head.subarray(from, end), at))
    }
    if (file) {
      const start = Math.max(from, open.contentStart)
      const end = Math.min(to, open.contentEnd)
      // An empty file has one empty piece, in the block where its head ends (heads are never empty).
      const touches = file.size === 0 ? from < open.contentStart && open.contentStart <= to : start < end
      if (touches) {
        const piece = { entry: file, at: blockAt(start), length: Math.max(0, end - start) }
        work.pieces.push(piece)
        const content = generatedContent(file)
        if (content) {
          work.placements.push(() =>
            work.view.set(content.subarray(start - open.contentStart, end - open.contentStart), piece.at)
          )
        } else {
          work.reads.push(this.readPiece(open, work.view, piece.at, start - open.contentStart, piece.length))
        }
      }
    }
    if (pad > 0 && to > open.contentEnd) {
      const start = Math.max(from, open.contentEnd)
      work.placements.push(() => work.view.fill(0, blockAt(start), blockAt(to)))
    }
  }

  /** Reads `length` bytes of a record's file at `position` into the block; the last piece closes it. */
  private async readPiece(
    open: OpenRecord,
    view: Buffer,
    at: number,
    position: number,
    length: number
  ): Promise<void> {
    const file = open.record.file as TreeEntry
    const source = file.source
    if (!source) throw new Error(`entry ${file.path} has neither source nor content`)
    const descriptor = await (open.descriptor ??= openDescriptor(source))
    const last = position + length === file.size
    let complete = false
    try {
      // The last piece asks for one byte more: getting it means the file grew.
      const got = await readFully(descriptor, view, at, last ? length + 1 : length, position)
      if (got !== length) {
        const found = got > length ? `more than ${file.size}` : `${position + got}`
        throw new OperationError(
          `${source} changed while it was being packaged (expected ${file.size} bytes, found ${found})`
        )
      }
      complete = true
    } finally {
      if (last || !complete) {
        open.descriptor = undefined
        await closeDescriptor(descriptor)
      }
    }
  }
}

function openDescriptor(file: string): Promise<number> {
  return new Promise((resolve, reject) =>
    openFile(file, constants.O_RDONLY | constants.O_NOFOLLOW, (error, fd) =>
      error ? reject(error) : resolve(fd)
    )
  )
}

function closeDescriptor(fd: number): Promise<void> {
  return new Promise((resolve) => closeFile(fd, () => resolve()))
}

/** Reads until `length` bytes are in or the file ends; returns how many were read. */
async function readFully(
  fd: number,
  into: Buffer,
  at: number,
  length: number,
  position: number
): Promise<number> {
  let got = 0
  while (got < length) {
    const n = await new Promise<number>((resolve, reject) =>
      readFile(fd, into, at + got, length - got, position + got, (error, bytesRead) =>
        error ? reject(error) : resolve(bytesRead)
      )
    )
    if (n === 0) break
    got += n
  }
  return got
}
