import type { TreeEntry } from './model.js'

/** Byte-wise comparison of UTF-8 paths (JS string order differs for characters beyond the BMP). */
export function comparePaths(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'))
}

/** Sorts entries byte-wise by path; a parent is a prefix of its children, so it comes first. */
export function sortEntries(entries: TreeEntry[]): TreeEntry[] {
  const keyed = entries.map((entry) => ({ entry, key: Buffer.from(entry.path, 'utf8') }))
  keyed.sort((a, b) => Buffer.compare(a.key, b.key))
  return keyed.map((k) => k.entry)
}

/**
 * The order dpkg-deb writes: every non-symlink entry first (sorted), then the symlinks (sorted),
 * so a link never precedes the file it points at when unpacked.
 */
export function symlinksLast(entries: readonly TreeEntry[]): TreeEntry[] {
  return [...entries.filter((e) => e.type !== 'symlink'), ...entries.filter((e) => e.type === 'symlink')]
}
