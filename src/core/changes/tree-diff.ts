import { OperationError } from '../errors.js'
import type { Git } from '../../platform/git.js'
import { NameStatusParser } from './name-status-parser.js'
import type { ChangeStatus } from './model.js'
import { describeGitFailure } from './git-failure.js'

/**
 * The argv for a two-dot, commit-to-commit name-status diff. Plumbing (`diff-tree`) so user config
 * cannot change the format; `--no-renames` so a move marks the owners of both sides; `-z` so any
 * file name is safe; `--no-relative` so a `diff.relative` setting cannot hide paths.
 */
export function treeDiffArgs(base: string, head: string): string[] {
  return ['diff-tree', '-r', '-z', '--no-renames', '--no-relative', '--name-status', base, head, '--']
}

/**
 * Streams every changed path between two commits (or the empty tree and a commit) into `onChange`.
 * `prefix` is the manifest root relative to the git top level ('' when they coincide): paths
 * outside it are skipped and the rest are made relative to it. Throws OperationError when git
 * fails, so a broken diff is never mistaken for an empty one. Returns how many paths were passed on.
 */
export async function streamTreeDiff(
  git: Git,
  base: string,
  head: string,
  prefix: string,
  onChange: (status: ChangeStatus, path: string) => void
): Promise<number> {
  // Only paths under the manifest root count: the rest of the repository is another project.
  let count = 0
  const sink = (status: ChangeStatus, path: string) => {
    if (!prefix) {
      count++
      onChange(status, path)
    } else if (path.startsWith(prefix)) {
      count++
      onChange(status, path.slice(prefix.length))
    }
  }
  const parser = new NameStatusParser(sink)
  let failure: unknown
  try {
    await git.run(treeDiffArgs(base, head), {
      onStdout: (chunk) => {
        if (failure !== undefined) return
        try {
          parser.push(chunk)
        } catch (error) {
          failure = error
        }
      }
    })
  } catch (error) {
    throw new OperationError(describeGitFailure(error, `comparing ${base} with ${head}`))
  }
  if (failure !== undefined) throw failure
  parser.end()
  return count
}
