/**
 * Where things live in a service's folder on a host (the same for every provider):
 *
 *   <root>/releases/<version>/          the installed tree
 *   <root>/releases/<version>.json      what was installed: version, digest, config hash
 *   <root>/releases/<version>.config.json  the rendered config, next to its release
 *   <root>/current -> releases/<version>   switched atomically
 *   <root>/state.json                   current version, since, by, the versions before it (newest first)
 *   <root>/audit.log                    one JSON line per deploy, rollback, stop or unlock
 *   <root>/lock/holder.json             the deploy lock (the folder is created atomically)
 *   <root>/run/service.pid, service.log the running service (local and ssh)
 */
import path from 'node:path'

export interface ServiceLayout {
  root: string
  releases: string
  release(version: string): string
  releaseInfo(version: string): string
  releaseConfig(version: string): string
  current: string
  state: string
  audit: string
  lock: string
  lockHolder: string
  pidFile: string
  logFile: string
}

export function serviceLayout(root: string): ServiceLayout {
  const join = path.posix.join
  return {
    root,
    releases: join(root, 'releases'),
    release: (version) => join(root, 'releases', version),
    releaseInfo: (version) => join(root, 'releases', `${version}.json`),
    releaseConfig: (version) => join(root, 'releases', `${version}.config.json`),
    current: join(root, 'current'),
    state: join(root, 'state.json'),
    audit: join(root, 'audit.log'),
    lock: join(root, 'lock'),
    lockHolder: join(root, 'lock', 'holder.json'),
    pidFile: join(root, 'run', 'service.pid'),
    logFile: join(root, 'run', 'service.log')
  }
}
