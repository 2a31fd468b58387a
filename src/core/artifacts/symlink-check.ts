import path from 'node:path'

const MAX_LINK_HOPS = 40

/**
 * True when a symlink at `linkPath` (relative to the tree root) with `target` resolves inside
 * the tree. Resolution follows the other links of the tree (`links`: path -> target), because
 * a purely textual check is fooled by `a -> ../..` followed by `b -> a/x`. Absolute targets are
 * outside by definition: on the host they would point at whatever happens to be there.
 * A target that does not exist but stays inside the tree is accepted (a dangling link is harmless).
 */
export function linkStaysInside(
  linkPath: string,
  target: string,
  links: ReadonlyMap<string, string>
): boolean {
  if (path.posix.isAbsolute(target) || target.includes('\0')) return false
  const stack = path.posix
    .dirname(linkPath)
    .split('/')
    .filter((p) => p !== '.' && p !== '')
  const queue = target.split('/')
  let hops = 0
  while (queue.length > 0) {
    const part = queue.shift() as string
    if (part === '' || part === '.') continue
    if (part === '..') {
      if (stack.length === 0) return false
      stack.pop()
      continue
    }
    stack.push(part)
    const next = links.get(stack.join('/'))
    if (next === undefined) continue
    if (++hops > MAX_LINK_HOPS || path.posix.isAbsolute(next)) return false
    stack.pop()
    queue.unshift(...next.split('/'))
  }
  return true
}
