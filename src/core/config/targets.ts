import type { EnvironmentSpec, Service } from '../manifest/types.js'
import type { ResolvedTarget } from './model.js'

/**
 * The service's targets in an environment: every host of every group that places the service
 * (by name or `*`), in the manifest's order, with the group's credentials name (or the
 * environment's) and platform target. Only names of secrets appear here, never their values.
 */
export function resolveTargets(env: EnvironmentSpec, service: Service): ResolvedTarget[] {
  const targets: ResolvedTarget[] = []
  for (const group of env.groups) {
    if (!group.services.includes('*') && !group.services.includes(service.name)) continue
    const credentials = group.credentials ?? env.credentials
    for (const host of group.hosts) {
      targets.push({
        group: group.name,
        host,
        provider: env.provider,
        ...(credentials ? { credentials } : {}),
        ...(group.target ? { target: group.target } : {})
      })
    }
  }
  return targets
}
