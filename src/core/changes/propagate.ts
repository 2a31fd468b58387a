/**
 * Reverse dependency propagation: from the nodes whose own files changed, walk "is depended on by"
 * edges breadth-first with one shared visited set, so the whole walk costs O(nodes + edges) however
 * many nodes changed (one walk per changed node would cost O(changed x graph)). Cycles are harmless.
 *
 * Returns every node reached that was not itself a seed, with the chain that reached it first
 * (seed first, the node last). Seeds and neighbours are visited in name order, so the chains are
 * the same on every run.
 */
export function propagateToDependents(
  dependsOn: ReadonlyMap<string, readonly string[]>,
  seeds: readonly string[]
): Map<string, string[]> {
  const dependents = new Map<string, string[]>()
  for (const [node, deps] of dependsOn) {
    for (const dep of deps) {
      const list = dependents.get(dep)
      if (list) list.push(node)
      else dependents.set(dep, [node])
    }
  }
  for (const list of dependents.values()) list.sort(byteOrder)

  const parent = new Map<string, string | undefined>()
  const queue = [...new Set(seeds)].sort(byteOrder)
  for (const seed of queue) parent.set(seed, undefined)
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i] as string
    for (const next of dependents.get(node) ?? []) {
      if (parent.has(next)) continue
      parent.set(next, node)
      queue.push(next)
    }
  }

  const reached = new Map<string, string[]>()
  for (const [node, from] of parent) {
    if (from === undefined) continue
    const chain = [node]
    for (let at = parent.get(node); at !== undefined; at = parent.get(at)) chain.push(at)
    reached.set(node, chain.reverse())
  }
  return reached
}

export function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
