import { anchorOf, PatternList } from './pattern-list.js'

/** Something that can own files: a service, a shared folder, a removed service, a workspace package. */
export type OwnerKind = 'service' | 'shared' | 'deleted' | 'workspace'

export interface OwnerNode {
  name: string
  kind: OwnerKind
  /** Folder relative to the manifest root ('' never: the root cannot own files). */
  path: string
  /** Names of nodes this one depends on. */
  dependsOn: string[]
  /** Ordered `paths` patterns (services only); the first is `<path>/**`. */
  patterns?: string[]
}

export type Ownership = 'root' | 'glob'

/**
 * Maps a changed path to the nodes that own it, without testing every pattern of every service.
 *
 * - Roots: a map from folder to node. A path's ancestors are looked up from the deepest up, so
 *   the innermost root wins and only whole segments match (`services/api` never owns
 *   `services/api-gateway/x`). Cost: one map lookup per path segment.
 * - Extra globs (a service's `paths` beyond its own folder): indexed by the literal folder they
 *   are anchored at, so only globs whose anchor is an ancestor of the path are ever tested.
 *   Globs anchored at the root (`**\/*.proto`) are tested for every path.
 * - A service whose list has exclusions (`!services/api/docs/**`) has its full ordered list
 *   evaluated, but only for paths that reached it through the two lookups above.
 */
export class OwnershipIndex {
  readonly nodes: readonly OwnerNode[]
  /** Folder -> the node rooted there and the globs anchored there: one lookup per ancestor. */
  private readonly folders = new Map<string, FolderEntry>()
  private readonly literal = new Map<string, number[]>()
  private readonly unanchored: number[] = []
  private readonly lists: (PatternList | undefined)[]

  constructor(nodes: readonly OwnerNode[]) {
    this.nodes = nodes
    this.lists = nodes.map((n) =>
      n.patterns && n.patterns.length > 1 ? new PatternList(n.patterns) : undefined
    )
    nodes.forEach((node, index) => {
      if (!node.path || node.path === '.') return
      const entry = this.entry(node.path)
      // A service beats a shared folder or a leftover at the same folder.
      if (entry.root < 0 || rank(node.kind) < rank((nodes[entry.root] as OwnerNode).kind)) entry.root = index
    })
    nodes.forEach((node, index) => {
      const list = this.lists[index]
      if (!list) return
      const own = `${node.path}/**`
      for (const pattern of list.positives()) {
        if (pattern === own) continue
        const anchor = anchorOf(pattern)
        if (anchor.literal) push(this.literal, anchor.base, index)
        else if (anchor.base) {
          const entry = this.entry(anchor.base)
          if (!entry.globs) entry.globs = [index]
          else if (!entry.globs.includes(index)) entry.globs.push(index)
        } else if (!this.unanchored.includes(index)) this.unanchored.push(index)
      }
    })
  }

  /** The folder a node owns, by name (for reports). */
  node(index: number): OwnerNode {
    return this.nodes[index] as OwnerNode
  }

  /**
   * Calls `onOwner` for every node owning `path` (the innermost root first, then glob owners, each
   * once) and returns whether anyone owned it.
   */
  owners(path: string, onOwner: (node: number, how: Ownership) => void): boolean {
    let rootOwner = -1
    let rootDecided = false
    let globOwners: number[] | undefined
    const exact = this.literal.get(path)
    if (exact) globOwners = this.matching(exact, path, globOwners)
    for (let cut = path.lastIndexOf('/'); cut > 0; cut = path.lastIndexOf('/', cut - 1)) {
      const entry = this.folders.get(path.slice(0, cut))
      if (entry === undefined) continue
      if (!rootDecided && entry.root >= 0) {
        rootDecided = true
        const list = this.lists[entry.root]
        // A root claims the path unless its own ordered list excludes it.
        rootOwner = list && list.hasNegation && !list.matches(path) ? -1 : entry.root
      }
      if (entry.globs) globOwners = this.matching(entry.globs, path, globOwners)
    }
    if (this.unanchored.length) globOwners = this.matching(this.unanchored, path, globOwners)
    if (rootOwner >= 0) onOwner(rootOwner, 'root')
    let owned = rootOwner >= 0
    if (globOwners) {
      for (const index of globOwners) {
        if (index === rootOwner) continue
        onOwner(index, 'glob')
        owned = true
      }
    }
    return owned
  }

  private matching(
    candidates: readonly number[],
    path: string,
    found: number[] | undefined
  ): number[] | undefined {
    for (const index of candidates) {
      if (found?.includes(index)) continue
      if ((this.lists[index] as PatternList).matches(path)) (found ??= []).push(index)
    }
    return found
  }

  private entry(folder: string): FolderEntry {
    let entry = this.folders.get(folder)
    if (!entry) this.folders.set(folder, (entry = { root: -1 }))
    return entry
  }
}

interface FolderEntry {
  /** The node rooted at this folder, or -1. */
  root: number
  /** Nodes with a glob anchored at this folder. */
  globs?: number[]
}

function rank(kind: OwnerKind): number {
  return kind === 'service' ? 0 : kind === 'shared' ? 1 : kind === 'workspace' ? 2 : 3
}

function push(map: Map<string, number[]>, key: string, value: number): void {
  const list = map.get(key)
  if (!list) map.set(key, [value])
  else if (!list.includes(value)) list.push(value)
}
