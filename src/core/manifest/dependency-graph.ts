import { ConfigError, ConfigErrors } from '../errors.js'
import type { Origin } from './types.js'
import { nearest } from './suggest.js'

export interface GraphNode {
  name: string
  dependsOn: string[]
  origin: Origin
  /** Where `depends_on` sits, for pointing at a bad entry. */
  dependsOnOrigin?: Origin
}

/**
 * Checks that every `depends_on` names a known service or shared folder, and that the graph has
 * no cycle. Reports every dangling reference at once, and a cycle as its full chain.
 */
export function checkDependencyGraph(nodes: readonly GraphNode[]): void {
  const byName = new Map(nodes.map((n) => [n.name, n]))
  const names = [...byName.keys()]
  const errors: ConfigError[] = []
  for (const node of nodes) {
    for (const dep of node.dependsOn) {
      if (byName.has(dep)) continue
      const guess = nearest(dep, names)
      errors.push(
        new ConfigError(
          `"${node.name}" depends on "${dep}", which is neither a service nor a shared folder`,
          { ...(node.dependsOnOrigin ?? node.origin), keyPath: 'depends_on' },
          guess ? `did you mean "${guess}"?` : `known names: ${names.join(', ')}`
        )
      )
    }
    if (node.dependsOn.includes(node.name)) {
      errors.push(
        new ConfigError(
          `"${node.name}" depends on itself`,
          { ...(node.dependsOnOrigin ?? node.origin), keyPath: 'depends_on' },
          'remove it from its own depends_on'
        )
      )
    }
  }
  if (errors.length) throw errors.length === 1 && errors[0] ? errors[0] : new ConfigErrors(errors)

  const cycle = findCycle(nodes, byName)
  if (cycle) {
    const start = byName.get(cycle[0] ?? '')
    throw new ConfigError(
      `dependency cycle: ${cycle.join(' -> ')}`,
      { ...(start?.dependsOnOrigin ?? start?.origin ?? {}), keyPath: 'depends_on' },
      'break the cycle: a service cannot depend, directly or through others, on itself'
    )
  }
}

function findCycle(nodes: readonly GraphNode[], byName: Map<string, GraphNode>): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>()
  const stack: string[] = []
  const visit = (name: string): string[] | undefined => {
    const s = state.get(name)
    if (s === 'done') return undefined
    if (s === 'visiting') return [...stack.slice(stack.indexOf(name)), name]
    state.set(name, 'visiting')
    stack.push(name)
    for (const dep of [...(byName.get(name)?.dependsOn ?? [])].sort()) {
      const found = visit(dep)
      if (found) return found
    }
    stack.pop()
    state.set(name, 'done')
    return undefined
  }
  for (const node of [...nodes].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const found = visit(node.name)
    if (found) return found
  }
  return undefined
}
