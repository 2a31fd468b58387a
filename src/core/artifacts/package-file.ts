/**
 * Assembles a package file from its parts in order - headers built in memory and the contents of
 * temporary files the writer spooled (a .deb's data.tar.gz, an .rpm's payload) - and returns the
 * file's sha256 and size. Spooled files are copied through one reused buffer, each write awaited
 * before the buffer is filled again, so copying a payload of any size allocates nothing.
 *
 *   await writePackageFile(dest, [header, { file: spool, size, what: 'data.tar.gz' }], fileSink)
 */
import { createHash } from 'node:crypto'
import { open } from 'node:fs/promises'
import type { Writable } from 'node:stream'
import { finished } from 'node:stream/promises'
import { writeFileAtomically, type SinkFactory } from './atomic-file.js'
import type { StreamDigest } from './archive-file.js'

/** A temporary file to copy whole; `size` is what the headers before it already promise. */
export interface SpooledPart {
  file: string
  size: number
  /** How to name the part if its size is off. */
  what: string
}

export type PackagePart = Uint8Array | SpooledPart

const COPY_BUFFER_BYTES = 1024 * 1024

/** Writes `dest` atomically from `parts`; nothing is left at `dest` if any write fails. */
export async function writePackageFile(
  dest: string,
  parts: readonly PackagePart[],
  sink: SinkFactory
): Promise<StreamDigest> {
  return writeFileAtomically(dest, async (partial) => {
    const out = new AwaitedWriter(sink(partial))
    const hash = createHash('sha256')
    let size = 0
    const put = async (bytes: Uint8Array) => {
      hash.update(bytes)
      size += bytes.length
      await out.write(bytes)
    }
    try {
      let buffer: Buffer | undefined
      for (const part of parts) {
        if (part instanceof Uint8Array) {
          await put(part)
          continue
        }
        buffer ??= Buffer.allocUnsafe(COPY_BUFFER_BYTES)
        await copySpooled(part, buffer, put)
      }
      await out.end()
    } catch (error) {
      out.destroy()
      throw error
    }
    return { sha256: hash.digest('hex'), size }
  })
}

async function copySpooled(
  part: SpooledPart,
  buffer: Buffer,
  put: (bytes: Uint8Array) => Promise<void>
): Promise<void> {
  const handle = await open(part.file, 'r')
  try {
    let copied = 0
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, copied)
      if (bytesRead === 0) break
      copied += bytesRead
      await put(buffer.subarray(0, bytesRead))
    }
    if (copied !== part.size) {
      throw new Error(`${part.what} changed size while being copied (${copied} != ${part.size})`)
    }
  } finally {
    await handle.close()
  }
}

/** A Writable whose every write is awaited until the stream is done with the bytes. */
class AwaitedWriter {
  private failure: Error | undefined

  constructor(private readonly stream: Writable) {
    // An error is reported through the pending write's callback; remember it for the next one too.
    stream.on('error', (error: Error) => (this.failure ??= error))
  }

  write(bytes: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(this.failure)
      this.stream.write(bytes, (error) => (error ? reject(error) : resolve()))
    })
  }

  async end(): Promise<void> {
    if (this.failure) throw this.failure
    this.stream.end()
    await finished(this.stream)
  }

  destroy(): void {
    this.stream.destroy()
  }
}
