import { createHash } from 'node:crypto'
import { lstat, readdir, readlink } from 'node:fs/promises'
import { join } from 'node:path'
import { OperationError } from '../../errors.js'
import { entryContent } from '../entry-content.js'
import type { FileTree, TreeEntry } from '../model.js'
import { sortEntries } from '../tree-order.js'

/**
 * The FileTree of a folder that becomes a base-image layer as it is: `etc/x` in the folder lands at
 * `/etc/x` in the image. Sorted byte-wise with parents first; modes normalised to 0755/0644 from the
 * executable bit, so a checkout's umask does not change the layer.
 */
export async function folderTree(root: string, mtime: number): Promise<FileTree> {
  const entries: TreeEntry[] = []
  const walk = async (dir: string, prefix: string): Promise<void> => {
    let names: string[]
    try {
      names = await readdir(dir)
    } catch (error) {
      throw new OperationError(`cannot read image layer folder ${dir}: ${(error as Error).message}`)
    }
    for (const name of names) {
      const absolute = join(dir, name)
      const path = prefix ? `${prefix}/${name}` : name
      const info = await lstat(absolute)
      if (info.isDirectory()) {
        entries.push({ path, type: 'dir', mode: 0o755, size: 0 })
        await walk(absolute, path)
      } else if (info.isSymbolicLink()) {
        entries.push({ path, type: 'symlink', mode: 0o777, size: 0, linkTarget: await readlink(absolute) })
      } else if (info.isFile()) {
        entries.push({
          path,
          type: 'file',
          mode: info.mode & 0o111 ? 0o755 : 0o644,
          size: info.size,
          source: absolute
        })
      }
    }
  }
  await walk(root, '')
  return { entries: sortEntries(entries), mtime }
}

/**
 * A stable fingerprint of a tree's content (paths, types, modes, link targets, file bytes): equal
 * fingerprints mean equal layers, so a base image can be reused without rebuilding it.
 */
export async function treeFingerprint(tree: FileTree): Promise<string> {
  const hash = createHash('sha256')
  for (const entry of tree.entries) {
    hash.update(`${entry.type} ${entry.mode.toString(8)} ${entry.path}\0${entry.linkTarget ?? ''}\0`)
    if (entry.type === 'file') {
      const content = createHash('sha256')
      for await (const chunk of entryContent(entry)) content.update(chunk)
      hash.update(content.digest('hex'))
    }
    hash.update('\n')
  }
  return hash.digest('hex')
}
