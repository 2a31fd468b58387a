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
  private readonly roots = new Map<string, number>()
  private readonly anchored = new Map<string, number[]>()
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
      const existing = this.roots.get(node.path)
      // A service beats a shared folder or a leftover at the same folder.
      if (existing === undefined || rank(node.kind) < rank((nodes[existing] as OwnerNode).kind)) {
        this.roots.set(node.path, index)
      }
    })
    nodes.forEach((node, index) => {
      const list = this.lists[index]
      if (!list) return
      const own = `${node.path}/**`
      for (const pattern of list.positives()) {
        if (pattern === own) continue
        const anchor = anchorOf(pattern)
        if (anchor.literal) push(this.literal, anchor.base, index)
        else if (anchor.base) push(this.anchored, anchor.base, index)
        else if (!this.unanchored.includes(index)) this.unanchored.push(index)
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
    let seen: number[] | undefined
    const globCandidate = (index: number) => {
      if (index === rootOwner || seen?.includes(index)) return
      const list = this.lists[index] as PatternList
      if (!list.matches(path)) return
      ;(seen ??= []).push(index)
    }
    const exact = this.literal.get(path)
    if (exact) exact.forEach(globCandidate)
    for (let cut = path.lastIndexOf('/'); cut > 0; cut = path.lastIndexOf('/', cut - 1)) {
      const folder = path.slice(0, cut)
      if (rootOwner === -1) {
        const root = this.roots.get(folder)
        if (root !== undefined) {
          const list = this.lists[root]
          // A root claims the path unless its own ordered list excludes it.
          rootOwner = list && list.hasNegation && !list.matches(path) ? -2 : root
        }
      }
      const globs = this.anchored.get(folder)
      if (globs) globs.forEach(globCandidate)
    }
    for (const index of this.unanchored) globCandidate(index)
    let owned = false
    if (rootOwner >= 0) {
      onOwner(rootOwner, 'root')
      owned = true
    }
    if (seen) {
      for (const index of seen) if (index !== rootOwner) onOwner(index, 'glob')
      owned = true
    }
    return owned
  }

  /** The node owning a folder itself (the folder or its innermost ancestor root). */
  ownerOfFolder(folder: string): number | undefined {
    for (let f = folder; f; f = f.slice(0, Math.max(0, f.lastIndexOf('/')))) {
      const root = this.roots.get(f)
      if (root !== undefined) return root
      if (!f.includes('/')) break
    }
    return undefined
  }
}

function rank(kind: OwnerKind): number {
  return kind === 'service' ? 0 : kind === 'shared' ? 1 : kind === 'workspace' ? 2 : 3
}

function push(map: Map<string, number[]>, key: string, value: number): void {
  const list = map.get(key)
  if (!list) map.set(key, [value])
  else if (!list.includes(value)) list.push(value)
}
