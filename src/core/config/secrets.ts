import { ConfigError, ConfigErrors, type SourceLocation } from '../errors.js'
import type { Logger } from '../../platform/logger.js'
import { configLeaves, mapStrings } from './leaves.js'
import type { ConfigWarning, ValueSource } from './model.js'
import { looksSecret, secretReference } from './secret-reference.js'

export interface SecretUse {
  name: string
  /** The first key that references it. */
  key: string
  location: SourceLocation
}

/** How far to go with secret references: keep them, prove they can be resolved, or resolve them. */
export type SecretMode = 'none' | 'check' | 'resolve'

/**
 * The secrets referenced by the effective config (first use of each, sorted by name), and a warning
 * for every literal string under a key that looks like it should be a secret.
 */
export function scanSecrets(
  values: Record<string, unknown>,
  sources: Record<string, ValueSource>
): { uses: SecretUse[]; warnings: ConfigWarning[] } {
  const uses = new Map<string, SecretUse>()
  const warnings: ConfigWarning[] = []
  for (const leaf of configLeaves(values)) {
    const where = (): SourceLocation => sourceLocation(sources[leaf.key], leaf.key)
    const strings: string[] = []
    mapStrings(leaf.value, (s) => strings.push(s))
    let referenced = false
    for (const item of strings) {
      const name = secretReference(item, where)
      if (name === undefined) continue
      referenced = true
      if (!uses.has(name)) uses.set(name, { name, key: leaf.key, location: where() })
    }
    const last = leaf.path[leaf.path.length - 1] ?? ''
    if (!referenced && typeof leaf.value === 'string' && leaf.value !== '' && looksSecret(last)) {
      warnings.push({
        message: `config key "${leaf.key}" looks like a secret but holds a literal value; store it as a secret and write secret:NAME`,
        location: where()
      })
    }
  }
  return { uses: [...uses.values()].sort((a, b) => (a.name < b.name ? -1 : 1)), warnings }
}

/**
 * Reads each referenced secret from the step's environment. In `resolve` mode every value is handed
 * to the logger to mask (with its derived forms) the moment it is read, before anything else can
 * see it; in `check` mode values are only tested for presence and then dropped. All missing secrets
 * are reported together, by name only.
 */
export function readSecrets(
  uses: readonly SecretUse[],
  env: Readonly<Record<string, string | undefined>>,
  mode: SecretMode,
  logger: Logger
): Map<string, string> {
  const values = new Map<string, string>()
  if (mode === 'none') return values
  const missing: ConfigError[] = []
  for (const use of uses) {
    const value = env[use.name]
    // A blank value cannot be masked (the runner only warns), so it counts as missing.
    if (value === undefined || value.trim() === '') {
      missing.push(
        new ConfigError(
          `secret ${use.name} (referenced by "${use.key}") is ${value === undefined ? 'not set' : 'empty'} in the step's environment`,
          use.location,
          `pass it to the step: env: { ${use.name}: \${{ secrets.${use.name} }} }, and make sure the job's environment defines it`
        )
      )
      continue
    }
    if (mode === 'resolve') {
      logger.mask(value)
      values.set(use.name, value)
    }
  }
  if (missing.length) throw missing.length === 1 && missing[0] ? missing[0] : new ConfigErrors(missing)
  return values
}

export function sourceLocation(source: ValueSource | undefined, key: string): SourceLocation {
  if (!source) return { keyPath: key }
  return {
    file: source.file,
    ...(source.line ? { line: source.line } : {}),
    ...(source.column ? { column: source.column } : {}),
    keyPath: key
  }
}
