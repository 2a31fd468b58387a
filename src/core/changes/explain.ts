import { ConfigError } from '../errors.js'
import { nearest } from '../manifest/suggest.js'
import type { ChangeSet } from './model.js'
import type { OwnerGraph } from './owner-graph.js'

/** Lines saying why one service was, or was not, selected. */
export function explainService(changes: ChangeSet, graph: OwnerGraph, name: string): string[] {
  if (changes.deleted.includes(name))
    return [`${name} was deleted between the two commits: reported for teardown, not built`]
  if (!graph.services.has(name)) {
    const known = [...graph.services].sort()
    const guess = nearest(name, known)
    throw new ConfigError(
      `unknown service "${name.length > 64 ? `${name.slice(0, 61)}...` : name}"`,
      { keyPath: 'explain' },
      guess ? `did you mean "${guess}"?` : `known services: ${known.join(', ')}`
    )
  }
  const reasons = changes.reasons[name]
  if (reasons?.length) {
    const lines = [`${name} is selected:`]
    for (const r of reasons) {
      lines.push(`  - ${r.kind}: ${r.detail}`)
      for (const f of r.files) lines.push(`      ${JSON.stringify(f)}`)
      if (r.more) lines.push(`      ... and ${r.more} more`)
    }
    return lines
  }
  const lines = [`${name} is not selected.`]
  if (changes.note) {
    lines.push(`  ${changes.note}`)
    return lines
  }
  const path = graph.servicePaths.get(name) ?? ''
  lines.push(
    `  - none of the ${changes.changedFiles} changed paths is under ${path}/ or matches its paths patterns`
  )
  const deps = transitiveDependencies(graph, name)
  lines.push(
    deps.length
      ? `  - none of what it depends on changed: ${deps.join(', ')}`
      : '  - it depends on no other service or shared folder'
  )
  lines.push('  - no global file (shipline.yml, lockfiles, toolchain pins, "global" patterns) changed')
  return lines
}

function transitiveDependencies(graph: OwnerGraph, name: string): string[] {
  const seen = new Set<string>()
  const queue = [...(graph.dependsOn.get(name) ?? [])]
  while (queue.length) {
    const next = queue.shift() as string
    if (seen.has(next) || next === name) continue
    seen.add(next)
    queue.push(...(graph.dependsOn.get(next) ?? []))
  }
  return [...seen].sort()
}
