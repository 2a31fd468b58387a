import { stringify } from 'yaml'
import { canonicalJson } from '../canonical-json.js'
import { ConfigError } from '../errors.js'
import { configLeaves } from './leaves.js'
import type { ConfigFormat } from './model.js'

/** Renders a config (already materialised or with references) as a file. Same values, same bytes. */
export function renderConfig(values: Record<string, unknown>, format: ConfigFormat): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(JSON.parse(canonicalJson(values)), null, 2)}\n`
    case 'yaml':
      // Every string and key double-quoted: a YAML 1.1 reader cannot take "on" or "no" for a boolean.
      return stringify(JSON.parse(canonicalJson(values)), {
        version: '1.2',
        defaultStringType: 'QUOTE_DOUBLE',
        lineWidth: 0
      })
    case 'dotenv':
      return renderDotenv(values)
  }
}

/**
 * `FEATURES_REVIEWS='true'`: nested keys joined with `_` and upper-cased; lists and maps as JSON.
 * Values are single-quoted (literal in every dotenv reader) unless they hold a quote or a line
 * break, then double-quoted with `\\`, `\"`, `\n`, `\r` and `\$` escaped so nothing expands.
 */
function renderDotenv(values: Record<string, unknown>): string {
  const seen = new Map<string, string>()
  const lines: string[] = []
  for (const leaf of configLeaves(values)) {
    const name = envName(leaf.path)
    const previous = seen.get(name)
    if (previous) {
      throw new ConfigError(
        `config keys "${previous}" and "${leaf.key}" both become ${name} in a dotenv file`,
        { keyPath: leaf.key },
        'rename one of them, or choose format json or yaml'
      )
    }
    seen.set(name, leaf.key)
    const text = typeof leaf.value === 'string' ? leaf.value : JSON.stringify(leaf.value)
    lines.push(`${name}=${quote(text)}`)
  }
  return lines.length ? `${lines.join('\n')}\n` : ''
}

export function envName(path: readonly string[]): string {
  const name = path
    .join('_')
    .toUpperCase()
    .replace(/[^A-Z0-9_]/g, '_')
  return /^[0-9]/.test(name) ? `_${name}` : name
}

function quote(text: string): string {
  if (!/['\r\n]/.test(text)) return `'${text}'`
  const escaped = text
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\$/g, '\\$')
  return `"${escaped}"`
}
