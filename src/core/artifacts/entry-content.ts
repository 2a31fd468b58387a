import { constants, createReadStream } from 'node:fs'
import { open } from 'node:fs/promises'
import { OperationError } from '../errors.js'
import type { TreeEntry } from './model.js'

/** Read size for file content: large enough to keep syscalls few, small enough to keep memory flat. */
export const CONTENT_CHUNK_BYTES = 256 * 1024

/**
 * Streams the content of a file entry, from its generated `content` or from its `source` file.
 * The file is opened with O_NOFOLLOW, so a source swapped for a symlink after staging is not
 * followed, and a file whose size changed since staging fails the write instead of producing
 * an archive whose headers disagree with its data.
 */
export async function* entryContent(entry: TreeEntry): AsyncGenerator<Uint8Array> {
  if (entry.type !== 'file') return
  if (entry.content) {
    if (entry.content.length !== entry.size) throw new Error(`entry ${entry.path}: content length != size`)
    yield entry.content
    return
  }
  if (!entry.source) throw new Error(`entry ${entry.path} has neither source nor content`)
  let read = 0
  const handle = await open(entry.source, constants.O_RDONLY | constants.O_NOFOLLOW)
  const stream = handle.createReadStream({ highWaterMark: CONTENT_CHUNK_BYTES })
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    read += chunk.length
    if (read > entry.size) break
    yield chunk
  }
  stream.destroy()
  if (read !== entry.size) {
    throw new OperationError(
      `${entry.source} changed while it was being packaged (expected ${entry.size} bytes, found ${read})`
    )
  }
}

/** Files up to this size are read whole by `readSmallFile`: one read instead of a stream each. */
export const SMALL_FILE_BYTES = 64 * 1024

/**
 * Reads a small file entry's content into `target` at `offset` (the caller allocates one buffer
 * for header and content). Same guarantees as `entryContent`: no symlink followed, size checked.
 */
export async function readSmallFile(entry: TreeEntry, target: Buffer, offset: number): Promise<void> {
  if (entry.content) {
    target.set(entry.content, offset)
    return
  }
  const handle = await open(entry.source as string, constants.O_RDONLY | constants.O_NOFOLLOW)
  try {
    let filled = 0
    while (filled < entry.size) {
      const { bytesRead } = await handle.read(target, offset + filled, entry.size - filled, filled)
      if (bytesRead === 0) break
      filled += bytesRead
    }
    const extra = await handle.read(Buffer.alloc(1), 0, 1, entry.size)
    if (filled !== entry.size || extra.bytesRead !== 0) {
      throw new OperationError(
        `${entry.source} changed while it was being packaged (expected ${entry.size} bytes)`
      )
    }
  } finally {
    await handle.close()
  }
}

/**
 * The bytes of one archive record for a file entry: header, content, zero padding. A small file
 * comes as one buffer (one read); a larger one streams. `onContent` sees the content either way,
 * so per-file digests cost no second read.
 */
export async function* fileRecordChunks(
  head: Buffer,
  entry: TreeEntry,
  pad: number,
  onContent?: (entry: TreeEntry, chunk: Uint8Array) => void
): AsyncGenerator<Uint8Array> {
  if (entry.size <= SMALL_FILE_BYTES) {
    const record = Buffer.alloc(head.length + entry.size + pad)
    head.copy(record)
    await readSmallFile(entry, record, head.length)
    onContent?.(entry, record.subarray(head.length, head.length + entry.size))
    yield record
    return
  }
  yield head
  for await (const chunk of entryContent(entry)) {
    onContent?.(entry, chunk)
    yield chunk
  }
  if (pad) yield Buffer.alloc(pad)
}

/**
 * Streams a temporary file the writer made itself (a compressed data.tar, an rpm payload) into the
 * package, and fails if its size is not the one already written into a header.
 */
export async function* spooledFileChunks(
  file: string,
  size: number,
  what: string
): AsyncGenerator<Uint8Array> {
  let copied = 0
  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) {
    copied += chunk.length
    yield chunk
  }
  if (copied !== size) throw new Error(`${what} changed size while being copied (${copied} != ${size})`)
}
