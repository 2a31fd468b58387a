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

export interface ChangeSet {
  base: string
  head: string
  /** Which rule chose the base (input, push-before, pr-merge-base, ...). */
  baseSource: string
  /** True when history was missing and every service was selected. */
  fallback: boolean
  /** Selected services, sorted by name. */
  services: string[]
  /** Service name -> why it was selected. */
  reasons: Record<string, SelectionReason[]>
  /** Services whose folder or definition disappeared; never built. */
  deleted: string[]
  /** Changed files no service, shared folder or global pattern owns. */
  unowned: string[]
}
