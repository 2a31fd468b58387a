import { readFileSync, statSync } from 'node:fs'
import {
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Document,
  type Node
} from 'yaml'
import { ConfigError, type SourceLocation } from '../errors.js'

/** Limits that keep a hostile file from exhausting the runner. */
export const YAML_LIMITS = { maxBytes: 1024 * 1024, maxAliasCount: 100 }

/** A parsed YAML file that can say where any key path sits in the source. */
export interface YamlFile {
  /** Path used in messages (repository-relative where possible). */
  displayPath: string
  value: unknown
  /** Location of the value at `path`, or of its key when `key` is true. Falls back to the nearest parent. */
  locate(path: readonly (string | number)[], key?: boolean): SourceLocation
}

export interface ReadYamlOptions {
  maxBytes?: number
  /** An empty file is allowed (value `null`); otherwise it is an error. */
  allowEmpty?: boolean
}

/** Reads and parses a YAML file as YAML 1.2 (core schema: `on`/`yes` stay strings). */
export function readYamlFile(
  absolutePath: string,
  displayPath: string,
  options: ReadYamlOptions = {}
): YamlFile {
  const maxBytes = options.maxBytes ?? YAML_LIMITS.maxBytes
  let size: number
  try {
    size = statSync(absolutePath).size
  } catch {
    throw new ConfigError(`${displayPath} does not exist`, { file: displayPath }, `create ${displayPath}`)
  }
  if (size > maxBytes) {
    throw new ConfigError(
      `${displayPath} is ${formatBytes(size)}, over the ${formatBytes(maxBytes)} limit for YAML files`,
      { file: displayPath, line: 1, column: 1 },
      'split the file or remove generated content from it'
    )
  }
  return parseYaml(readFileSync(absolutePath, 'utf8'), displayPath, options)
}

/** Parses YAML text (see readYamlFile). */
export function parseYaml(text: string, displayPath: string, options: ReadYamlOptions = {}): YamlFile {
  // A leading byte-order mark is legal in YAML; dropping it keeps columns on line 1 right.
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  const lineCounter = new LineCounter()
  const doc = parseDocument(source, {
    version: '1.2',
    schema: 'core',
    uniqueKeys: true,
    prettyErrors: false,
    lineCounter,
    strict: true
  })
  const at = (offset: number): SourceLocation => {
    const pos = lineCounter.linePos(offset)
    return { file: displayPath, line: pos.line, column: pos.col }
  }
  const first = doc.errors[0]
  if (first) {
    const message = first.message.split('\n')[0] ?? first.message
    const hint =
      first.code === 'DUPLICATE_KEY'
        ? 'remove or rename one of the two keys; YAML keeps only one'
        : 'fix the YAML syntax at this position'
    throw new ConfigError(
      `invalid YAML: ${lowerFirst(message.replace(/ at line \d+, column \d+:?$/, ''))}`,
      at(first.pos[0]),
      hint
    )
  }
  if (source.trim() === '' || doc.contents === null) {
    if (options.allowEmpty) return { displayPath, value: null, locate: () => ({ file: displayPath }) }
    throw new ConfigError(
      `${displayPath} is empty`,
      { file: displayPath, line: 1, column: 1 },
      'add the required keys'
    )
  }
  let value: unknown
  try {
    value = doc.toJS({ maxAliasCount: YAML_LIMITS.maxAliasCount })
  } catch (error) {
    throw new ConfigError(
      `${displayPath} expands aliases too many times (${error instanceof Error ? error.message : String(error)})`,
      { file: displayPath, line: 1, column: 1 },
      'write the values out instead of nesting anchors and aliases'
    )
  }
  return {
    displayPath,
    value,
    locate: (path, key = false) => locateIn(doc, path, key, at, displayPath)
  }
}

function locateIn(
  doc: Document,
  path: readonly (string | number)[],
  key: boolean,
  at: (offset: number) => SourceLocation,
  displayPath: string
): SourceLocation {
  let node: unknown = doc.contents
  let found: SourceLocation =
    node && isNode(node) && node.range ? at(node.range[0]) : { file: displayPath, line: 1, column: 1 }
  for (let i = 0; i < path.length; i++) {
    const segment = path[i]
    const last = i === path.length - 1
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment)
      )
      if (!pair) break
      const keyNode = pair.key as Node
      if (last && key && keyNode.range) return { ...at(keyNode.range[0]), keyPath: formatKeyPath(path) }
      node = pair.value
      const target = (node && isNode(node) && node.range ? node : keyNode) as Node
      if (target.range) found = at(target.range[0])
    } else if (isSeq(node) && typeof segment === 'number') {
      node = node.items[segment]
      if (node && isNode(node) && node.range) found = at(node.range[0])
      else break
    } else break
  }
  return { ...found, keyPath: formatKeyPath(path) }
}

/** `services.catalog.build.command[0]` */
export function formatKeyPath(path: readonly (string | number)[]): string {
  return path.reduce<string>(
    (acc, seg) => (typeof seg === 'number' ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : seg),
    ''
  )
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1)
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MB`
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KB`
  return `${n} B`
}
