import { ConfigError, type SourceLocation } from '../errors.js'

/**
 * Config keys are plain names: they become dotted paths (`features.reviews`), dotenv names
 * (`FEATURES_REVIEWS`) and JSON members, so a dot, a space or an object-prototype name would make
 * one of those ambiguous or dangerous.
 */
const KEY_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,127}$/
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype'])

/** `where` may be a function, so the location is only looked up for a key that is refused. */
export function checkConfigKey(key: string, where: SourceLocation | (() => SourceLocation)): void {
  const at = (): SourceLocation => (typeof where === 'function' ? where() : where)
  if (FORBIDDEN_KEYS.has(key)) {
    throw new ConfigError(
      `config key "${key}" is not allowed (it names a JavaScript object internal)`,
      at(),
      'rename the key'
    )
  }
  if (!KEY_PATTERN.test(key)) {
    throw new ConfigError(
      `invalid config key ${JSON.stringify(key.length > 60 ? key.slice(0, 57) + '...' : key)}`,
      at(),
      'use 1 to 128 letters, digits, "_" and "-" (nest maps instead of dots)'
    )
  }
}

/** A plain map (not a list, not null). */
export function isConfigMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
