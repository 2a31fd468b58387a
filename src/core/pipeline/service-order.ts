import type { Manifest } from '../manifest/types.js'

/**
 * Services in deploy order: every service after the services it depends on (directly or through
 * shared folders), ties broken by name. The manifest loader has already refused cycles.
 */
export function dependencyOrder(manifest: Manifest, selected: readonly string[]): string[] {
  const services = new Set(manifest.services.map((s) => s.name))
  const dependsOn = new Map<string, string[]>()
  for (const node of [...manifest.services, ...manifest.shared]) dependsOn.set(node.name, node.dependsOn)
  const order: string[] = []
  const placed = new Set<string>()
  const place = (name: string): void => {
    if (placed.has(name)) return
    placed.add(name)
    for (const dep of [...(dependsOn.get(name) ?? [])].sort()) place(dep)
    if (services.has(name)) order.push(name)
  }
  for (const name of [...selected].sort()) place(name)
  const wanted = new Set(selected)
  return order.filter((name) => wanted.has(name))
}
