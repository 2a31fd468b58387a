/**
 * Writes a tree as a `.tar` or `.tar.gz` file and returns what a package needs: the uncompressed
 * tar's size and the stored file's sha256 and size (a .tar.gz artifact, a .deb's data member).
 *
 *   const { tarSize, stored } = await writeTreeArchive(tree.entries, '/tmp/app.tar.gz',
 *     { tar: { mtime: tree.mtime, rootEntry: true }, gzip: {} })
 */
import { createHash } from 'node:crypto'
import { pipeline } from 'node:stream/promises'
import { writeFileAtomically, fileSink, type SinkFactory } from './atomic-file.js'
import { archiveBlockPool } from './archive-blocks.js'
import { gzipChunks, type GzipOptions } from './gzip.js'
import type { TreeEntry } from './model.js'
import { tarChunks, type TarOptions } from './tar-writer.js'

export interface StreamDigest {
  /** Hex sha256 of the bytes. */
  sha256: string
  size: number
}

export interface ArchiveDigests {
  /** Bytes of the uncompressed tar stream. */
  tarSize: number
  /** The bytes written to the file (the tar itself without compression). */
  stored: StreamDigest
}

export interface WriteArchiveOptions {
  tar: TarOptions
  /** Compress with deterministic gzip; `false` or absent writes a plain tar. */
  gzip?: GzipOptions | false
  /** Called with the number of uncompressed bytes produced so far (progress display). */
  onProgress?: (bytes: number) => void
  /** Where the bytes go (tests simulate a full disk); defaults to a file stream. */
  sink?: SinkFactory
}

/** A pass-through pipeline stage that counts what flows through it (sizes, progress). */
export function countStage(
  into: { size: number },
  onBytes?: (bytes: number) => void
): (source: AsyncIterable<Uint8Array>) => AsyncGenerator<Uint8Array> {
  return async function* (source) {
    for await (const chunk of source) {
      into.size += chunk.length
      onBytes?.(into.size)
      yield chunk
    }
  }
}

/** A pass-through pipeline stage that hashes and counts what flows through it. */
export function digestStage(
  into: StreamDigest
): (source: AsyncIterable<Uint8Array>) => AsyncGenerator<Uint8Array> {
  return async function* (source) {
    const hash = createHash('sha256')
    let size = 0
    for await (const chunk of source) {
      hash.update(chunk)
      size += chunk.length
      yield chunk
    }
    into.sha256 = hash.digest('hex')
    into.size = size
  }
}

/** Streams `entries` into `dest` (atomically: nothing is left at `dest` on failure). */
export async function writeTreeArchive(
  entries: readonly TreeEntry[],
  dest: string,
  options: WriteArchiveOptions
): Promise<ArchiveDigests> {
  const tar = { size: 0 }
  const stored: StreamDigest = { sha256: '', size: 0 }
  const sink = options.sink ?? fileSink
  const gzip = options.gzip
  await writeFileAtomically(dest, async (partial) => {
    if (gzip) {
      const pool = archiveBlockPool()
      await pipeline(
        tarChunks(entries, { ...options.tar, pool }),
        countStage(tar, options.onProgress),
        (source: AsyncIterable<Uint8Array>) => gzipChunks(source, gzip, pool),
        digestStage(stored),
        sink(partial)
      )
    } else {
      await pipeline(
        tarChunks(entries, options.tar),
        countStage(tar, options.onProgress),
        digestStage(stored),
        sink(partial)
      )
    }
  })
  return { tarSize: tar.size, stored }
}
