import { createWriteStream } from 'node:fs'
import { rename, rm } from 'node:fs/promises'
import path from 'node:path'
import type { Writable } from 'node:stream'
import { OperationError } from '../errors.js'

/** Opens the stream a file is written through (tests pass one that fails like a full disk). */
export type SinkFactory = (file: string) => Writable

export const fileSink: SinkFactory = (file) => createWriteStream(file, { flags: 'w' })

/**
 * Writes `dest` through a `.partial` file renamed into place only when `write` succeeded, so a
 * failure (a full disk, a file changing under us, a build error) never leaves a half-written
 * artifact where a reader could take it for a real one.
 */
export async function writeFileAtomically<T>(
  dest: string,
  write: (partial: string) => Promise<T>
): Promise<T> {
  const partial = path.join(path.dirname(dest), `.${path.basename(dest)}.partial`)
  try {
    const result = await write(partial)
    await rename(partial, dest)
    return result
  } catch (error) {
    await rm(partial, { force: true })
    throw describeWriteError(error, dest)
  }
}

function describeWriteError(error: unknown, dest: string): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  if (code === 'ENOSPC' || code === 'EDQUOT' || code === 'EFBIG') {
    return new OperationError(`no space left to write ${dest} (${code}); nothing was written`)
  }
  if (code === 'EACCES' || code === 'EROFS') {
    return new OperationError(`cannot write ${dest} (${code})`)
  }
  return error
}
