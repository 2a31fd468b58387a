import { createHash, randomUUID } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { pipeline } from 'node:stream/promises'
import { join } from 'node:path'
import { gzipChunks, type GzipOptions } from '../gzip.js'
import type { FileTree } from '../model.js'
import { tarChunks } from '../tar-writer.js'
import type { LayerBlob } from './image-config.js'
import type { ImageLayout } from './image-layout.js'
import { MEDIA_TYPES } from './image-model.js'

/**
 * Writes a tree as a gzip layer blob in one streaming pass: the shared tar writer (names without
 * `./`, as OCI layers carry them) feeds a SHA-256 of the uncompressed tar (the config's diff_id),
 * then the deterministic gzip, whose SHA-256 is the blob digest. Neither the tree nor the layer is
 * held in memory. The gzip engine is the pure-JS one by default, so a layer's digest does not depend
 * on the Node version that built it (images are compared and reused across machines by digest).
 */
export async function writeLayer(
  layout: ImageLayout,
  tree: FileTree,
  gzip: GzipOptions = { engine: 'fflate' }
): Promise<LayerBlob> {
  const uncompressed = createHash('sha256')
  const compressed = createHash('sha256')
  let size = 0
  async function* hashTar(): AsyncGenerator<Uint8Array> {
    for await (const chunk of tarChunks(tree.entries, { mtime: tree.mtime, namePrefix: '' })) {
      uncompressed.update(chunk)
      yield chunk
    }
  }
  async function* hashGzip(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    for await (const chunk of source) {
      compressed.update(chunk)
      size += chunk.byteLength
      yield chunk
    }
  }
  const temporary = join(layout.dir, 'blobs', 'sha256', `.layer-${randomUUID()}`)
  await pipeline(hashGzip(gzipChunks(hashTar(), gzip)), createWriteStream(temporary))
  const digest = `sha256:${compressed.digest('hex')}`
  await layout.adoptBlob(temporary, digest)
  return {
    descriptor: { mediaType: MEDIA_TYPES.layerGzip, digest, size },
    diffId: `sha256:${uncompressed.digest('hex')}`
  }
}
