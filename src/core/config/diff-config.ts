import { isDeepStrictEqual } from 'node:util'
import { configLeaves } from './leaves.js'
import type { ResolvedConfig, ValueSource } from './model.js'

export interface ConfigDifference {
  key: string
  kind: 'changed' | 'only-left' | 'only-right'
  left?: { value: unknown; source?: ValueSource }
  right?: { value: unknown; source?: ValueSource }
}

/** What differs between two resolved configs, key by key (sorted), with where each side comes from. */
export function diffConfigs(left: ResolvedConfig, right: ResolvedConfig): ConfigDifference[] {
  const a = new Map(configLeaves(left.values).map((l) => [l.key, l.value]))
  const b = new Map(configLeaves(right.values).map((l) => [l.key, l.value]))
  const keys = [...new Set([...a.keys(), ...b.keys()])].sort()
  const out: ConfigDifference[] = []
  for (const key of keys) {
    const inLeft = a.has(key)
    const inRight = b.has(key)
    if (inLeft && inRight && isDeepStrictEqual(a.get(key), b.get(key))) continue
    out.push({
      key,
      kind: inLeft && inRight ? 'changed' : inLeft ? 'only-left' : 'only-right',
      ...(inLeft ? { left: side(a.get(key), left.sources[key]) } : {}),
      ...(inRight ? { right: side(b.get(key), right.sources[key]) } : {})
    })
  }
  return out
}

function side(value: unknown, source: ValueSource | undefined): { value: unknown; source?: ValueSource } {
  return source ? { value, source } : { value }
}
