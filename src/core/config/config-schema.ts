import path from 'node:path'
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { ConfigError, ConfigErrors, type SourceLocation } from '../errors.js'
import { resolveInsideRepository } from '../manifest/path-safety.js'
import type { Manifest, Service } from '../manifest/types.js'
import { readYamlFile } from '../manifest/yaml-file.js'
import type { ValueSource } from './model.js'

/**
 * A service's own JSON Schema for its effective configuration (`config.schema` in service.yml,
 * JSON or YAML, draft-07 or 2020-12). Secret references are validated as the strings they are.
 */
export function validateServiceConfig(
  manifest: Manifest,
  service: Service,
  values: Record<string, unknown>,
  sources: Record<string, ValueSource>
): void {
  if (!service.config.schema) return
  const schemaPath = path.posix.join(service.path, service.config.schema)
  const validate = compileSchema(manifest, schemaPath, service)
  if (validate(values)) return
  const errors = (validate.errors ?? []).map((e) => toConfigError(e, schemaPath, sources))
  throw errors.length === 1 && errors[0] ? errors[0] : new ConfigErrors(errors)
}

function compileSchema(manifest: Manifest, schemaPath: string, service: Service): ValidateFunction {
  const absolute = resolveInsideRepository(
    manifest.root,
    schemaPath,
    { file: `${service.path}/service.yml`, keyPath: 'config.schema' },
    'config schema'
  )
  const file = readYamlFile(absolute, schemaPath)
  const schema = file.value
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    throw new ConfigError(`${schemaPath} is not a JSON Schema object`, file.locate([]), 'write a JSON Schema')
  }
  const declared = String((schema as Record<string, unknown>).$schema ?? '')
  const options = { allErrors: true, verbose: true, strict: false, allowUnionTypes: true }
  const ajv = declared.includes('2020-12') ? new Ajv2020(options) : new Ajv(options)
  try {
    return ajv.compile(schema)
  } catch (error) {
    throw new ConfigError(
      `${schemaPath} is not a valid JSON Schema: ${error instanceof Error ? error.message : String(error)}`,
      file.locate([]),
      'fix the schema (draft-07, or 2020-12 with "$schema")'
    )
  }
}

function toConfigError(
  error: ErrorObject,
  schemaPath: string,
  sources: Record<string, ValueSource>
): ConfigError {
  const path = error.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
  const params = error.params as Record<string, unknown>
  const expected = `${schemaPath} expects ${describeExpectation(error)}`
  if (error.keyword === 'required') {
    const missing = [...path, String(params.missingProperty)].join('.')
    return new ConfigError(
      `config value "${missing}" is missing`,
      { file: schemaPath, keyPath: missing },
      `${schemaPath} requires it; set it in a config file or as an override`
    )
  }
  if (error.keyword === 'additionalProperties') {
    const extra = [...path, String(params.additionalProperty)]
    return new ConfigError(
      `config value "${extra.join('.')}" is not allowed`,
      locationOf(extra, sources),
      `${schemaPath} allows no such key; remove it or add it to the schema`
    )
  }
  const key = path.join('.') || '(root)'
  return new ConfigError(
    `config value "${key}" = ${describe(error.data)} does not match the schema: ${error.message ?? 'invalid'}`,
    locationOf(path, sources),
    expected
  )
}

/** Where the value at `path` came from: its own source, or the source of the list or map holding it. */
function locationOf(path: string[], sources: Record<string, ValueSource>): SourceLocation {
  for (let n = path.length; n > 0; n--) {
    const key = path.slice(0, n).join('.')
    const source = sources[key]
    if (source) {
      return {
        file: source.file,
        ...(source.line ? { line: source.line } : {}),
        ...(source.column ? { column: source.column } : {}),
        keyPath: path.join('.')
      }
    }
  }
  return { keyPath: path.join('.') }
}

function describeExpectation(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>
  switch (error.keyword) {
    case 'type':
      return `type ${String(params.type)}`
    case 'enum':
      return `one of ${((params.allowedValues as unknown[]) ?? []).map((v) => JSON.stringify(v)).join(', ')}`
    case 'const':
      return `exactly ${JSON.stringify(params.allowedValue)}`
    default:
      return `a value that ${error.message ?? 'is valid'} (${error.keyword})`
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? value.slice(0, 57) + '...' : value)
  if (Array.isArray(value)) return 'a list'
  if (value && typeof value === 'object') return 'a map'
  return String(value)
}
