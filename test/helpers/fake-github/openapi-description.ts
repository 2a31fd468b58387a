/**
 * GitHub's published OpenAPI description (`@octokit/openapi`, api.github.com) turned into a request
 * checker: find the operation for a method and path, then check path and query parameters and the
 * JSON body against the operation's schemas, and check our own answers against the response schemas
 * (so a client tested here sees the shapes GitHub sends).
 *
 * Loaded once per test process (about half a second); schemas compile lazily per operation.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { Ajv, type ValidateFunction } from 'ajv'

type Json = Record<string, unknown>

interface ParameterSpec {
  name: string
  in: 'path' | 'query' | 'header' | 'cookie'
  required?: boolean
  schema?: Json
}

export interface Operation {
  id: string
  method: string
  template: string
  spec: Json
  parameters: ParameterSpec[]
  match(pathname: string): Record<string, string> | undefined
  literalSegments: number
}

const SPEC_ID = 'github'

/** `#/components/...` pointers made absolute, so fragments compile against the registered document. */
function absoluteRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(absoluteRefs)
  if (node && typeof node === 'object') {
    const copy: Json = {}
    for (const [key, value] of Object.entries(node)) {
      copy[key] =
        key === '$ref' && typeof value === 'string' && value.startsWith('#/')
          ? `${SPEC_ID}${value}`
          : absoluteRefs(value)
    }
    return copy
  }
  return node
}

function compileTemplate(template: string): { regex: RegExp; names: string[]; literals: number } {
  const names: string[] = []
  let literals = 0
  const pattern = template
    .split('/')
    .map((segment) => {
      const whole = /^\{([^}]+)\}$/.exec(segment)
      if (whole) {
        names.push(whole[1]!)
        return '([^/]+)'
      }
      literals++
      // Segments such as `{basehead}` inside text are rare; treat braces inside a segment as one param.
      return segment.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{([^}]+)\}/g, (_m, name: string) => {
        names.push(name)
        return '([^/]+)'
      })
    })
    .join('/')
  return { regex: new RegExp(`^${pattern}$`), names, literals }
}

export class OpenApiDescription {
  private static loaded: OpenApiDescription | undefined
  private readonly operations: Operation[] = []
  private readonly ajv = new Ajv({ strict: false, validateSchema: false, allErrors: true, logger: false })
  private readonly compiled = new Map<string, ValidateFunction>()
  private readonly components: Json

  static load(): OpenApiDescription {
    if (!OpenApiDescription.loaded) {
      const require = createRequire(import.meta.url)
      const file = require.resolve('@octokit/openapi/generated/api.github.com.json')
      OpenApiDescription.loaded = new OpenApiDescription(JSON.parse(readFileSync(file, 'utf8')) as Json)
    }
    return OpenApiDescription.loaded
  }

  private constructor(spec: Json) {
    this.components = spec['components'] as Json
    this.ajv.addSchema({ components: this.components }, SPEC_ID)
    const paths = spec['paths'] as Record<string, Record<string, Json>>
    for (const [template, item] of Object.entries(paths)) {
      const { regex, names, literals } = compileTemplate(template)
      for (const [method, spec] of Object.entries(item)) {
        if (!['get', 'post', 'put', 'patch', 'delete', 'head'].includes(method)) continue
        const parameters = ((spec['parameters'] as Json[] | undefined) ?? []).map((p) => this.parameter(p))
        this.operations.push({
          id: String(spec['operationId']),
          method: method.toUpperCase(),
          template,
          spec,
          parameters,
          literalSegments: literals,
          match: (pathname) => {
            const found = regex.exec(pathname)
            if (!found) return undefined
            return Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(found[i + 1]!)]))
          }
        })
      }
    }
    // The most specific template wins (`/deployments/{id}/statuses` before `/{owner}/{repo}`-style ones).
    this.operations.sort((a, b) => b.literalSegments - a.literalSegments)
  }

  private parameter(node: Json): ParameterSpec {
    const ref = node['$ref']
    if (typeof ref === 'string') {
      const name = ref.split('/').pop()!
      return (this.components['parameters'] as Record<string, ParameterSpec>)[name]!
    }
    return node as unknown as ParameterSpec
  }

  private validator(key: string, schema: unknown): ValidateFunction {
    let fn = this.compiled.get(key)
    if (!fn) {
      fn = this.ajv.compile(absoluteRefs(schema) as Json)
      this.compiled.set(key, fn)
    }
    return fn
  }

  operationById(id: string): Operation | undefined {
    return this.operations.find((o) => o.id === id)
  }

  /** The operation for this request, or a list of the methods the path does allow. */
  find(
    method: string,
    pathname: string
  ): { operation: Operation; params: Record<string, string> } | undefined {
    for (const operation of this.operations) {
      if (operation.method !== method) continue
      const params = operation.match(pathname)
      if (params) return { operation, params }
    }
    return undefined
  }

  /** Every way the request differs from the description; empty when it conforms. */
  checkRequest(
    operation: Operation,
    pathParams: Record<string, string>,
    query: URLSearchParams,
    body: unknown
  ): string[] {
    const problems: string[] = []
    for (const param of operation.parameters) {
      if (param.in === 'path') {
        problems.push(...this.checkValue(operation, param, pathParams[param.name]))
      } else if (param.in === 'query') {
        const value = query.get(param.name)
        if (value === null) {
          if (param.required) problems.push(`query parameter ${param.name} is required`)
        } else problems.push(...this.checkValue(operation, param, value))
      }
    }
    const known = new Set(operation.parameters.filter((p) => p.in === 'query').map((p) => p.name))
    for (const name of query.keys()) {
      if (!known.has(name)) problems.push(`query parameter ${name} is not part of ${operation.id}`)
    }
    const requestBody = operation.spec['requestBody'] as Json | undefined
    const schema = (requestBody?.['content'] as Record<string, Json> | undefined)?.['application/json']?.[
      'schema'
    ]
    if (body === undefined) {
      if (requestBody?.['required']) problems.push('a JSON body is required')
    } else if (!schema) {
      problems.push(`${operation.id} takes no JSON body`)
    } else {
      const validate = this.validator(`${operation.id}:request`, schema)
      if (!validate(body))
        problems.push(...(validate.errors ?? []).map((e) => `body${e.instancePath} ${e.message}`))
      problems.push(...this.unknownProperties(schema as Json, body))
    }
    return problems
  }

  /** Our answer checked against the documented response schema (a bug in the fake, not the client). */
  checkResponse(operation: Operation, status: number, body: unknown): string[] {
    const responses = operation.spec['responses'] as Record<string, Json>
    let response = responses[String(status)]
    if (!response) return status >= 400 ? [] : [`${operation.id} does not document status ${status}`]
    const ref = response['$ref']
    if (typeof ref === 'string')
      response = (this.components['responses'] as Record<string, Json>)[ref.split('/').pop()!]!
    const schema = (response['content'] as Record<string, Json> | undefined)?.['application/json']?.['schema']
    if (!schema) return []
    const validate = this.validator(`${operation.id}:${status}`, schema)
    return validate(body) ? [] : (validate.errors ?? []).map((e) => `response${e.instancePath} ${e.message}`)
  }

  /** Top-level keys the schema does not declare: GitHub ignores them, so a typo would pass silently. */
  private unknownProperties(schema: Json, body: unknown): string[] {
    const properties = schema['properties'] as Json | undefined
    if (!properties || !body || typeof body !== 'object' || Array.isArray(body)) return []
    return Object.keys(body)
      .filter((key) => !(key in properties))
      .map((key) => `body property ${key} is not part of the operation`)
  }

  private checkValue(operation: Operation, param: ParameterSpec, raw: string | undefined): string[] {
    if (raw === undefined) return param.required ? [`${param.in} parameter ${param.name} is required`] : []
    const schema = param.schema ?? {}
    let value: unknown = raw
    const type = schema['type']
    if (type === 'integer' || type === 'number') {
      if (!/^-?\d+(\.\d+)?$/.test(raw)) return [`${param.in} parameter ${param.name} must be a ${type}`]
      value = Number(raw)
    } else if (type === 'boolean') {
      if (raw !== 'true' && raw !== 'false')
        return [`${param.in} parameter ${param.name} must be true or false`]
      value = raw === 'true'
    }
    const validate = this.validator(`${operation.id}:param:${param.in}:${param.name}`, schema)
    return validate(value)
      ? []
      : (validate.errors ?? []).map((e) => `${param.in} parameter ${param.name} ${e.message}`)
  }
}
