/**
 * Deterministic gzip: the same input gives the same bytes on every run and machine.
 *
 * The 10-byte header is fixed (no timestamp, no file name, OS byte 3 = Unix whatever the host),
 * which node:zlib's gzip does not promise (its OS byte follows the platform). The deflate body
 * comes from one of two engines:
 * - `zlib` (default, packages): node's native zlib, compressing 1 MiB blocks in parallel on the
 *   libuv thread pool (parallel-deflate.ts). Identical bytes for one zlib build, which is one
 *   per Node major version; another Node major may give other (equally valid) bytes.
 * - `fflate`: pure JavaScript, pinned in the lockfile, so the bytes are identical across Node
 *   versions too (Node 20 on a laptop, Node 24 on the runner), at about a third of the speed.
 *   OCI layers use it, so an image digest does not depend on the Node version that built it.
 *   Fed fixed-size blocks, because its output depends on how input is split.
 *
 *   pipeline(tarChunks(...), (s) => gzipChunks(s), createWriteStream(file))
 */
import zlib from 'node:zlib'
import { Deflate, deflateSync } from 'fflate'
import type { BlockPool } from './block-pool.js'
import { parallelDeflate } from './parallel-deflate.js'

export type GzipEngine = 'fflate' | 'zlib'

export interface GzipOptions {
  /** 1 (fastest) to 9 (smallest). Default 6. */
  level?: number
  engine?: GzipEngine
}

export const DEFAULT_GZIP_LEVEL = 6
/** fflate's output depends on input block boundaries: always feed it blocks of this size. */
const FFLATE_BLOCK = 64 * 1024

/**
 * Compresses a stream of chunks into a gzip member with a fixed header. `pool` is the pool the
 * source's blocks come from (tarChunks, cpioChunks), so the zlib engine compresses them in place.
 */
export async function* gzipChunks(
  source: AsyncIterable<Uint8Array>,
  options: GzipOptions = {},
  pool?: BlockPool
): AsyncGenerator<Uint8Array> {
  const level = checkedLevel(options.level)
  const state = { crc: 0, size: 0 }
  yield gzipHeader(level)
  const counted = countInto(source, state)
  if (options.engine === 'fflate') yield* fflateDeflate(counted, level)
  else yield* parallelDeflate(counted, { level, ...(pool ? { pool } : {}) })
  yield gzipTrailer(state.crc, state.size)
}

/** gzip of a small in-memory buffer (changelog.gz), same header rules. */
export function gzipBuffer(data: Uint8Array, options: GzipOptions = {}): Buffer {
  const level = checkedLevel(options.level)
  const body =
    options.engine === 'fflate'
      ? deflateSync(data, { level: level as 6, mem: 8 })
      : zlib.deflateRawSync(data, { level })
  return Buffer.concat([gzipHeader(level), body, gzipTrailer(zlib.crc32(data), data.length)])
}

function checkedLevel(level: number | undefined): number {
  const value = level ?? DEFAULT_GZIP_LEVEL
  if (!Number.isInteger(value) || value < 1 || value > 9) throw new Error(`gzip level ${value} is not 1..9`)
  return value
}

/** ID1 ID2, CM=8 (deflate), FLG=0 (no name, comment or extra), MTIME=0, XFL, OS=3 (Unix). */
function gzipHeader(level: number): Buffer {
  const xfl = level === 9 ? 2 : level === 1 ? 4 : 0
  return Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, xfl, 3])
}

function gzipTrailer(crc: number, size: number): Buffer {
  const trailer = Buffer.alloc(8)
  trailer.writeUInt32LE(crc >>> 0, 0)
  trailer.writeUInt32LE(size % 2 ** 32, 4)
  return trailer
}

async function* countInto(
  source: AsyncIterable<Uint8Array>,
  state: { crc: number; size: number }
): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) {
    state.crc = zlib.crc32(chunk, state.crc)
    state.size += chunk.length
    yield chunk
  }
}

async function* fflateDeflate(source: AsyncIterable<Uint8Array>, level: number): AsyncGenerator<Uint8Array> {
  const out: Uint8Array[] = []
  const deflate = new Deflate({ level: level as 6, mem: 8 }, (data) => {
    out.push(data)
  })
  const block = Buffer.alloc(FFLATE_BLOCK)
  let filled = 0
  for await (const chunk of source) {
    let offset = 0
    while (offset < chunk.length) {
      const take = Math.min(FFLATE_BLOCK - filled, chunk.length - offset)
      block.set(chunk.subarray(offset, offset + take), filled)
      filled += take
      offset += take
      if (filled === FFLATE_BLOCK) {
        deflate.push(block, false)
        filled = 0
      }
    }
    while (out.length > 0) yield out.shift() as Uint8Array
  }
  deflate.push(block.subarray(0, filled), true)
  while (out.length > 0) yield out.shift() as Uint8Array
}
