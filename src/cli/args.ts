import { nearest } from '../core/manifest/suggest.js'

/** A command-line mistake: exit code 2 with the command's usage. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UsageError'
  }
}

export type ParamKind = 'string' | 'boolean' | 'list'

export interface ParamSpec {
  name: string
  kind: ParamKind
  description: string
  /** Other names accepted for this parameter (e.g. `service` for `artifact`). */
  aliases?: string[]
  required?: boolean
  default?: string | boolean
  /** Shown in help as the value placeholder. */
  placeholder?: string
}

export interface PositionalSpec {
  name: string
  description: string
  required?: boolean
  /** Takes every remaining positional word. */
  variadic?: boolean
}

export type ParamValue = string | boolean | string[]

export interface ParsedArgs {
  params: Record<string, ParamValue | undefined>
  positionals: string[]
  help: boolean
}

/** Parameters every command takes. */
export const globalParams: ParamSpec[] = [
  {
    name: 'repo',
    kind: 'string',
    description: 'repository root holding shipline.yml',
    default: '.',
    placeholder: 'dir'
  },
  { name: 'json', kind: 'boolean', description: 'print machine-readable JSON instead of text' },
  {
    name: 'color',
    kind: 'boolean',
    description: 'force colour on or off (default: on for a terminal outside CI)'
  },
  { name: 'verbose', kind: 'boolean', description: 'print debug output and stack traces of internal errors' }
]

/**
 * Parses a command's arguments. Every parameter is accepted as `--name value`, `--name=value`
 * and `name=value` (the deploy-line form), booleans also as `--name` / `--no-name`. Lists take
 * commas (`format=deb,rpm`) or repetition.
 */
export function parseArgs(
  argv: readonly string[],
  specs: readonly ParamSpec[],
  positionals: readonly PositionalSpec[] = []
): ParsedArgs {
  const all = [...specs, ...globalParams]
  const byName = new Map<string, ParamSpec>()
  for (const spec of all) for (const n of [spec.name, ...(spec.aliases ?? [])]) byName.set(n, spec)
  const params: Record<string, ParamValue | undefined> = {}
  const words: string[] = []
  let help = false

  const unknown = (name: string): UsageError => {
    const known = all.map((s) => s.name)
    const guess = nearest(name, [...byName.keys()])
    return new UsageError(
      `unknown parameter "${name}"${guess ? ` (did you mean "${guess}"?)` : ''}; known parameters: ${known.join(', ')}`
    )
  }
  const assign = (spec: ParamSpec, raw: string | boolean, as: string): void => {
    if (spec.kind === 'boolean') {
      if (typeof raw === 'boolean') params[spec.name] = raw
      else if (raw === 'true' || raw === 'false') params[spec.name] = raw === 'true'
      else throw new UsageError(`${as} takes true or false, not "${raw}"`)
      return
    }
    if (typeof raw === 'boolean') throw new UsageError(`${as} needs a value`)
    if (spec.kind === 'list') {
      const previous = (params[spec.name] as string[] | undefined) ?? []
      params[spec.name] = [
        ...previous,
        ...raw
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      ]
      return
    }
    if (params[spec.name] !== undefined && params[spec.name] !== raw) {
      throw new UsageError(`${as} is given twice ("${String(params[spec.name])}" and "${raw}")`)
    }
    params[spec.name] = raw
  }

  let onlyPositionals = false
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i] as string
    if (onlyPositionals) {
      words.push(word)
    } else if (word === '--') {
      onlyPositionals = true
    } else if (word === '--help' || word === '-h') {
      help = true
    } else if (word.startsWith('--')) {
      const eq = word.indexOf('=')
      let name = eq >= 0 ? word.slice(2, eq) : word.slice(2)
      let negated = false
      if (!byName.has(name) && name.startsWith('no-') && byName.get(name.slice(3))?.kind === 'boolean') {
        name = name.slice(3)
        negated = true
      }
      const spec = byName.get(name)
      if (!spec) throw unknown(name)
      if (eq >= 0) assign(spec, word.slice(eq + 1), `--${name}`)
      else if (spec.kind === 'boolean') assign(spec, !negated, `--${name}`)
      else {
        const value = argv[i + 1]
        if (value === undefined) throw new UsageError(`--${name} needs a value`)
        assign(spec, value, `--${name}`)
        i++
      }
    } else if (/^[A-Za-z][A-Za-z0-9_-]*=/.test(word)) {
      const eq = word.indexOf('=')
      const name = word.slice(0, eq)
      const spec = byName.get(name)
      if (!spec) throw unknown(name)
      assign(spec, word.slice(eq + 1), name)
    } else if (word.startsWith('-') && word.length > 1) {
      throw new UsageError(`unknown option "${word}"; parameters are written --name value or name=value`)
    } else {
      words.push(word)
    }
  }

  if (!help) {
    const maxWords = positionals.some((p) => p.variadic) ? Infinity : positionals.length
    if (words.length > maxWords) {
      throw new UsageError(
        positionals.length
          ? `too many arguments: ${words
              .slice(maxWords)
              .map((w) => JSON.stringify(w))
              .join(' ')}`
          : `unexpected argument ${JSON.stringify(words[0])}; parameters are written --name value or name=value`
      )
    }
    positionals.forEach((p, i) => {
      if (p.required && words[i] === undefined) throw new UsageError(`missing <${p.name}>: ${p.description}`)
    })
    for (const spec of all) {
      if (params[spec.name] === undefined && spec.default !== undefined) params[spec.name] = spec.default
      if (spec.required && (params[spec.name] === undefined || params[spec.name] === '')) {
        throw new UsageError(`missing ${spec.name}=<${spec.placeholder ?? 'value'}>: ${spec.description}`)
      }
    }
  }
  return { params, positionals: words, help }
}
