/**
 * The plan, made before anything changes: which hosts (in rollout order), which artifact (by
 * digest), which config (by hash), which strategy, which secrets. `--dry-run` prints it and checks
 * it; a deploy executes exactly it.
 */
import path from 'node:path'
import { ConfigError } from '../errors.js'
import type { EnvironmentSpec, Manifest, Service } from '../manifest/types.js'
import { checkCommandTemplates } from './command-driver.js'
import type { DeployPlan, PlannedHost, ResolvedArtifact } from './model.js'

export interface DeployConfig {
  values: Record<string, unknown>
  hash: string
  secrets: string[]
}

export interface PlanInput {
  manifest: Manifest
  service: Service
  environment: EnvironmentSpec
  artifact: ResolvedArtifact
  config: DeployConfig
  maxParallel?: number
  lockTimeoutMs?: number
}

export const DEFAULT_LOCAL_ROOT = '.shipline/hosts'
export const DEFAULT_DEPLOY_ROOT = '/srv/shipline'

/** `user@host:port`, `host:port`, `[::1]:port`, `host`. */
export function parseHostAddress(spec: string): { address: string; port?: number; user?: string } {
  let rest = spec
  let user: string | undefined
  const at = rest.lastIndexOf('@')
  if (at >= 0) {
    user = rest.slice(0, at)
    rest = rest.slice(at + 1)
  }
  let port: number | undefined
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest)
  if (bracket) {
    rest = bracket[1]!
    if (bracket[2]) port = Number(bracket[2])
  } else {
    const colon = /^([^:]+):(\d+)$/.exec(rest)
    if (colon) {
      rest = colon[1]!
      port = Number(colon[2])
    }
  }
  return { address: rest, ...(port !== undefined ? { port } : {}), ...(user ? { user } : {}) }
}

/** The secret names a deploy to this environment needs. */
export function requiredSecrets(
  environment: EnvironmentSpec,
  groups: string[],
  config: DeployConfig,
  repo: string,
  exists: (file: string) => boolean
): string[] {
  const names = new Set<string>(config.secrets)
  if (environment.credentials) names.add(environment.credentials)
  for (const group of environment.groups)
    if (groups.includes(group.name) && group.credentials) names.add(group.credentials)
  if (environment.knownHosts && !exists(path.join(repo, environment.knownHosts)))
    names.add(environment.knownHosts)
  return [...names].sort()
}

export function buildPlan(input: PlanInput, exists: (file: string) => boolean): DeployPlan {
  const { manifest, service, environment } = input
  const groups = environment.groups.filter(
    (g) => g.services.includes('*') || g.services.includes(service.name)
  )
  if (groups.length === 0) {
    throw new ConfigError(
      `environment "${environment.name}" has no hosts for service "${service.name}"`,
      { file: manifest.file, keyPath: `environments.${environment.name}.groups` },
      `add "${service.name}" (or "*") to the services of a group`
    )
  }
  if (environment.provider === 'command') checkCommandTemplates(environment.commands, manifest.file)
  const localRoot = path.resolve(manifest.root, environment.root ?? DEFAULT_LOCAL_ROOT, environment.name)
  const sharing = new Map<string, number>()
  const hosts: PlannedHost[] = []
  for (const group of groups) {
    for (const name of group.hosts) {
      const parsed = environment.provider === 'ssh' ? parseHostAddress(name) : { address: '127.0.0.1' }
      // Several instances on one machine (local hosts, test sshds) get consecutive service ports.
      const rank = sharing.get(parsed.address) ?? 0
      sharing.set(parsed.address, rank + 1)
      const port = service.run?.port !== undefined ? service.run.port + rank : undefined
      let root: string
      if (environment.provider === 'ssh') {
        const base = (environment.deployRoot ?? DEFAULT_DEPLOY_ROOT).replaceAll(
          '{host}',
          name.replace(/[^A-Za-z0-9._-]/g, '_')
        )
        root = path.posix.join(base, service.name)
      } else {
        root = path.join(
          localRoot,
          environment.provider === 'command' ? (group.target ?? name) : name,
          service.name
        )
      }
      hosts.push({
        name,
        group: group.name,
        address: parsed.address,
        ...('port' in parsed && parsed.port !== undefined ? { sshPort: parsed.port } : {}),
        ...(environment.provider === 'ssh' && (('user' in parsed && parsed.user) || environment.user)
          ? { user: ('user' in parsed && parsed.user) || environment.user }
          : {}),
        ...(port !== undefined && environment.provider !== 'command' ? { port } : {}),
        root,
        ...(environment.provider === 'command' ? { target: group.target ?? name } : {})
      })
    }
  }
  const maxParallel = input.maxParallel ?? environment.rollout.maxParallel
  return {
    service: service.name,
    environment: environment.name,
    provider: environment.provider,
    artifact: input.artifact,
    configHash: input.config.hash,
    config: input.config.values,
    secrets: requiredSecrets(
      environment,
      groups.map((g) => g.name),
      input.config,
      manifest.root,
      exists
    ),
    hosts,
    strategy: {
      kind: 'rolling',
      maxParallel,
      rollbackOnFailure: environment.rollout.rollbackOnFailure,
      keepReleases: environment.rollout.keepReleases
    },
    lockTimeoutMs: input.lockTimeoutMs ?? environment.lockTimeoutMs
  }
}

/** The plan as people read it (dry run and the start of every deploy). */
export function describePlan(plan: DeployPlan): string[] {
  const a = plan.artifact
  const source =
    a.source.kind === 'tarball'
      ? a.source.path
      : a.source.kind === 'folder' && a.source.path
        ? a.source.path
        : (a.image ?? a.digest)
  return [
    `deploy ${plan.service} ${a.version} to ${plan.environment} (${plan.provider})`,
    `  artifact: ${a.digest} (${source})`,
    `  config:   ${plan.configHash}`,
    `  strategy: rolling, ${plan.strategy.maxParallel} at a time, ${plan.strategy.rollbackOnFailure ? 'roll back on failure' : 'no rollback on failure'}, keep ${plan.strategy.keepReleases} releases`,
    `  hosts:    ${plan.hosts.map((h) => (h.port !== undefined ? `${h.name} (port ${h.port})` : h.name)).join(', ')}`,
    `  secrets:  ${plan.secrets.length ? plan.secrets.join(', ') : 'none'}`
  ]
}
