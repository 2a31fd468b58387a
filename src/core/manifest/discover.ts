import { existsSync, readdirSync, type Dirent } from 'node:fs'
import path from 'node:path'
import picomatch from 'picomatch'

const SKIPPED = new Set(['.git', 'node_modules', '.shipline'])
const MAX_DEPTH = 12

/**
 * Expands a folder glob (`services/*`, `apps/**`) into repository-relative folders that hold a
 * `service.yml`. Symbolic links are not followed, so a link loop cannot hang discovery.
 */
export function discoverServiceFolders(root: string, pattern: string): string[] {
  const segments = pattern
    .replace(/\/+$/, '')
    .split('/')
    .filter((s) => s && s !== '.')
  const found = new Set<string>()
  walk(root, '', segments, 0, found)
  return [...found].sort()
}

function walk(root: string, relative: string, segments: string[], depth: number, found: Set<string>): void {
  if (depth > MAX_DEPTH) return
  if (segments.length === 0) {
    if (relative && existsSync(path.join(root, relative, 'service.yml'))) found.add(relative)
    return
  }
  const [head, ...rest] = segments as [string, ...string[]]
  if (head === '**') {
    walk(root, relative, rest, depth, found)
    for (const child of childFolders(root, relative))
      walk(root, join(relative, child), segments, depth + 1, found)
    return
  }
  if (!picomatch.scan(head).isGlob) {
    const next = join(relative, head)
    if (childFolders(root, relative).includes(head)) walk(root, next, rest, depth + 1, found)
    return
  }
  const match = picomatch(head, { dot: false })
  for (const child of childFolders(root, relative)) {
    if (match(child)) walk(root, join(relative, child), rest, depth + 1, found)
  }
}

function childFolders(root: string, relative: string): string[] {
  let entries: Dirent[]
  try {
    entries = readdirSync(path.join(root, relative), { withFileTypes: true })
  } catch {
    return []
  }
  return entries.filter((e) => e.isDirectory() && !SKIPPED.has(e.name)).map((e) => e.name)
}

function join(a: string, b: string): string {
  return a ? `${a}/${b}` : b
}
