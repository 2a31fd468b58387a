/**
 * One deploy at a time per service and environment, held on the target: the lock is a folder
 * created atomically (mkdir) in the service's folder on the plan's first host, with holder.json
 * saying who holds it, since when, for which run. A second deploy polls until `timeoutMs`, then
 * fails naming the holder. A lock is never taken over silently, however old: `shipline unlock`
 * with a reason removes it and leaves an audit line.
 */
import { hostname } from 'node:os'
import { randomUUID } from 'node:crypto'
import { OperationError } from '../errors.js'
import { sleep } from './health-check.js'
import type { HostAccess } from './host-access.js'
import type { ServiceLayout } from './host-layout.js'
import type { LockHolder } from './model.js'

export interface LockRequest {
  actor: string
  version: string
  runUrl?: string
  now: () => Date
}

export function newHolder(request: LockRequest): LockHolder {
  return {
    id: randomUUID(),
    actor: request.actor,
    version: request.version,
    since: request.now().toISOString(),
    ...(request.runUrl ? { runUrl: request.runUrl } : {}),
    pid: process.pid,
    machine: hostname()
  }
}

export function describeHolder(holder: LockHolder | undefined): string {
  if (!holder) return 'an unknown holder (holder.json missing or unreadable)'
  const run = holder.runUrl ? `, run ${holder.runUrl}` : ''
  return `${holder.actor} since ${holder.since} (deploying ${holder.version}, pid ${holder.pid} on ${holder.machine}${run})`
}

export async function readHolder(host: HostAccess, layout: ServiceLayout): Promise<LockHolder | undefined> {
  const text = await host.readFile(layout.lockHolder)
  if (text === undefined) return undefined
  try {
    return JSON.parse(text) as LockHolder
  } catch {
    return undefined
  }
}

export interface AcquireOptions {
  timeoutMs: number
  pollMs?: number
  signal?: AbortSignal
  /** Called once when the lock is busy, so the caller can say it is waiting (and set `queued`). */
  onWait?: (holder: LockHolder | undefined) => void
  /** Called as soon as the lock is ours, before anything else (the action saves it for its post step). */
  onAcquired?: (holder: LockHolder) => void
}

export async function acquireLock(
  host: HostAccess,
  layout: ServiceLayout,
  holder: LockHolder,
  what: string,
  options: AcquireOptions
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs
  let announced = false
  for (;;) {
    if (await host.createDirExclusive(layout.lock)) {
      options.onAcquired?.(holder)
      await host.writeFileAtomic(layout.lockHolder, `${JSON.stringify(holder, null, 2)}\n`)
      return
    }
    const current = await readHolder(host, layout)
    if (!announced) {
      announced = true
      options.onWait?.(current)
    }
    if (options.signal?.aborted)
      throw new OperationError(`cancelled while waiting for the deploy lock of ${what}`)
    if (Date.now() >= deadline) {
      throw new OperationError(
        `another deploy of ${what} holds the lock: ${describeHolder(current)}; waited ${Math.round(options.timeoutMs / 1000)} s. ` +
          `If that deploy is gone, remove the lock with: shipline unlock ${what.replace(' in ', ' ')} reason="..."`
      )
    }
    await sleep(Math.min(options.pollMs ?? 500, Math.max(deadline - Date.now(), 1)), options.signal)
  }
}

/** Releases the lock when it is still ours; says so (without failing) when someone else holds it. */
export async function releaseLock(
  host: HostAccess,
  layout: ServiceLayout,
  holderId: string
): Promise<'released' | 'not-held' | 'held-by-other'> {
  // holder.json is written right after the folder is created, so a lock without it is not ours.
  const current = await readHolder(host, layout)
  if (!current) return 'not-held'
  if (current.id !== holderId) return 'held-by-other'
  await host.removeTree(layout.lock)
  return 'released'
}
