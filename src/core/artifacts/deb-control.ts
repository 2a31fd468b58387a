/**
 * The text members of a .deb's control.tar: `control`, `md5sums`, `conffiles`.
 */
import { ConfigError } from '../errors.js'
import type { FileDigests } from './file-digests.js'
import type { FileTree } from './model.js'
import type { PackageMetadata } from './package-metadata.js'

/** Installed-Size in KiB: each file rounded up to a KiB, one KiB per link (dpkg-gencontrol's way). */
export function installedSizeKiB(tree: FileTree): number {
  let total = 0
  for (const e of tree.entries) {
    if (e.type === 'file') total += Math.ceil(e.size / 1024)
    else if (e.type === 'symlink') total += 1
  }
  return total
}

/** The extended description: each line indented by one space, blank lines as ` .`. */
function extendedDescription(meta: PackageMetadata): string[] {
  const body =
    meta.description || `The ${meta.name} service, packaged by shipline from commit ${meta.commit}.`
  return body.split('\n').map((line) => (line.trim() === '' ? ' .' : ` ${line.trimEnd()}`))
}

export function controlText(meta: PackageMetadata, tree: FileTree): string {
  const fields: [string, string | undefined][] = [
    ['Package', meta.name],
    ['Version', meta.versions.deb],
    ['Architecture', meta.architecture],
    ['Maintainer', meta.maintainer],
    ['Installed-Size', String(installedSizeKiB(tree))],
    ['Depends', meta.depends.length ? meta.depends.join(', ') : undefined],
    ['Section', meta.section],
    ['Priority', meta.priority],
    ['Homepage', meta.homepage]
  ]
  const lines = fields.filter(([, v]) => v !== undefined).map(([k, v]) => `${k}: ${v as string}`)
  lines.push(`Description: ${meta.summary}`, ...extendedDescription(meta))
  return lines.join('\n') + '\n'
}

/** `md5sums`: `<hex>  <path without leading />`, one line per regular file, in tree order. */
export function md5sumsText(tree: FileTree, md5: FileDigests): string {
  return tree.entries
    .filter((e) => e.type === 'file')
    .map((e) => {
      const digest = md5.of(e.path)
      if (!digest) throw new Error(`no md5 for ${e.path}`)
      return `${digest}  ${e.path}\n`
    })
    .join('')
}

/** `conffiles`: each must be a regular file of the tree (dpkg-deb refuses the package otherwise). */
export function conffilesText(meta: PackageMetadata, tree: FileTree): string | undefined {
  if (meta.conffiles.length === 0) return undefined
  const files = new Set(tree.entries.filter((e) => e.type === 'file').map((e) => `/${e.path}`))
  const missing = meta.conffiles.filter((c) => !files.has(c))
  if (missing.length > 0) {
    throw new ConfigError(
      `conffile ${missing.join(', ')} is not a file of the package`,
      { ...meta.location, keyPath: 'artifacts.conffiles' },
      `list installed paths of files the build output contains (the tree is installed under its install dir)`
    )
  }
  return meta.conffiles.join('\n') + '\n'
}
