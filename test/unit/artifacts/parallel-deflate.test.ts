import { describe, expect, it } from '@jest/globals'
import { Readable } from 'node:stream'
import zlib from 'node:zlib'
import { BlockPool } from '../../../src/core/artifacts/block-pool.js'
import { parallelDeflate } from '../../../src/core/artifacts/parallel-deflate.js'

const BLOCK = 64 * 1024

/** Text-like data with repeats that reach across block boundaries, then incompressible bytes. */
function sample(size: number): Buffer {
  const lines = Array.from(
    { length: 5000 },
    (_, i) => `export const value${i % 613} = ${(i * 7919) % 10007};\n`
  )
  const text = Buffer.from(lines.join('').repeat(Math.ceil(size / 2 / 200_000)))
  const noise = Buffer.alloc(size - Math.min(text.length, size / 2))
  let x = 7
  for (let i = 0; i < noise.length; i++) noise[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24
  return Buffer.concat([text.subarray(0, size / 2), noise]).subarray(0, size)
}

function chunked(data: Buffer, size: number): Uint8Array[] {
  const chunks: Uint8Array[] = []
  for (let i = 0; i < data.length; i += size) chunks.push(data.subarray(i, i + size))
  return chunks
}

async function deflate(
  chunks: Iterable<Uint8Array>,
  options: { maxInFlight?: number; pool?: BlockPool } = {}
): Promise<Buffer> {
  const out: Uint8Array[] = []
  for await (const piece of parallelDeflate(Readable.from(chunks), {
    level: 6,
    blockBytes: BLOCK,
    ...options
  })) {
    out.push(piece)
  }
  return Buffer.concat(out)
}

describe('parallel deflate', () => {
  it('joins independently compressed blocks into one stream that inflates to the input', async () => {
    const data = sample(BLOCK * 20 + 1234)
    const compressed = await deflate(chunked(data, 10_000))
    // inflateRawSync fails on a stream without a final block, so this also proves the stream ends.
    expect(zlib.inflateRawSync(compressed).equals(data)).toBe(true)
  })

  it('gives the same bytes whatever the chunking of the input and the number of blocks in flight', async () => {
    const data = sample(BLOCK * 9 + 17)
    const reference = await deflate([data])
    for (const [chunk, maxInFlight] of [
      [1, 1],
      [4095, 2],
      [BLOCK, 3],
      [BLOCK * 3 + 5, 8]
    ] as const) {
      expect((await deflate(chunked(data, chunk), { maxInFlight })).equals(reference)).toBe(true)
    }
  })

  it('compresses about as well as one zlib stream, because each block is primed with the one before', async () => {
    const data = sample(BLOCK * 16)
    const parallel = await deflate([data])
    const single = zlib.deflateRawSync(data, { level: 6 })
    expect(parallel.length).toBeLessThan(single.length * 1.01)
  })

  it('ends properly for empty input and for input that is an exact number of blocks', async () => {
    expect(zlib.inflateRawSync(await deflate([])).length).toBe(0)
    const exact = sample(BLOCK * 4)
    expect(zlib.inflateRawSync(await deflate(chunked(exact, BLOCK))).equals(exact)).toBe(true)
  })

  it('compresses whole blocks of its pool in place, with the same bytes, and gives them back', async () => {
    const pool = new BlockPool(BLOCK)
    const data = sample(BLOCK * 6 + 99)
    const blocks = chunked(data, BLOCK).map((part) => {
      const block = pool.take()
      block.set(part)
      return part.length === BLOCK ? block : block.subarray(0, part.length)
    })
    const inPlace = await deflate(blocks, { pool })
    expect(inPlace.equals(await deflate([data]))).toBe(true)
    // The compressed blocks came back: taking as many again reuses their memory.
    const issued = new Set(blocks.map((b) => b.buffer))
    const again = Array.from({ length: 6 }, () => pool.take().buffer)
    expect(again.filter((memory) => issued.has(memory)).length).toBeGreaterThanOrEqual(5)
  })
})

describe('block pool', () => {
  it('adopts only whole blocks it issued itself, never a slice or a foreign buffer of the same size', () => {
    const pool = new BlockPool(1024)
    const block = pool.take()
    expect(pool.isWholeBlock(block)).toBe(true)
    expect(pool.isWholeBlock(block.subarray(0, 512))).toBe(false)
    expect(pool.isWholeBlock(Buffer.alloc(1024))).toBe(false)
    const foreign = Buffer.alloc(1024)
    pool.give(foreign)
    expect(pool.take().buffer).not.toBe(foreign.buffer)
    pool.give(block)
    expect(pool.take().buffer).toBe(block.buffer)
  })
})
