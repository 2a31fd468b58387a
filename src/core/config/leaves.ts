import { isConfigMap } from './config-keys.js'

/** One value of the effective config that is not a map: a scalar or a whole list. */
export interface ConfigLeaf {
  /** Dotted key path (`features.reviews`); keys never contain dots. */
  key: string
  path: string[]
  value: unknown
}

/** Every leaf, sorted by key path; an empty map counts as a leaf so it stays visible. */
export function configLeaves(values: Record<string, unknown>): ConfigLeaf[] {
  const leaves: ConfigLeaf[] = []
  const walk = (node: Record<string, unknown>, path: string[]): void => {
    for (const key of Object.keys(node).sort()) {
      const value = node[key]
      const at = [...path, key]
      if (isConfigMap(value) && Object.keys(value).length > 0) walk(value, at)
      else leaves.push({ key: at.join('.'), path: at, value })
    }
  }
  walk(values, [])
  return leaves
}

/** Applies `fn` to every string inside a value (lists and maps included), returning a copy. */
export function mapStrings(value: unknown, fn: (s: string) => unknown): unknown {
  if (typeof value === 'string') return fn(value)
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, fn))
  if (isConfigMap(value)) {
    const out: Record<string, unknown> = {}
    for (const key of Object.keys(value)) out[key] = mapStrings(value[key], fn)
    return out
  }
  return value
}
