import { OperationError } from '../errors.js'
import type { ChangeStatus } from './model.js'

export type ChangeSink = (status: ChangeStatus, path: string) => void

/**
 * Parses the output of `git diff-tree -r -z --name-status` as it streams in: NUL-separated
 * tokens, a status then its path (two paths for R and C). Nothing is ever quoted or escaped in
 * this form, so any file name - spaces, quotes, newlines, a leading dash - arrives byte for byte.
 * The parser keeps only the unfinished tail of the last chunk, so memory does not grow with
 * the size of the diff.
 */
export class NameStatusParser {
  private tail: Buffer | undefined
  /** The status waiting for its path(s), and the paths collected for it so far. */
  private status: string | undefined
  private paths: string[] = []
  count = 0

  constructor(private readonly sink: ChangeSink) {}

  push(chunk: Buffer): void {
    const data = this.tail ? Buffer.concat([this.tail, chunk]) : chunk
    let start = 0
    for (let nul = data.indexOf(0, start); nul !== -1; nul = data.indexOf(0, start)) {
      this.token(data.toString('utf8', start, nul))
      start = nul + 1
    }
    this.tail = start < data.length ? Buffer.from(data.subarray(start)) : undefined
  }

  /** Called once the stream ended; an unfinished record means the output was cut short. */
  end(): void {
    if (this.tail?.length || this.status !== undefined) {
      throw new OperationError('git diff-tree output ended in the middle of a record; the diff is incomplete')
    }
  }

  private token(text: string): void {
    if (this.status === undefined) {
      this.status = text
      return
    }
    this.paths.push(text)
    const letter = this.status.charAt(0)
    const needed = letter === 'R' || letter === 'C' ? 2 : 1
    if (this.paths.length < needed) return
    this.emit(letter, this.paths)
    this.status = undefined
    this.paths = []
  }

  private emit(letter: string, paths: string[]): void {
    const [first, second] = paths as [string, string | undefined]
    switch (letter) {
      case 'A':
      case 'M':
      case 'D':
      case 'T':
        this.count++
        this.sink(letter, first)
        return
      // Rename detection is off, but a user's config could still switch it on for porcelain
      // commands: a rename is a deletion on one side and an addition on the other.
      case 'R':
        this.count += 2
        this.sink('D', first)
        this.sink('A', second ?? first)
        return
      case 'C':
        this.count++
        this.sink('A', second ?? first)
        return
      default:
        throw new OperationError(
          `git diff-tree reported status "${letter}" for "${first}", which a diff between two commits cannot produce`
        )
    }
  }
}
