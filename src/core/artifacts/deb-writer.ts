/**
 * Writes a .deb without dpkg-deb: `debian-binary`, `control.tar.gz`, `data.tar.gz` in an ar
 * container, in the exact order and form dpkg expects (see docs/packaging.md).
 *
 * The data tarball streams to a temporary file first, computing each file's md5 on the way,
 * because `md5sums` lives in control.tar.gz, which must come before data.tar.gz. Memory stays
 * bounded by the chunk size whatever the tree size.
 */
import { rm } from 'node:fs/promises'
import path from 'node:path'
import { fileSink, type SinkFactory } from './atomic-file.js'
import { AR_MAGIC, arMemberHeader, arPadding } from './ar-writer.js'
import { writeTreeArchive, type StreamDigest } from './archive-file.js'
import { conffilesText, controlText, md5sumsText } from './deb-control.js'
import { FileDigests } from './file-digests.js'
import { gzipChunks, type GzipOptions } from './gzip.js'
import { writePackageFile, type PackagePart } from './package-file.js'
import type { FileTree, TreeEntry } from './model.js'
import { SCRIPT_NAMES, type PackageMetadata } from './package-metadata.js'
import { tarChunks } from './tar-writer.js'
import { symlinksLast } from './tree-order.js'

export interface PackageWriteOptions {
  gzip?: GzipOptions
  /** Uncompressed bytes of the data stream produced so far. */
  onProgress?: (bytes: number) => void
  sink?: SinkFactory
}

/** Writes `dest` (atomically) from a staged tree that already holds the doc entries. */
export async function writeDeb(
  tree: FileTree,
  meta: PackageMetadata,
  dest: string,
  options: PackageWriteOptions = {}
): Promise<StreamDigest> {
  const dataFile = path.join(path.dirname(dest), `.${path.basename(dest)}.data.partial`)
  try {
    const md5 = new FileDigests('md5')
    const data = await writeTreeArchive(symlinksLast(tree.entries), dataFile, {
      tar: { mtime: tree.mtime, rootEntry: true, onContent: md5.onContent },
      gzip: options.gzip ?? {},
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...(options.sink ? { sink: options.sink } : {})
    })
    const control = await controlTarGz(tree, meta, md5, options.gzip)
    return await writePackageFile(
      dest,
      arParts(tree.mtime, control, dataFile, data.stored.size),
      options.sink ?? fileSink
    )
  } finally {
    await rm(dataFile, { force: true })
  }
}

/** The ar container dpkg expects: magic, then debian-binary, control.tar.gz, data.tar.gz. */
function arParts(mtime: number, control: Buffer, dataFile: string, dataSize: number): PackagePart[] {
  const version = Buffer.from('2.0\n', 'latin1')
  return [
    Buffer.concat([
      AR_MAGIC,
      arMemberHeader('debian-binary', version.length, mtime),
      version,
      arMemberHeader('control.tar.gz', control.length, mtime),
      control,
      arPadding(control.length),
      arMemberHeader('data.tar.gz', dataSize, mtime)
    ]),
    { file: dataFile, size: dataSize, what: 'data.tar.gz' },
    arPadding(dataSize)
  ]
}

async function controlTarGz(
  tree: FileTree,
  meta: PackageMetadata,
  md5: FileDigests,
  gzip: GzipOptions | undefined
): Promise<Buffer> {
  const file = (name: string, text: string, mode = 0o644): TreeEntry => {
    const content = Buffer.from(text, 'utf8')
    return { path: name, type: 'file', mode, size: content.length, content }
  }
  const members: TreeEntry[] = [
    file('control', controlText(meta, tree)),
    file('md5sums', md5sumsText(tree, md5))
  ]
  const conffiles = conffilesText(meta, tree)
  if (conffiles) members.push(file('conffiles', conffiles))
  for (const name of SCRIPT_NAMES) {
    const script = meta.scripts[name]
    if (script !== undefined) members.push(file(name, script, 0o755))
  }
  members.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
  const chunks: Uint8Array[] = []
  for await (const chunk of gzipChunks(tarChunks(members, { mtime: tree.mtime, rootEntry: true }), gzip)) {
    chunks.push(chunk)
  }
  return Buffer.concat(chunks)
}
