import * as core from '@actions/core'
import { parseDuration } from '../../core/duration.js'
import { ConfigError } from '../../core/errors.js'

/**
 * Shared parsers for action inputs. Every action reads its inputs in its own `inputs.ts`, through
 * these functions only, so errors name the input and say what a valid value looks like.
 */
export class InputError extends ConfigError {
  constructor(input: string, message: string, hint?: string) {
    super(`input "${input}" ${message}`, { keyPath: `with.${input}` }, hint)
    this.name = 'InputError'
  }
}

/** A string input, trimmed; `undefined` when empty and not required. */
export function stringInput(
  name: string,
  options: { required?: boolean; maxLength?: number } = {}
): string | undefined {
  const raw = core.getInput(name)
  if (raw.includes('\0')) throw new InputError(name, 'contains a NUL character', 'remove it')
  const value = raw.trim()
  if (!value) {
    if (options.required) throw new InputError(name, 'is required but empty', `set "${name}:" under "with:"`)
    return undefined
  }
  const max = options.maxLength ?? 4096
  if (value.length > max)
    throw new InputError(name, `is ${value.length} characters long; the limit is ${max}`)
  return value
}

export function requiredInput(name: string, options: { maxLength?: number } = {}): string {
  return stringInput(name, { ...options, required: true }) as string
}

/** Only true/True/TRUE/false/False/FALSE, as the YAML 1.2 core schema and the toolkit define them. */
export function booleanInput(name: string, fallback: boolean): boolean {
  const raw = core.getInput(name).trim()
  if (!raw) return fallback
  if (['true', 'True', 'TRUE'].includes(raw)) return true
  if (['false', 'False', 'FALSE'].includes(raw)) return false
  throw new InputError(name, `must be true or false, not "${raw.slice(0, 40)}"`)
}

/** A list given as a JSON array, or as lines and/or commas. */
export function listInput(name: string): string[] {
  const raw = core.getInput(name).trim()
  if (!raw) return []
  if (raw.startsWith('[')) {
    let parsed: unknown
    try {
      parsed = JSON.parse(raw)
    } catch {
      throw new InputError(
        name,
        'looks like a JSON list but does not parse',
        'write ["a", "b"] or one item per line'
      )
    }
    if (!Array.isArray(parsed) || !parsed.every((x) => typeof x === 'string')) {
      throw new InputError(name, 'must be a JSON list of strings')
    }
    return parsed.map((s: string) => s.trim()).filter(Boolean)
  }
  return raw
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean)
}

export function durationInput(name: string, fallback: string): number {
  const raw = core.getInput(name).trim() || fallback
  try {
    return parseDuration(raw)
  } catch {
    throw new InputError(name, `is not a duration: "${raw.slice(0, 40)}"`, 'write e.g. 30s, 5m or 1h')
  }
}

export function integerInput(name: string, fallback: number, range: { min: number; max: number }): number {
  const raw = core.getInput(name).trim()
  if (!raw) return fallback
  if (!/^-?\d+$/.test(raw)) throw new InputError(name, `must be a whole number, not "${raw.slice(0, 40)}"`)
  const n = Number(raw)
  if (n < range.min || n > range.max)
    throw new InputError(name, `must be between ${range.min} and ${range.max}`)
  return n
}

/** A choice among fixed values. */
export function choiceInput<T extends string>(name: string, choices: readonly T[], fallback: T): T {
  const raw = core.getInput(name).trim()
  if (!raw) return fallback
  if (!(choices as readonly string[]).includes(raw)) {
    throw new InputError(name, `must be one of ${choices.join(', ')}, not "${raw.slice(0, 40)}"`)
  }
  return raw as T
}
