/** What the change-detection stage hands to the rest of the pipeline. */

export type ReasonKind =
  'file' | 'dependency' | 'global' | 'config' | 'tag' | 'initial' | 'fallback' | 'last-deployment'

export interface SelectionReason {
  kind: ReasonKind
  /** Changed files behind this reason (capped; `more` counts the rest). */
  files: string[]
  more: number
  /** For `dependency`: the chain from the changed node to this service, e.g. [common, catalog, web]. */
  via?: string[]
  /** Human-readable explanation. */
  detail: string
}

/**
 * Which rule chose the base, reported as the `base-source` output so users can see which row of the
 * base-selection table fired.
 */
export type BaseSource =
  | 'input'
  | 'push-before'
  | 'oldest-pushed-parent'
  | 'default-merge-base'
  | 'pr-merge-base'
  | 'pr-files-api'
  | 'merge-group'
  | 'previous-tag'
  | 'release-tag'
  | 'empty-tree'
  | 'last-deployment'
  | 'same-commit'
  | 'ref-deleted'
  | 'no-base'
  | 'history-unavailable'

export interface ChangeSet {
  base: string
  head: string
  /** Which rule chose the base (input, push-before, pr-merge-base, ...). */
  baseSource: BaseSource
  /** True when history was missing and every service was selected. */
  fallback: boolean
  /** Selected services, sorted by name. */
  services: string[]
  /** Service name -> why it was selected. */
  reasons: Record<string, SelectionReason[]>
  /** Services whose folder or definition disappeared; never built. */
  deleted: string[]
  /** Changed files no service, shared folder or global pattern owns (capped; see `unownedMore`). */
  unowned: string[]
  /** How many unowned files were left out of `unowned`. */
  unownedMore: number
  /** Number of changed paths the diff produced (renames count twice). */
  changedFiles: number
  /** With `since: last-deployment`: service -> the commit it was compared from. */
  bases?: Record<string, string>
  /** Why nothing or everything was selected without a diff (same commit, deleted ref, no base). */
  note?: string
}

/** One row of a name-status diff, with rename detection off. */
export type ChangeStatus = 'A' | 'M' | 'D' | 'T'

export interface ChangedFile {
  status: ChangeStatus
  /** Path relative to the manifest root (forward slashes, as git prints it). */
  path: string
}

/** A row of the job matrix: one service's pipeline. */
export interface MatrixEntry {
  service: string
  path: string
  reasons: string[]
}
