import { existsSync } from 'node:fs'
import path from 'node:path'
import { parseDuration } from '../duration.js'
import { ConfigError, ConfigErrors, type SourceLocation } from '../errors.js'
import { checkDependencyGraph, type GraphNode } from './dependency-graph.js'
import { discoverServiceFolders } from './discover.js'
import { checkPattern, normaliseRelative, resolveInsideRepository } from './path-safety.js'
import { repositoryFileSchema, serviceFileSchema } from './schema/manifest-schema.js'
import { checkAgainstSchema } from './schema-check.js'
import type { ArtifactFormat } from './schema/artifacts-section.js'
import type {
  BaseImageSpec,
  EnvironmentSpec,
  HostGroup,
  Manifest,
  Origin,
  Service,
  SharedFolder
} from './types.js'
import { readYamlFile, type YamlFile } from './yaml-file.js'

export const MANIFEST_FILE = 'shipline.yml'
export const SERVICE_FILE = 'service.yml'

type Raw = Record<string, unknown>

/** Reads shipline.yml and every service.yml under `root`, validates them and applies defaults. */
export function loadManifest(root: string): Manifest {
  const absoluteRoot = path.resolve(root)
  const manifestPath = path.join(absoluteRoot, MANIFEST_FILE)
  if (!existsSync(manifestPath)) {
    throw new ConfigError(
      `no ${MANIFEST_FILE} in ${absoluteRoot}`,
      { file: MANIFEST_FILE },
      `run shipline from the repository root (or pass --repo <folder>), or create ${MANIFEST_FILE} there`
    )
  }
  const file = readYamlFile(manifestPath, MANIFEST_FILE)
  if (typeof file.value !== 'object' || file.value === null || Array.isArray(file.value)) {
    throw new ConfigError(
      `${MANIFEST_FILE} must be a map of keys`,
      file.locate([]),
      'start with "version: 1" and "discover:" or "services:"'
    )
  }
  checkAgainstSchema(file, repositoryFileSchema)
  const raw = file.value as Raw

  const services: Service[] = []
  const graph: GraphNode[] = []
  const seen = new Map<string, Origin>()
  const errors: ConfigError[] = []
  const claim = (name: string, origin: Origin): boolean => {
    const previous = seen.get(name)
    if (previous) {
      errors.push(
        new ConfigError(
          `duplicate name "${name}" (also defined at ${previous.file}:${previous.line})`,
          { ...origin, keyPath: 'name' },
          'give every service and shared folder a unique name'
        )
      )
      return false
    }
    seen.set(name, origin)
    return true
  }

  for (const [index, pattern] of ((raw.discover as string[] | undefined) ?? []).entries()) {
    checkPattern(pattern, file.locate(['discover', index]))
    for (const folder of discoverServiceFolders(absoluteRoot, pattern)) {
      const where = file.locate(['discover', index])
      resolveInsideRepository(absoluteRoot, folder, where, 'service folder')
      const { service, dependsOnAt } = readServiceFile(absoluteRoot, folder)
      if (claim(service.name, service.origin)) {
        services.push(service)
        graph.push(graphNode(service, service.origin, dependsOnAt))
      }
    }
  }

  for (const [name, value] of Object.entries((raw.services as Record<string, Raw> | undefined) ?? {})) {
    const origin = originOf(file, ['services', name])
    const folder = String(value.path)
    resolveInsideRepository(absoluteRoot, folder, file.locate(['services', name, 'path']), 'service path')
    if (value.name !== undefined && value.name !== name) {
      errors.push(
        new ConfigError(
          `inline service "${name}" says name: ${String(value.name)}`,
          file.locate(['services', name, 'name']),
          'drop "name:"; the key is the name'
        )
      )
      continue
    }
    const service = toService(name, normaliseRelative(folder), value, origin, file, ['services', name])
    if (claim(name, origin)) {
      services.push(service)
      graph.push(graphNode(service, origin, file.locate(['services', name, 'depends_on'])))
    }
  }

  const shared: SharedFolder[] = []
  for (const [name, value] of Object.entries((raw.shared as Record<string, Raw> | undefined) ?? {})) {
    const origin = originOf(file, ['shared', name])
    const folder = String(value.path)
    resolveInsideRepository(absoluteRoot, folder, file.locate(['shared', name, 'path']), 'shared folder')
    const entry: SharedFolder = {
      name,
      path: normaliseRelative(folder),
      dependsOn: (value.depends_on as string[] | undefined) ?? [],
      origin
    }
    if (claim(name, origin)) {
      shared.push(entry)
      graph.push({
        name,
        dependsOn: entry.dependsOn,
        origin,
        dependsOnOrigin: asOrigin(file.locate(['shared', name, 'depends_on']))
      })
    }
  }

  if (errors.length) throw errors.length === 1 && errors[0] ? errors[0] : new ConfigErrors(errors)
  if (services.length === 0) {
    throw new ConfigError(
      'no services found',
      file.locate(raw.discover ? ['discover'] : []),
      `point "discover:" at folders that hold a ${SERVICE_FILE}, or list services under "services:"`
    )
  }
  checkDependencyGraph(graph)

  const global = (raw.global as string[] | undefined) ?? []
  global.forEach((pattern, index) => checkPattern(pattern, file.locate(['global', index])))

  const byName = (a: { name: string }, b: { name: string }) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0
  services.sort(byName)
  shared.sort(byName)
  const environments = toEnvironments(raw, file, new Set(services.map((s) => s.name)))

  const config = (raw.config as Raw | undefined) ?? {}
  const images = (raw.images as Raw | undefined) ?? {}
  return {
    root: absoluteRoot,
    file: MANIFEST_FILE,
    services,
    shared,
    global: [MANIFEST_FILE, ...global.filter((g) => g !== MANIFEST_FILE)],
    config: { dir: normaliseRelative(String(config.dir ?? 'config')) },
    images: {
      ...(images.registry ? { registry: String(images.registry) } : {}),
      bases: Object.entries((images.bases as Record<string, Raw> | undefined) ?? {}).map(
        ([name, b]): BaseImageSpec => ({
          name,
          from: String(b.from),
          layers: ((b.layers as string[] | undefined) ?? []).map(normaliseRelative),
          env: (b.env as Record<string, string> | undefined) ?? {}
        })
      )
    },
    environments
  }
}

function readServiceFile(root: string, folder: string): { service: Service; dependsOnAt: SourceLocation } {
  const display = `${folder}/${SERVICE_FILE}`
  const file = readYamlFile(path.join(root, folder, SERVICE_FILE), display)
  if (typeof file.value !== 'object' || file.value === null || Array.isArray(file.value)) {
    throw new ConfigError(`${display} must be a map of keys`, file.locate([]), 'start with "name: <service>"')
  }
  checkAgainstSchema(file, serviceFileSchema)
  const raw = file.value as Raw
  return {
    service: toService(String(raw.name), folder, raw, originOf(file, ['name']), file, []),
    dependsOnAt: file.locate(['depends_on'])
  }
}

function toService(
  name: string,
  folder: string,
  raw: Raw,
  origin: Origin,
  file: YamlFile,
  at: string[]
): Service {
  const extraPaths = (raw.paths as string[] | undefined) ?? []
  extraPaths.forEach((p, i) => checkPattern(p, file.locate([...at, 'paths', i])))
  const build = (raw.build as Raw | undefined) ?? {}
  const artifacts = (raw.artifacts as Raw | undefined) ?? {}
  const image = (raw.image as Raw | undefined) ?? {}
  const run = raw.run as Raw | undefined
  const health = (run?.health as Raw | undefined) ?? {}
  const config = (raw.config as Raw | undefined) ?? {}
  const paths = [`${folder}/**`, ...extraPaths.filter((p) => p !== `${folder}/**`)]
  return {
    name,
    path: folder,
    description: String(raw.description ?? `The ${name} service`),
    version: String(raw.version ?? '0.1.0'),
    maintainer: String(raw.maintainer ?? 'shipline <shipline@localhost.invalid>'),
    ...(raw.homepage ? { homepage: String(raw.homepage) } : {}),
    license: String(raw.license ?? 'proprietary'),
    paths,
    dependsOn: (raw.depends_on as string[] | undefined) ?? [],
    build: {
      ...(build.command ? { command: build.command as string[] } : {}),
      output: normaliseRelative(String(build.output ?? '.')),
      env: (build.env as Record<string, string> | undefined) ?? {},
      exclude: (build.exclude as string[] | undefined) ?? [],
      includeCredentials: build.include_credentials === true
    },
    artifacts: {
      formats: (artifacts.formats as ArtifactFormat[] | undefined) ?? ['deb', 'rpm', 'tgz'],
      installDir: String(artifacts.install_dir ?? `/opt/${name}`),
      architecture: String(artifacts.architecture ?? 'all'),
      depends: (artifacts.depends as string[] | undefined) ?? [],
      ...(artifacts.requires ? { requires: artifacts.requires as string[] } : {}),
      conffiles: (artifacts.conffiles as string[] | undefined) ?? [],
      scripts: (artifacts.scripts as Service['artifacts']['scripts'] | undefined) ?? {},
      systemd: artifacts.systemd !== false && run !== undefined,
      section: String(artifacts.section ?? 'misc'),
      priority: String(artifacts.priority ?? 'optional')
    },
    image: {
      ...(image.base ? { base: String(image.base) } : {}),
      tags: (image.tags as string[] | undefined) ?? [],
      env: (image.env as Record<string, string> | undefined) ?? {},
      labels: (image.labels as Record<string, string> | undefined) ?? {}
    },
    ...(run
      ? {
          run: {
            command: run.command as string[],
            ...(run.port !== undefined ? { port: Number(run.port) } : {}),
            env: (run.env as Record<string, string> | undefined) ?? {},
            health: {
              path: String(health.path ?? '/health'),
              timeoutMs: parseDuration((health.timeout as string | number | undefined) ?? '5s'),
              intervalMs: parseDuration((health.interval as string | number | undefined) ?? '250ms'),
              retries: Number(health.retries ?? 40)
            }
          }
        }
      : {}),
    config: {
      dir: normaliseRelative(String(config.dir ?? 'config')),
      ...(config.schema ? { schema: normaliseRelative(String(config.schema)) } : {})
    },
    origin
  }
}

function toEnvironments(raw: Raw, file: YamlFile, serviceNames: Set<string>): EnvironmentSpec[] {
  const list = (raw.environments as Raw[] | undefined) ?? [{ name: 'local', provider: 'local' }]
  const seen = new Map<string, number>()
  return list.map((env, index): EnvironmentSpec => {
    const name = String(env.name)
    const lower = name.toLowerCase()
    const previous = seen.get(lower)
    if (previous !== undefined) {
      throw new ConfigError(
        `environment "${name}" is declared twice (names are compared without case; see environments[${previous}])`,
        file.locate(['environments', index, 'name']),
        'give every environment a distinct name'
      )
    }
    seen.set(lower, index)
    const rollout = (env.rollout as Raw | undefined) ?? {}
    const groups = ((env.groups as Raw[] | undefined) ?? [{ name: 'default', services: ['*'] }]).map(
      (group, g): HostGroup =>
        toHostGroup(group, file, ['environments', index, 'groups', g], serviceNames, name)
    )
    return {
      name: lower,
      provider: (env.provider as EnvironmentSpec['provider'] | undefined) ?? 'local',
      ...(env.credentials ? { credentials: String(env.credentials) } : {}),
      ...(env.known_hosts ? { knownHosts: String(env.known_hosts) } : {}),
      ...(env.user ? { user: String(env.user) } : {}),
      ...(env.root ? { root: String(env.root) } : {}),
      ...(env.deploy_root ? { deployRoot: String(env.deploy_root) } : {}),
      ...(env.commands ? { commands: env.commands as Record<string, string[]> } : {}),
      lockTimeoutMs: parseDuration((env.lock_timeout as string | number | undefined) ?? '5m'),
      rollout: {
        maxParallel: Number(rollout.max_parallel ?? 1),
        rollbackOnFailure: rollout.rollback_on_failure !== false,
        keepReleases: Number(rollout.keep_releases ?? 5)
      },
      groups,
      order: index
    }
  })
}

function toHostGroup(
  group: Raw,
  file: YamlFile,
  at: (string | number)[],
  serviceNames: Set<string>,
  envName: string
): HostGroup {
  const services = group.services as string[]
  services.forEach((s, i) => {
    if (s !== '*' && !serviceNames.has(s)) {
      throw new ConfigError(
        `environment "${envName}" places unknown service "${s}"`,
        file.locate([...at, 'services', i]),
        `known services: ${[...serviceNames].sort().join(', ')}`
      )
    }
  })
  const name = String(group.name)
  const hosts = (group.hosts as string[] | undefined) ?? []
  const count = group.count === undefined ? Math.max(hosts.length, 1) : Number(group.count)
  if (hosts.length > 0 && count !== hosts.length) {
    throw new ConfigError(
      `group "${name}" lists ${hosts.length} hosts but count is ${count}`,
      file.locate([...at, 'count']),
      'drop "count" or make it match the number of hosts'
    )
  }
  return {
    name,
    services,
    hosts: hosts.length
      ? hosts
      : Array.from({ length: count }, (_, i) => (count === 1 ? name : `${name}-${i + 1}`)),
    count,
    ...(group.target ? { target: String(group.target) } : {}),
    ...(group.credentials ? { credentials: String(group.credentials) } : {})
  }
}

function originOf(file: YamlFile, at: (string | number)[]): Origin {
  return asOrigin(file.locate(at))
}

function asOrigin(loc: { file?: string; line?: number; column?: number }): Origin {
  return { file: loc.file ?? '', line: loc.line ?? 1, column: loc.column ?? 1 }
}

function graphNode(
  service: Service,
  origin: Origin,
  dependsOnOrigin?: { file?: string; line?: number; column?: number }
): GraphNode {
  return {
    name: service.name,
    dependsOn: service.dependsOn,
    origin,
    ...(dependsOnOrigin ? { dependsOnOrigin: asOrigin(dependsOnOrigin) } : {})
  }
}

/** The environment a user named, compared without case; refuses anything unknown with the known list. */
export function findEnvironment(manifest: Manifest, name: string): EnvironmentSpec {
  const wanted = name.trim().toLowerCase()
  const env = manifest.environments.find((e) => e.name === wanted)
  if (!env || wanted !== name.toLowerCase()) {
    throw new ConfigError(
      `unknown environment "${name.length > 64 ? name.slice(0, 61) + '...' : name}"`,
      { file: manifest.file, keyPath: 'environments' },
      `use one of: ${manifest.environments.map((e) => e.name).join(', ')}`
    )
  }
  return env
}

/** The service a user named; refuses anything unknown with a suggestion. */
export function findService(manifest: Manifest, name: string): Service {
  const service = manifest.services.find((s) => s.name === name)
  if (!service) {
    const shared = manifest.shared.find((s) => s.name === name)
    throw new ConfigError(
      shared
        ? `"${name}" is a shared folder, not a service`
        : `unknown service "${name.length > 64 ? name.slice(0, 61) + '...' : name}"`,
      { file: manifest.file },
      `use one of: ${manifest.services.map((s) => s.name).join(', ')}`
    )
  }
  return service
}
