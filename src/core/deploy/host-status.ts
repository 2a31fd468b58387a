/** `status`, `stop` and `unlock`: what runs where, stopping what the local provider started, break-glass unlock. */
import { errorMessage, OperationError } from '../errors.js'
import { describeHolder, readHolder } from './deploy-lock.js'
import { appendAudit, readState } from './host-state.js'
import type { AuditEntry, LockHolder } from './model.js'
import type { HostContext, ReleaseDriver } from './release-driver.js'

export interface HostStatus {
  host: string
  group: string
  version?: string
  since?: string
  by?: string
  digest?: string
  previous: string[]
  error?: string
}

export async function readStatus(
  contexts: HostContext[]
): Promise<{ hosts: HostStatus[]; lock?: LockHolder }> {
  const hosts = await Promise.all(
    contexts.map(async (c): Promise<HostStatus> => {
      try {
        const state = await readState(c.access, c.layout)
        return {
          host: c.host.name,
          group: c.host.group,
          ...(state.current ? { version: state.current } : {}),
          ...(state.since ? { since: state.since } : {}),
          ...(state.by ? { by: state.by } : {}),
          ...(state.digest ? { digest: state.digest } : {}),
          previous: state.previous
        }
      } catch (error) {
        return { host: c.host.name, group: c.host.group, previous: [], error: errorMessage(error) }
      }
    })
  )
  const first = contexts[0]
  const lock = first ? await readHolder(first.access, first.layout).catch(() => undefined) : undefined
  return { hosts, ...(lock ? { lock } : {}) }
}

type AuditBase = Pick<AuditEntry, 'actor' | 'service' | 'environment'> & { at: string }

export async function stopService(
  contexts: HostContext[],
  driver: ReleaseDriver,
  audit: AuditBase
): Promise<string[]> {
  const stopped: string[] = []
  for (const c of contexts) {
    const before = (await readState(c.access, c.layout)).current
    await driver.deactivate(c, false)
    stopped.push(c.host.name)
    await appendAudit(c.access, c.layout, {
      ...audit,
      action: 'stop',
      version: before ?? '',
      digest: '',
      configHash: '',
      hosts: [c.host.name],
      result: 'stopped'
    })
  }
  return stopped
}

/** Removes a lock someone else left; never without a reason, always with an audit line. */
export async function forceUnlock(
  contexts: HostContext[],
  reason: string,
  audit: AuditBase
): Promise<LockHolder | undefined> {
  if (!reason.trim()) throw new OperationError('unlock needs a reason (reason="...")')
  const first = contexts[0]!
  const holder = await readHolder(first.access, first.layout)
  const present = (await first.access.list(first.layout.root)).includes('lock')
  if (!present) return undefined
  await first.access.removeTree(first.layout.lock)
  await appendAudit(first.access, first.layout, {
    ...audit,
    action: 'unlock',
    version: holder?.version ?? '',
    digest: '',
    configHash: '',
    hosts: [first.host.name],
    result: `removed lock of ${describeHolder(holder)}`,
    reason
  })
  return holder ?? { id: 'unknown', actor: 'unknown', version: '', since: '', pid: 0, machine: '' }
}
