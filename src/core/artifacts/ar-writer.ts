/**
 * The `ar` container of a .deb: the global magic, then members with 60-byte headers
 * (name 16, mtime 12, uid 6, gid 6, octal mode 8, size 10, "`\n"), data padded to even length.
 * Names are at most 15 characters: dpkg accepts no long-name tables.
 */
export const AR_MAGIC = Buffer.from('!<arch>\n', 'latin1')

export function arMemberHeader(name: string, size: number, mtime: number): Buffer {
  if (name.length > 15 || !/^[\x21-\x7e]+$/.test(name))
    throw new Error(`ar member name ${name} is not allowed`)
  if (size > 9_999_999_999) throw new Error(`ar member ${name} is too large (${size} bytes)`)
  const field = (value: string | number, width: number): string => {
    const text = String(value)
    if (text.length > width) throw new Error(`ar field ${text} wider than ${width}`)
    return text.padEnd(width, ' ')
  }
  const header =
    field(name, 16) +
    field(mtime, 12) +
    field(0, 6) +
    field(0, 6) +
    field('100644', 8) +
    field(size, 10) +
    '`\n'
  return Buffer.from(header, 'latin1')
}

/** The padding after a member of `size` bytes: one `\n` when the size is odd. */
export function arPadding(size: number): Buffer {
  return size % 2 === 1 ? Buffer.from('\n', 'latin1') : Buffer.alloc(0)
}
