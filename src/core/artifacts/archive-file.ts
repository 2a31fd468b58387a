/**
 * Writes a tree as a `.tar` or `.tar.gz` file and returns the digests a package or an image needs:
 * the uncompressed tar's sha256 (an OCI `diff_id`) and the stored file's sha256 and size (an OCI
 * layer descriptor, a .tar.gz artifact).
 *
 *   const { tar, stored } = await writeTreeArchive(tree.entries, '/tmp/layer.tar.gz',
 *     { tar: { mtime: tree.mtime, namePrefix: '' }, gzip: {} })
 */
import { createHash } from 'node:crypto'
import { pipeline } from 'node:stream/promises'
import { writeFileAtomically, fileSink, type SinkFactory } from './atomic-file.js'
import { gzipChunks, type GzipOptions } from './gzip.js'
import type { TreeEntry } from './model.js'
import { tarChunks, type TarOptions } from './tar-writer.js'

export interface StreamDigest {
  /** Hex sha256 of the bytes. */
  sha256: string
  size: number
}

export interface ArchiveDigests {
  /** The uncompressed tar stream. */
  tar: StreamDigest
  /** The bytes written to the file (equal to `tar` without compression). */
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

/** A pass-through pipeline stage that hashes and counts what flows through it. */
export function digestStage(
  into: StreamDigest,
  onBytes?: (bytes: number) => void
): (source: AsyncIterable<Uint8Array>) => AsyncGenerator<Uint8Array> {
  return async function* (source) {
    const hash = createHash('sha256')
    let size = 0
    for await (const chunk of source) {
      hash.update(chunk)
      size += chunk.length
      onBytes?.(size)
      yield chunk
    }
    into.sha256 = hash.digest('hex')
    into.size = size
  }
}

/** Streams `entries` into `dest` (atomically: nothing is left at `dest` on failure). */
export async function writeTreeArchive(
  entries: Iterable<TreeEntry>,
  dest: string,
  options: WriteArchiveOptions
): Promise<ArchiveDigests> {
  const tar: StreamDigest = { sha256: '', size: 0 }
  const stored: StreamDigest = { sha256: '', size: 0 }
  const sink = options.sink ?? fileSink
  const gzip = options.gzip
  await writeFileAtomically(dest, async (partial) => {
    if (gzip) {
      await pipeline(
        tarChunks(entries, options.tar),
        digestStage(tar, options.onProgress),
        (source: AsyncIterable<Uint8Array>) => gzipChunks(source, gzip),
        digestStage(stored),
        sink(partial)
      )
    } else {
      await pipeline(tarChunks(entries, options.tar), digestStage(tar, options.onProgress), sink(partial))
      Object.assign(stored, tar)
    }
  })
  return { tar, stored }
}
