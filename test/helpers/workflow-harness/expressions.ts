/**
 * Evaluates workflow expressions with GitHub's own evaluator (@actions/expressions), adding the
 * status functions (success, failure, always, cancelled) the runner provides, and converting
 * between plain JavaScript values and the evaluator's data types.
 */
import { data, Evaluator, Lexer, Parser } from '@actions/expressions'
import type { ExpressionData } from '@actions/expressions/data/expressiondata'

export type Value = string | number | boolean | null | Value[] | { [key: string]: Value }

export interface Contexts {
  [name: string]: Value
}

export interface StatusFunctions {
  /** True when nothing before failed (steps of this job, or the needed jobs). */
  success: boolean
}

const statusNames = ['success', 'failure', 'always', 'cancelled']

export function evaluateExpression(expression: string, contexts: Contexts, status: StatusFunctions): Value {
  const lexed = new Lexer(expression).lex()
  const infos = statusNames.map((name) => ({ name, minArgs: 0, maxArgs: 0 }))
  const ast = new Parser(lexed.tokens, Object.keys(contexts), infos).parse()
  const functions = new Map(
    statusNames.map((name) => [
      name,
      {
        name,
        minArgs: 0,
        maxArgs: 0,
        call: () =>
          new data.BooleanData(
            name === 'always'
              ? true
              : name === 'success'
                ? status.success
                : name === 'failure'
                  ? !status.success
                  : false
          )
      }
    ])
  )
  const context = toData(contexts) as InstanceType<typeof data.Dictionary>
  return fromData(new Evaluator(ast, context, functions).evaluate())
}

/** A condition (`if:`) is true when its value is truthy; without a status function it means success() && (...). */
export function evaluateCondition(
  condition: string | undefined,
  contexts: Contexts,
  status: StatusFunctions
): boolean {
  const text = (condition ?? '')
    .trim()
    .replace(/^\$\{\{([\s\S]*)\}\}$/, '$1')
    .trim()
  if (text === '') return status.success
  const hasStatus = /\b(success|failure|always|cancelled)\s*\(/.test(text)
  return truthy(evaluateExpression(hasStatus ? text : `success() && (${text})`, contexts, status))
}

export function truthy(value: Value): boolean {
  if (value === null || value === false || value === 0 || value === '') return false
  return !(typeof value === 'number' && Number.isNaN(value))
}

/** How the runner turns a value into text (inputs, env, outputs). */
export function asText(value: Value): string {
  if (value === null) return ''
  if (typeof value === 'string') return value
  if (typeof value === 'boolean' || typeof value === 'number') return String(value)
  return JSON.stringify(value, null, 2)
}

function toData(value: Value): ExpressionData {
  if (value === null) return new data.Null()
  if (typeof value === 'string') return new data.StringData(value)
  if (typeof value === 'number') return new data.NumberData(value)
  if (typeof value === 'boolean') return new data.BooleanData(value)
  if (Array.isArray(value)) return new data.Array(...value.map(toData))
  const dict = new data.Dictionary()
  for (const [k, v] of Object.entries(value)) dict.add(k, toData(v))
  return dict
}

function fromData(d: ExpressionData): Value {
  switch (d.kind) {
    case data.Kind.Null:
      return null
    case data.Kind.Boolean:
    case data.Kind.Number:
    case data.Kind.String:
      return (d as unknown as { value: string | number | boolean }).value
    case data.Kind.Array:
      return (d as InstanceType<typeof data.Array>).values().map(fromData)
    case data.Kind.Dictionary: {
      const out: { [key: string]: Value } = {}
      for (const { key, value } of (d as InstanceType<typeof data.Dictionary>).pairs())
        out[key] = fromData(value)
      return out
    }
    default:
      return null
  }
}
