import { statSync } from 'node:fs'
import path from 'node:path'
import type { Manifest } from '../manifest/types.js'
import type { Logger } from '../../platform/logger.js'
import { GlobalFiles } from './global-files.js'
import { OwnershipIndex, type OwnerNode } from './ownership-index.js'
import { anchorOf } from './pattern-list.js'
import { inferWorkspaceGraph } from './workspaces.js'

/** Everything needed to map changed paths to services, built once per run from the manifest. */
export interface OwnerGraph {
  index: OwnershipIndex
  globals: GlobalFiles
  /** Node name -> names it depends on (manifest `depends_on` plus workspace package.json edges). */
  dependsOn: Map<string, string[]>
  /** Names of nodes that are services (only these enter the matrix). */
  services: Set<string>
  /** Service name -> folder, for the matrix. */
  servicePaths: Map<string, string>
}

export function buildOwnerGraph(manifest: Manifest, logger: Logger): OwnerGraph {
  const nodes: OwnerNode[] = [
    ...manifest.services.map((s): OwnerNode => ({
      name: s.name,
      kind: 'service',
      path: s.path,
      dependsOn: [...s.dependsOn],
      patterns: s.paths.map((p) => expandBareFolder(manifest.root, p, s.name, logger))
    })),
    ...manifest.shared.map((s): OwnerNode => ({
      name: s.name,
      kind: 'shared',
      path: s.path,
      dependsOn: [...s.dependsOn]
    }))
  ]
  const workspace = inferWorkspaceGraph(manifest.root, nodes, logger)
  nodes.push(...workspace.extraNodes)
  const dependsOn = new Map<string, string[]>()
  for (const node of nodes) {
    const inferred = workspace.edges.get(node.name)
    const all = new Set([...node.dependsOn, ...(inferred ?? [])])
    if (inferred) {
      for (const dep of inferred) {
        if (!node.dependsOn.includes(dep))
          logger.debug(`${node.name} depends on ${dep} through its package.json`)
      }
    }
    dependsOn.set(node.name, [...all].sort())
  }
  return {
    index: new OwnershipIndex(nodes),
    globals: new GlobalFiles(manifest.global, manifest.file),
    dependsOn,
    services: new Set(manifest.services.map((s) => s.name)),
    servicePaths: new Map(manifest.services.map((s) => [s.name, s.path]))
  }
}

/** `proto/catalog` naming a folder means everything in it: expanded to `proto/catalog/**`, with a notice. */
function expandBareFolder(root: string, pattern: string, service: string, logger: Logger): string {
  const negated = pattern.startsWith('!')
  const body = negated ? pattern.slice(1) : pattern
  if (!anchorOf(body).literal) return pattern
  let isFolder = false
  try {
    isFolder = statSync(path.join(root, body)).isDirectory()
  } catch {
    return pattern
  }
  if (!isFolder) return pattern
  logger.notice(`service ${service}: paths entry "${pattern}" is a folder; read as "${pattern}/**"`)
  return `${pattern}/**`
}
