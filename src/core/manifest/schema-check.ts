import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import { ConfigError, ConfigErrors } from '../errors.js'
import { nearest } from './suggest.js'
import type { YamlFile } from './yaml-file.js'

const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true })
ajv.addKeyword({ keyword: 'x-hint', schemaType: 'string' })

const compiled = new WeakMap<object, ValidateFunction>()

function compile(schema: object): ValidateFunction {
  let fn = compiled.get(schema)
  if (!fn) {
    fn = ajv.compile(schema)
    compiled.set(schema, fn)
  }
  return fn
}

/**
 * Checks a parsed YAML file against a JSON Schema and turns every violation into a ConfigError
 * that points at the offending line, names the key path and says how to fix it.
 */
export function checkAgainstSchema(file: YamlFile, schema: object): void {
  const validate = compile(schema)
  if (validate(file.value)) return
  const errors = simplify(validate.errors ?? []).map((e) => toConfigError(e, file))
  throw errors.length === 1 && errors[0] ? errors[0] : new ConfigErrors(errors)
}

/** anyOf/oneOf produce one error per branch; keep the most useful one per location. */
function simplify(errors: ErrorObject[]): ErrorObject[] {
  const byPath = new Map<string, ErrorObject>()
  for (const error of errors) {
    const key =
      error.keyword === 'additionalProperties'
        ? `${error.instancePath}/${String((error.params as { additionalProperty: string }).additionalProperty)}`
        : error.instancePath
    const existing = byPath.get(key)
    if (!existing || (existing.keyword !== 'anyOf' && error.keyword === 'anyOf')) byPath.set(key, error)
  }
  return [...byPath.values()]
}

function pointerToPath(pointer: string): (string | number)[] {
  if (!pointer) return []
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s))
}

function hintOf(error: ErrorObject): string | undefined {
  const schema = error.parentSchema as Record<string, unknown> | undefined
  const hint = schema?.['x-hint']
  return typeof hint === 'string' ? hint : undefined
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'object') return 'a map'
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 60 ? value.slice(0, 57) + '...' : value)}`
  return `${typeof value} ${String(value)}`
}

function toConfigError(error: ErrorObject, file: YamlFile): ConfigError {
  const path = pointerToPath(error.instancePath)
  switch (error.keyword) {
    case 'additionalProperties': {
      const unknown = String((error.params as { additionalProperty: string }).additionalProperty)
      const schema = error.parentSchema as { properties?: Record<string, unknown> }
      const known = Object.keys(schema.properties ?? {})
      const guess = nearest(unknown, known)
      const hint = guess ? `did you mean "${guess}"?` : `remove it; known keys here: ${known.join(', ')}`
      return new ConfigError(`unknown key "${unknown}"`, file.locate([...path, unknown], true), hint)
    }
    case 'required': {
      const missing = String((error.params as { missingProperty: string }).missingProperty)
      return new ConfigError(`missing required key "${missing}"`, file.locate(path), `add "${missing}:" here`)
    }
    case 'type':
      return new ConfigError(
        `expected ${String((error.params as { type: string }).type)}, got ${describe(error.data)}`,
        file.locate(path),
        hintOf(error)
      )
    case 'enum':
      return new ConfigError(
        `${describe(error.data)} is not one of ${((error.params as { allowedValues: unknown[] }).allowedValues ?? []).map(String).join(', ')}`,
        file.locate(path),
        hintOf(error)
      )
    case 'const':
      return new ConfigError(
        `expected ${JSON.stringify((error.params as { allowedValue: unknown }).allowedValue)}, got ${describe(error.data)}`,
        file.locate(path),
        hintOf(error)
      )
    case 'propertyNames': {
      const name = String((error.params as { propertyName: string }).propertyName)
      return new ConfigError(
        `invalid name "${name.slice(0, 80)}"`,
        file.locate([...path, name], true),
        hintOf(error) ?? 'rename it'
      )
    }
    case 'pattern':
    case 'format':
      return new ConfigError(
        `invalid value ${describe(error.data)}`,
        file.locate(path),
        hintOf(error) ?? error.message
      )
    case 'anyOf':
    case 'oneOf':
      return new ConfigError(
        `invalid value ${describe(error.data)}`,
        file.locate(path),
        hintOf(error) ?? error.message
      )
    default:
      return new ConfigError(
        `${describe(error.data)}: ${error.message ?? 'is invalid'}`,
        file.locate(path),
        hintOf(error)
      )
  }
}
