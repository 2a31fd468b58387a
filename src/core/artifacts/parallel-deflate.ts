/**
 * Raw deflate that compresses fixed-size blocks of the input in parallel on libuv's thread pool
 * and joins them into one valid deflate stream, so packaging uses every core while the main
 * thread reads files and writes tar.
 *
 * Each block is compressed on its own, primed with the 32 KiB of input before it as the
 * dictionary (matches may reach back across the boundary, so the ratio stays that of one
 * stream), and ends with a sync flush: an empty stored block that leaves the output byte-aligned
 * and not final, so the next block's bytes can follow directly. The last block is finished
 * instead. Blocks have a fixed size and results are emitted in input order, so the bytes depend
 * only on the input, the level and zlib's version: never on how the input was chunked, on
 * scheduling, or on how many blocks were in flight.
 *
 *   for await (const compressed of parallelDeflate(chunks, { level: 6 })) ...
 */
import { availableParallelism } from 'node:os'
import zlib from 'node:zlib'
import { BlockPool } from './block-pool.js'

export interface ParallelDeflateOptions {
  /** 1 (fastest) to 9 (smallest). */
  level: number
  /** Bytes of input per independently compressed block (part of the output's identity). */
  blockBytes?: number
  /** Blocks compressed at once; affects speed and memory only, never the bytes. */
  maxInFlight?: number
  /**
   * The pool the input's blocks come from (tarChunks, cpioChunks): a chunk that is a whole block
   * of it is compressed in place, without a copy, and given back once compressed.
   */
  pool?: BlockPool
}

/** 1 MiB blocks: large enough that the flush markers cost nothing (4 bytes a block). */
export const DEFLATE_BLOCK_BYTES = 1024 * 1024
/** deflate's window: the most a match can reach back, so the most a dictionary can help. */
const WINDOW_BYTES = 32 * 1024
/** Compressed output comes in pieces of this size, so a block that compresses well allocates little. */
const OUTPUT_CHUNK_BYTES = 128 * 1024
/**
 * One block per core, plus one so a core never waits while a finished block is handed on; libuv
 * has four threads by default and file reads need one of them.
 */
const DEFAULT_IN_FLIGHT = Math.min(3, availableParallelism() + 1)

interface Job {
  input: Buffer
  output: Promise<Buffer[]>
}

export async function* parallelDeflate(
  source: AsyncIterable<Uint8Array>,
  options: ParallelDeflateOptions
): AsyncGenerator<Uint8Array> {
  const blockBytes = options.blockBytes ?? DEFLATE_BLOCK_BYTES
  const maxInFlight = options.maxInFlight ?? DEFAULT_IN_FLIGHT
  if (blockBytes < WINDOW_BYTES) throw new Error(`deflate block of ${blockBytes} bytes is under 32 KiB`)
  const pool = options.pool?.blockBytes === blockBytes ? options.pool : new BlockPool(blockBytes)
  const jobs: Job[] = []
  // A full block waits here until more input shows it was not the last (the last one finishes).
  let held: { data: Buffer; dictionary: Buffer | undefined } | undefined
  let tail: Buffer | undefined
  let block: Buffer | undefined
  let filled = 0

  const submit = (input: Buffer, dictionary: Buffer | undefined, last: boolean): void => {
    const output = compressBlock(input, dictionary, options.level, last)
    // Rejections are taken when the job is awaited; this keeps an abandoned job from crashing.
    output.catch(() => undefined)
    jobs.push({ input, output })
  }
  async function* oldestOutput(): AsyncGenerator<Buffer> {
    const job = jobs.shift() as Job
    const output = await job.output
    pool.give(job.input)
    yield* output
  }
  const blockFilled = (data: Buffer): void => {
    if (held) submit(held.data, held.dictionary, false)
    held = { data, dictionary: tail }
    tail = Buffer.from(data.subarray(data.length - WINDOW_BYTES))
  }

  for await (const chunk of source) {
    if (filled === 0 && pool.isWholeBlock(chunk)) {
      blockFilled(chunk as Buffer)
    } else {
      let offset = 0
      while (offset < chunk.length) {
        block ??= pool.take()
        const take = Math.min(blockBytes - filled, chunk.length - offset)
        block.set(chunk.subarray(offset, offset + take), filled)
        filled += take
        offset += take
        if (filled === blockBytes) {
          blockFilled(block)
          block = undefined
          filled = 0
        }
      }
    }
    while (jobs.length >= maxInFlight) yield* oldestOutput()
  }
  if (block && filled > 0) blockFilled(block.subarray(0, filled))
  if (held) submit(held.data, held.dictionary, true)
  else submit(Buffer.alloc(0), undefined, true)
  while (jobs.length > 0) yield* oldestOutput()
}

function compressBlock(
  data: Buffer,
  dictionary: Buffer | undefined,
  level: number,
  last: boolean
): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const pieces: Buffer[] = []
    zlib
      .createDeflateRaw({
        level,
        memLevel: 8,
        windowBits: 15,
        chunkSize: OUTPUT_CHUNK_BYTES,
        finishFlush: last ? zlib.constants.Z_FINISH : zlib.constants.Z_SYNC_FLUSH,
        ...(dictionary ? { dictionary } : {})
      })
      .on('data', (piece: Buffer) => pieces.push(piece))
      .on('error', reject)
      .on('end', () => resolve(pieces))
      .end(data)
  })
}
