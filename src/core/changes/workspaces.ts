import { existsSync, readdirSync, readFileSync, type Dirent } from 'node:fs'
import path from 'node:path'
import picomatch from 'picomatch'
import { parseYaml } from '../manifest/yaml-file.js'
import type { Logger } from '../../platform/logger.js'
import type { OwnerNode } from './ownership-index.js'

const SKIPPED = new Set(['node_modules', '.git', '.shipline'])
const MAX_DEPTH = 8
const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']

interface PackageJson {
  name?: unknown
  workspaces?: unknown
  [field: string]: unknown
}

export interface WorkspaceGraph {
  /** Workspace packages in folders no service or shared folder owns: they become graph nodes. */
  extraNodes: OwnerNode[]
  /** Node name -> names of nodes it depends on through package.json. */
  edges: Map<string, Set<string>>
}

/**
 * Dependencies the manifest does not spell out but npm, pnpm or yarn workspaces do: when a
 * service's package.json depends on a workspace package, a change to that package's folder
 * must rebuild the service. Package folders are listed by the root package.json `workspaces`
 * field or pnpm-workspace.yaml; folders no service or shared folder owns become nodes of their
 * own (kind `workspace`) so their changes still propagate. Symbolic links are not followed.
 */
export function inferWorkspaceGraph(
  root: string,
  nodes: readonly OwnerNode[],
  logger: Logger
): WorkspaceGraph {
  const patterns = workspacePatterns(root, logger)
  const graph: WorkspaceGraph = { extraNodes: [], edges: new Map() }
  if (patterns.length === 0) return graph

  const folders = expandFolders(root, patterns)
  const byName = new Map<string, string>()
  const manifests = new Map<string, PackageJson>()
  for (const folder of folders) {
    const pkg = readPackageJson(root, folder, logger)
    if (!pkg) continue
    manifests.set(folder, pkg)
    if (typeof pkg.name === 'string') byName.set(pkg.name, folder)
  }
  for (const node of nodes) {
    if (manifests.has(node.path)) continue
    const pkg = readPackageJson(root, node.path, logger)
    if (pkg) manifests.set(node.path, pkg)
  }

  const owners = [...nodes]
  const ownerOf = (folder: string): OwnerNode | undefined => {
    let best: OwnerNode | undefined
    for (const n of owners) {
      if (
        (folder === n.path || folder.startsWith(`${n.path}/`)) &&
        (!best || n.path.length > best.path.length)
      )
        best = n
    }
    return best
  }
  for (const [name, folder] of [...byName].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (ownerOf(folder)) continue
    const node: OwnerNode = { name, kind: 'workspace', path: folder, dependsOn: [] }
    owners.push(node)
    graph.extraNodes.push(node)
  }
  for (const [folder, pkg] of manifests) {
    const from = ownerOf(folder)
    if (!from) continue
    for (const dep of dependencyNames(pkg)) {
      const target = byName.get(dep)
      const to = target === undefined ? undefined : ownerOf(target)
      if (!to || to.name === from.name) continue
      let set = graph.edges.get(from.name)
      if (!set) graph.edges.set(from.name, (set = new Set()))
      set.add(to.name)
    }
  }
  return graph
}

function workspacePatterns(root: string, logger: Logger): string[] {
  const patterns: string[] = []
  const pkg = readPackageJson(root, '', logger)
  const field = pkg?.workspaces
  const list = Array.isArray(field)
    ? field
    : field && typeof field === 'object'
      ? (field as { packages?: unknown }).packages
      : undefined
  if (Array.isArray(list)) patterns.push(...list.filter((p): p is string => typeof p === 'string'))
  const pnpm = path.join(root, 'pnpm-workspace.yaml')
  if (existsSync(pnpm)) {
    try {
      const value = parseYaml(readFileSync(pnpm, 'utf8'), 'pnpm-workspace.yaml').value as {
        packages?: unknown
      }
      if (Array.isArray(value?.packages))
        patterns.push(...value.packages.filter((p): p is string => typeof p === 'string'))
    } catch (error) {
      logger.warning(
        `pnpm-workspace.yaml could not be read, workspace dependencies ignored: ${String(error)}`
      )
    }
  }
  return patterns.map((p) => p.replace(/^\.\//, '').replace(/\/+$/, '')).filter((p) => p && !p.includes('..'))
}

/** Folders (relative, sorted) matching the positive workspace patterns and none of the `!` ones. */
function expandFolders(root: string, patterns: string[]): string[] {
  const include = patterns.filter((p) => !p.startsWith('!'))
  const exclude = patterns.filter((p) => p.startsWith('!')).map((p) => p.slice(1))
  if (include.length === 0) return []
  const isIncluded = picomatch(include, { dot: false })
  const isExcluded = exclude.length ? picomatch(exclude, { dot: false }) : () => false
  const found: string[] = []
  const walk = (relative: string, depth: number) => {
    if (depth > MAX_DEPTH) return
    let entries: Dirent[]
    try {
      entries = readdirSync(path.join(root, relative), { withFileTypes: true })
    } catch {
      return
    }
    for (const entry of entries) {
      // Dirent.isDirectory() is false for a symbolic link, so a link loop is never entered.
      if (!entry.isDirectory() || SKIPPED.has(entry.name)) continue
      const child = relative ? `${relative}/${entry.name}` : entry.name
      if (isIncluded(child) && !isExcluded(child)) found.push(child)
      walk(child, depth + 1)
    }
  }
  walk('', 0)
  return found.sort()
}

function readPackageJson(root: string, folder: string, logger: Logger): PackageJson | undefined {
  const file = path.join(root, folder, 'package.json')
  if (!existsSync(file)) return undefined
  try {
    const value: unknown = JSON.parse(readFileSync(file, 'utf8'))
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as PackageJson) : undefined
  } catch {
    logger.warning(
      `${folder ? `${folder}/` : ''}package.json is not valid JSON; its workspace dependencies are ignored`
    )
    return undefined
  }
}

function dependencyNames(pkg: PackageJson): string[] {
  const names = new Set<string>()
  for (const field of DEPENDENCY_FIELDS) {
    const deps = pkg[field]
    if (deps && typeof deps === 'object') for (const name of Object.keys(deps)) names.add(name)
  }
  return [...names].sort()
}
