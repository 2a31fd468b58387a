/** Reading and writing a service's state and release records on a host (see host-layout.ts). */
import type { HostAccess } from './host-access.js'
import { canonicalJson } from '../canonical-json.js'
import type { ServiceLayout } from './host-layout.js'
import type { AuditEntry, HostServiceState } from './model.js'

export interface ReleaseInfo {
  version: string
  digest: string
  configHash: string
  /** The image digest or archive the release came from (the command provider deploys it again on rollback). */
  artifact: string
  /** The image reference, when the build made one. */
  image?: string
  installedAt: string
}

function parse<T>(text: string | undefined): T | undefined {
  if (text === undefined) return undefined
  try {
    return JSON.parse(text) as T
  } catch {
    return undefined
  }
}

export async function readState(host: HostAccess, layout: ServiceLayout): Promise<HostServiceState> {
  const state = parse<HostServiceState>(await host.readFile(layout.state))
  return { ...state, previous: state?.previous ?? [] }
}

export async function writeState(
  host: HostAccess,
  layout: ServiceLayout,
  state: HostServiceState
): Promise<void> {
  await host.writeFileAtomic(layout.state, `${canonicalJson(state)}\n`)
}

export async function readReleaseInfo(
  host: HostAccess,
  layout: ServiceLayout,
  version: string
): Promise<ReleaseInfo | undefined> {
  return parse<ReleaseInfo>(await host.readFile(layout.releaseInfo(version)))
}

export async function writeReleaseInfo(
  host: HostAccess,
  layout: ServiceLayout,
  info: ReleaseInfo
): Promise<void> {
  await host.writeFileAtomic(layout.releaseInfo(info.version), `${canonicalJson(info)}\n`)
}

export async function appendAudit(host: HostAccess, layout: ServiceLayout, entry: AuditEntry): Promise<void> {
  await host.appendLine(layout.audit, canonicalJson(entry))
}

/** The state after `version` became current on a host that ran `before`. */
export function promoted(
  state: HostServiceState,
  change: { version: string; digest: string; configHash: string; since: string; by: string },
  keep: number
): HostServiceState {
  const previous =
    state.current && state.current !== change.version ? [state.current, ...state.previous] : state.previous
  return {
    current: change.version,
    digest: change.digest,
    configHash: change.configHash,
    since: change.since,
    by: change.by,
    previous: previous.filter((v) => v !== change.version).slice(0, Math.max(keep - 1, 0) + 20)
  }
}

/** Release folders to delete: everything but the current one and the `keep - 1` newest before it. */
export function releasesToPrune(existing: string[], state: HostServiceState, keep: number): string[] {
  const kept = new Set([state.current, ...state.previous.slice(0, Math.max(keep - 1, 0))].filter(Boolean))
  return existing.filter((name) => !name.endsWith('.json') && !kept.has(name))
}
