import { realpathSync } from 'node:fs'
import path from 'node:path'
import { ConfigError, type SourceLocation } from '../errors.js'

/** Normalises a repository-relative path: forward slashes, no `./`, no trailing `/`. */
export function normaliseRelative(p: string): string {
  return (
    path.posix
      .normalize(p.replace(/\\/g, '/'))
      .replace(/^\.\/+/, '')
      .replace(/\/+$/, '') || '.'
  )
}

/** True when `p` is relative and stays inside its base (no `..` escape, not absolute). */
export function staysInside(p: string): boolean {
  if (p.includes('\0')) return false
  if (path.posix.isAbsolute(p) || path.win32.isAbsolute(p) || /^[A-Za-z]:/.test(p)) return false
  const normal = path.posix.normalize(p.replace(/\\/g, '/'))
  return normal !== '..' && !normal.startsWith('../')
}

/**
 * Resolves a repository-relative path to an absolute one and proves it stays inside the
 * repository, following symlinks for the parts that exist.
 */
export function resolveInsideRepository(
  root: string,
  relative: string,
  where: SourceLocation,
  what: string
): string {
  if (!staysInside(relative)) {
    throw new ConfigError(
      `${what} "${relative}" points outside the repository`,
      where,
      'use a path relative to the repository root, without ".." and not absolute'
    )
  }
  const absolute = path.resolve(root, relative)
  let real: string
  try {
    real = realpathSync(absolute)
  } catch {
    return absolute
  }
  const realRoot = realpathSync(root)
  if (real !== realRoot && !real.startsWith(realRoot + path.sep)) {
    throw new ConfigError(
      `${what} "${relative}" leads outside the repository through a symbolic link (to ${real})`,
      where,
      'replace the link with a real folder inside the repository'
    )
  }
  return absolute
}

/** Rejects glob patterns that could reach outside the repository. */
export function checkPattern(pattern: string, where: SourceLocation): void {
  const body = pattern.startsWith('!') ? pattern.slice(1) : pattern
  if (!staysInside(body) || body.split('/').includes('..')) {
    throw new ConfigError(
      `pattern "${pattern}" reaches outside the repository`,
      where,
      'write patterns relative to the repository root, without ".." and not absolute'
    )
  }
}
