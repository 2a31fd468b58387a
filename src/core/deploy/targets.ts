/** Opens the plan's hosts: one HostAccess and layout per host, closed together. */
import type { HostAccess } from './host-access.js'
import { serviceLayout } from './host-layout.js'
import type { PlannedHost } from './model.js'
import type { HostContext } from './release-driver.js'
import { errorMessage, OperationError } from '../errors.js'

export type HostOpener = (host: PlannedHost) => HostAccess

export function openHosts(hosts: PlannedHost[], open: HostOpener): HostContext[] {
  return hosts.map((host) => ({ host, access: open(host), layout: serviceLayout(host.root) }))
}

export async function closeHosts(contexts: HostContext[]): Promise<void> {
  await Promise.all(contexts.map((c) => c.access.close().catch(() => undefined)))
}

/** Checks every host answers; names all that do not. */
export async function probeHosts(contexts: HostContext[]): Promise<void> {
  const failures = await Promise.all(
    contexts.map((c) =>
      c.access.probe().then(
        () => undefined,
        (error: unknown) => `${c.host.name}: ${errorMessage(error)}`
      )
    )
  )
  const down = failures.filter((f): f is string => f !== undefined)
  if (down.length) throw new OperationError(`unreachable: ${down.join('; ')}`)
}
