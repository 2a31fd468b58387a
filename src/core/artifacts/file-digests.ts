/**
 * Per-file digests taken from the content as the archive writer streams it (its `onContent`),
 * so a .deb's md5sums and an .rpm's file digests cost no second read of the tree.
 *
 *   const md5 = new FileDigests('md5')
 *   tarChunks(entries, { mtime, onContent: md5.onContent })
 *   md5.of('opt/catalog/server.mjs')   // hex
 */
import crypto, { createHash, type Hash } from 'node:crypto'
import type { TreeEntry } from './model.js'

export type FileDigestAlgorithm = 'md5' | 'sha256'

export class FileDigests {
  private readonly digests = new Map<string, string>()
  private running: { entry: TreeEntry; hash: Hash; bytes: number } | undefined

  constructor(private readonly algorithm: FileDigestAlgorithm) {}

  /** Content arrives file after file, each in order, so one running hash is enough. */
  readonly onContent = (entry: TreeEntry, chunk: Uint8Array): void => {
    if (this.running?.entry !== entry) {
      if (chunk.length === entry.size) {
        this.digests.set(entry.path, digestOnce(this.algorithm, chunk))
        return
      }
      this.running = { entry, hash: createHash(this.algorithm), bytes: 0 }
    }
    this.running.hash.update(chunk)
    this.running.bytes += chunk.length
    if (this.running.bytes === entry.size) {
      this.digests.set(entry.path, this.running.hash.digest('hex'))
      this.running = undefined
    }
  }

  /** The hex digest of a file entry's content, or undefined if it has not streamed by. */
  of(path: string): string | undefined {
    return this.digests.get(path)
  }
}

/** A whole file in one piece: one-shot hashing where Node has it (20.12 and later), no Hash object. */
function digestOnce(algorithm: FileDigestAlgorithm, data: Uint8Array): string {
  if (typeof crypto.hash === 'function') return crypto.hash(algorithm, data, 'hex')
  return createHash(algorithm).update(data).digest('hex')
}
