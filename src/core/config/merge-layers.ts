import type { SourceLocation } from '../errors.js'
import { checkConfigKey, isConfigMap } from './config-keys.js'
import type { ValueSource } from './model.js'

/** One layer's values with a way to say where each of them sits. */
export interface MergeInput {
  values: Record<string, unknown>
  /** Source of the value at `path` (for provenance). */
  sourceOf(path: string[]): ValueSource
  /** Location of the key at `path` (for errors). */
  locate(path: string[]): SourceLocation
}

export interface Merged {
  values: Record<string, unknown>
  sources: Record<string, ValueSource>
}

/**
 * Merges layers, lowest precedence first: maps merge key by key at every depth, lists and scalars
 * replace what was there, and `null` removes the key. Every leaf remembers the layer it came from.
 */
export function mergeLayers(inputs: readonly MergeInput[]): Merged {
  const values: Record<string, unknown> = {}
  const sources = new Map<string, ValueSource>()
  for (const input of inputs) apply(values, input.values, [], input, sources)
  const sorted: Record<string, ValueSource> = {}
  for (const key of [...sources.keys()].sort()) sorted[key] = sources.get(key) as ValueSource
  return { values, sources: sorted }
}

function apply(
  target: Record<string, unknown>,
  incoming: Record<string, unknown>,
  prefix: string[],
  input: MergeInput,
  sources: Map<string, ValueSource>
): void {
  for (const key of Object.keys(incoming)) {
    const path = [...prefix, key]
    checkConfigKey(key, () => input.locate(path))
    const value = incoming[key]
    // A map merging into a map keeps the sources below it; anything else replaces them.
    if (isConfigMap(target[key]) && !isConfigMap(value)) forgetBelow(sources, path.join('.'))
    sources.delete(path.join('.'))
    if (value === null || value === undefined) {
      delete target[key]
    } else if (isConfigMap(value)) {
      const existing = target[key]
      const child = isConfigMap(existing) ? existing : {}
      target[key] = child
      apply(child, value, path, input, sources)
      // An empty map still has an origin worth showing.
      if (Object.keys(value).length === 0 && Object.keys(child).length === 0)
        sources.set(path.join('.'), input.sourceOf(path))
    } else {
      target[key] = structuredClone(value)
      sources.set(path.join('.'), input.sourceOf(path))
    }
  }
}

/** Drops the sources of everything under a key (only needed when a map is replaced or removed). */
function forgetBelow(sources: Map<string, ValueSource>, key: string): void {
  for (const existing of [...sources.keys()]) if (existing.startsWith(`${key}.`)) sources.delete(existing)
}
