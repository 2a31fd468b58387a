import { ConfigError } from '../errors.js'
import { checkConfigKey } from './config-keys.js'
import type { MergeInput } from './merge-layers.js'

/**
 * Explicit overrides, `key=value` or `nested.key=value`, given as an action input or on the
 * command line. The value is read as JSON when it is valid JSON (`50`, `true`, `null`, `"50"`,
 * `["a","b"]`), otherwise taken as the literal string - so `on`, `yes` and `$(id)` stay strings.
 */
export function overridesLayer(lines: readonly string[], origin: string): MergeInput {
  const values: Record<string, unknown> = {}
  lines.forEach((line, index) => {
    const where = { file: origin, keyPath: `overrides[${index}]` }
    const eq = line.indexOf('=')
    if (eq <= 0) {
      throw new ConfigError(
        `override ${JSON.stringify(line.length > 60 ? line.slice(0, 57) + '...' : line)} is not key=value`,
        where,
        'write key=value, e.g. log_level=debug or features.reviews=true'
      )
    }
    const path = line.slice(0, eq).trim().split('.')
    path.forEach((segment) => checkConfigKey(segment, where))
    let node = values
    for (const segment of path.slice(0, -1)) {
      const next = node[segment]
      node[segment] = typeof next === 'object' && next !== null && !Array.isArray(next) ? next : {}
      node = node[segment] as Record<string, unknown>
    }
    node[path[path.length - 1] as string] = overrideValue(line.slice(eq + 1))
  })
  return {
    values,
    sourceOf: () => ({ file: origin, layer: 'override' }),
    locate: (path) => ({ file: origin, keyPath: path.join('.') })
  }
}

function overrideValue(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}
