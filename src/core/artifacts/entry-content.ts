import { constants } from 'node:fs'
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
  const generated = generatedContent(entry)
  if (generated) {
    yield generated
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

/** The content of a generated file entry (copyright, changelog, unit), or undefined for a file on disk. */
export function generatedContent(entry: TreeEntry): Uint8Array | undefined {
  if (!entry.content) return undefined
  if (entry.content.length !== entry.size) throw new Error(`entry ${entry.path}: content length != size`)
  return entry.content
}
