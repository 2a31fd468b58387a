/** Reads values out of the workflow parser's token tree, evaluating expressions on the way. */
import {
  isBasicExpression,
  isBoolean,
  isMapping,
  isNumber,
  isSequence,
  isString
} from '@actions/workflow-parser'
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token'
import type { MappingToken } from '@actions/workflow-parser/templates/tokens/mapping-token'
import { evaluateExpression } from './expressions.js'
import type { Contexts, StatusFunctions, Value } from './expressions.js'

/** A mistake in the workflow or the harness's use: the run stops at once with this message. */
export class HarnessError extends Error {}

export type Guard = (expression: string) => void

export function resolveToken(
  token: TemplateToken | undefined,
  contexts: Contexts,
  status: StatusFunctions,
  guard: Guard = () => {}
): Value {
  if (token === undefined) return null
  if (isBasicExpression(token)) {
    guard(token.expression)
    return evaluateExpression(token.expression, contexts, status)
  }
  if (isString(token)) return token.value
  if (isNumber(token)) return token.value
  if (isBoolean(token)) return token.value
  if (isSequence(token)) {
    const out: Value[] = []
    for (const item of token) out.push(resolveToken(item, contexts, status, guard))
    return out
  }
  if (isMapping(token)) {
    const out: { [key: string]: Value } = {}
    for (const { key, value } of token)
      out[String(resolveToken(key, contexts, status, guard))] = resolveToken(value, contexts, status, guard)
    return out
  }
  return null
}

export function child(mapping: TemplateToken | undefined, key: string): TemplateToken | undefined {
  return mapping && isMapping(mapping) ? mapping.find(key) : undefined
}

export function mappingEntries(token: TemplateToken | undefined): Array<[string, TemplateToken]> {
  if (!token || !isMapping(token)) return []
  const out: Array<[string, TemplateToken]> = []
  for (const { key, value } of token as MappingToken)
    out.push([isString(key) ? key.value : String(key), value])
  return out
}

/** A literal string (no expression allowed), e.g. a step id or a uses: reference. */
export function literal(token: TemplateToken | undefined): string | undefined {
  if (token === undefined) return undefined
  if (isString(token)) return token.value
  if (isBoolean(token) || isNumber(token)) return String(token.value)
  return undefined
}

/** The expression text of a condition, whether written bare or inside ${{ }}. */
export function conditionText(token: TemplateToken | undefined): string | undefined {
  if (token === undefined) return undefined
  if (isBasicExpression(token)) return token.expression
  return literal(token)
}
