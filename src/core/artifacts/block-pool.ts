/**
 * Fixed-size buffers handed from the archive writer to the compressor and back, so packaging a
 * tree of any size reuses a handful of blocks instead of allocating its size again in garbage.
 * Every block has one spare byte after its end that its holder may write (the archive writer
 * reads one byte past a file's end there, to prove the file did not grow).
 *
 * Ownership moves with the buffer: whoever takes a block may fill it and pass it on; whoever
 * holds it last and is done with it gives it back. A block that is never given back is simply
 * collected, so a consumer that does not know the pool loses nothing but the reuse.
 */
export class BlockPool {
  private readonly spare: ArrayBuffer[] = []
  private readonly issued = new WeakSet<ArrayBufferLike>()

  constructor(readonly blockBytes: number) {}

  /** A block of `blockBytes` (plus the spare byte after it), contents undefined. */
  take(): Buffer {
    let memory = this.spare.pop()
    if (!memory) {
      memory = new ArrayBuffer(this.blockBytes + 1)
      this.issued.add(memory)
    }
    return Buffer.from(memory, 0, this.blockBytes)
  }

  /** Whether `chunk` is a whole block of this pool (so it can be adopted without a copy). */
  isWholeBlock(chunk: Uint8Array): boolean {
    return chunk.byteOffset === 0 && chunk.length === this.blockBytes && this.issued.has(chunk.buffer)
  }

  /** The block with its spare byte: what a reader may write into. */
  static withSpareByte(block: Buffer): Buffer {
    return Buffer.from(block.buffer, block.byteOffset, block.length + 1)
  }

  /** Returns a block; its holder must not touch it afterwards. */
  give(block: Uint8Array): void {
    if (this.isWholeBlock(block) && this.spare.length < MAX_SPARE)
      this.spare.push(block.buffer as ArrayBuffer)
  }
}

/** More spare blocks than any pipeline keeps in flight are left to the collector. */
const MAX_SPARE = 16
