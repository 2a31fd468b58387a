import type { ChangeStatus } from './model.js'

/** One entry of GitHub's pull-request file list (`GET /repos/{o}/{r}/pulls/{n}/files`). */
export interface PullRequestFile {
  status: string
  filename: string
  previous_filename?: string
}

/**
 * The pull request's file list from the API, used only as a fast path when local history cannot
 * give a merge base. `complete` is false at GitHub's cap (3,000 files) or when a page came back short
 * while more were advertised: a truncated list is never trusted.
 */
export interface PullRequestFiles {
  list(number: number): Promise<{ files: PullRequestFile[]; complete: boolean }>
}

/** GitHub stops listing a pull request's files at 3,000. */
export const PULL_REQUEST_FILES_CAP = 3000

/**
 * Feeds an API file list into the same sink as the git diff, with the same rules: a rename is a
 * deletion of the old path and an addition of the new one, a copy is an addition. `prefix` is the
 * manifest root relative to the repository top ('' or 'sub/dir/').
 */
export function feedPullRequestFiles(
  files: readonly PullRequestFile[],
  prefix: string,
  sink: (status: ChangeStatus, path: string) => void
): number {
  let count = 0
  const emit = (status: ChangeStatus, path: string) => {
    count++
    if (!prefix) sink(status, path)
    else if (path.startsWith(prefix)) sink(status, path.slice(prefix.length))
  }
  for (const file of files) {
    switch (file.status) {
      case 'unchanged':
        break
      case 'added':
      case 'copied':
        emit('A', file.filename)
        break
      case 'removed':
        emit('D', file.filename)
        break
      case 'renamed':
        if (file.previous_filename) emit('D', file.previous_filename)
        emit('A', file.filename)
        break
      default:
        // modified, changed, or anything new: the owner is marked, which is the safe side.
        emit('M', file.filename)
    }
  }
  return count
}
