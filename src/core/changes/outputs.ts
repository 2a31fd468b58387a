import type { ChangeSet, MatrixEntry } from './model.js'

/** GitHub refuses a matrix of more than 256 jobs. */
export const MATRIX_JOB_LIMIT = 256

export function matrixOf(
  changes: ChangeSet,
  servicePaths: ReadonlyMap<string, string>
): { include: MatrixEntry[] } {
  return {
    include: changes.services.map((service) => ({
      service,
      path: servicePaths.get(service) ?? '',
      reasons: (changes.reasons[service] ?? []).map((r) => r.detail)
    }))
  }
}

/**
 * The step outputs, in action.yml order. Everything structured is JSON, so file names (hostile
 * data: quotes, newlines, `$(...)`) round-trip exactly and can never be split into other values.
 */
export function changeSetOutputs(
  changes: ChangeSet,
  servicePaths: ReadonlyMap<string, string>
): Record<string, string> {
  return {
    matrix: JSON.stringify(matrixOf(changes, servicePaths)),
    services: JSON.stringify(changes.services),
    count: String(changes.services.length),
    'has-changes': String(changes.services.length > 0),
    deleted: JSON.stringify(changes.deleted),
    unowned: JSON.stringify(changes.unowned),
    reasons: JSON.stringify(changes.reasons),
    base: changes.base,
    head: changes.head,
    'base-source': changes.baseSource,
    fallback: String(changes.fallback)
  }
}
