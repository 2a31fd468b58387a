/**
 * Rollback: back to the previous release (or `version=`), using the history kept on the target. The
 * release must still be on every host (it is unless pruned by keep_releases); otherwise, or when
 * there is nothing before the current release, it is refused before anything changes.
 */
import { ConfigError, OperationError } from '../errors.js'
import { readReleaseInfo, readState } from './host-state.js'
import type { ResolvedArtifact } from './model.js'
import type { HostContext } from './release-driver.js'

export interface RollbackTarget {
  artifact: ResolvedArtifact
  configHash: string
  from: string | undefined
}

export async function rollbackTarget(
  contexts: HostContext[],
  service: string,
  requested?: string
): Promise<RollbackTarget> {
  const first = contexts[0]!
  const state = await readState(first.access, first.layout)
  const version = requested ?? state.previous[0]
  if (!version) {
    throw new OperationError(
      state.current
        ? `nothing to roll back to: ${first.host.name} has run only ${service} ${state.current} (no earlier release in its history)`
        : `nothing to roll back to: ${service} was never deployed to ${first.host.name}`
    )
  }
  const info = await readReleaseInfo(first.access, first.layout, version)
  if (!info) {
    throw new ConfigError(
      `release ${version} of ${service} is not on ${first.host.name} (never deployed there, or pruned by keep_releases)`,
      { keyPath: 'version' },
      state.previous.length
        ? `releases kept: ${[state.current, ...state.previous].filter(Boolean).join(', ')}`
        : 'deploy a version instead'
    )
  }
  return {
    artifact: { service, version, digest: info.digest, source: { kind: 'folder', path: '' } },
    configHash: info.configHash,
    from: state.current
  }
}

/** Every host must still hold the release (checked under the lock, before anything changes). */
export function requireReleaseEverywhere(version: string, has: (c: HostContext) => Promise<boolean>) {
  return async (contexts: HostContext[]): Promise<void> => {
    const missing: string[] = []
    for (const context of contexts) if (!(await has(context))) missing.push(context.host.name)
    if (missing.length)
      throw new OperationError(
        `refusing to roll back: release ${version} is no longer on ${missing.join(', ')}`
      )
  }
}
