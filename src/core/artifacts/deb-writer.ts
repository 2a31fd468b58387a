/**
 * Writes a .deb without dpkg-deb: `debian-binary`, `control.tar.gz`, `data.tar.gz` in an ar
 * container, in the exact order and form dpkg expects (see docs/packaging.md).
 *
 * The data tarball streams to a temporary file first, computing each file's md5 on the way,
 * because `md5sums` lives in control.tar.gz, which must come before data.tar.gz. Memory stays
 * bounded by the chunk size whatever the tree size.
 */
import { createHash, type Hash } from 'node:crypto'
import { spooledFileChunks } from './entry-content.js'
import { rm } from 'node:fs/promises'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import { writeFileAtomically, fileSink, type SinkFactory } from './atomic-file.js'
import { AR_MAGIC, arMemberHeader, arPadding } from './ar-writer.js'
import { digestStage, writeTreeArchive, type StreamDigest } from './archive-file.js'
import { conffilesText, controlText, md5sumsText } from './deb-control.js'
import { gzipChunks, type GzipOptions } from './gzip.js'
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

export interface DebResult extends StreamDigest {
  /** The uncompressed data.tar (usable as an OCI layer: its sha256 is the layer diff_id). */
  dataTar: StreamDigest
}

/** Writes `dest` (atomically) from a staged tree that already holds the doc entries. */
export async function writeDeb(
  tree: FileTree,
  meta: PackageMetadata,
  dest: string,
  options: PackageWriteOptions = {}
): Promise<DebResult> {
  const dataFile = path.join(path.dirname(dest), `.${path.basename(dest)}.data.partial`)
  try {
    const md5 = new Map<string, string>()
    let current: { entry: TreeEntry; hash: Hash; bytes: number } | undefined
    const data = await writeTreeArchive(symlinksLast(tree.entries), dataFile, {
      tar: {
        mtime: tree.mtime,
        rootEntry: true,
        onContent: (entry, chunk) => {
          // Content arrives entry after entry, so one running hash is enough.
          if (current?.entry !== entry) current = { entry, hash: createHash('md5'), bytes: 0 }
          current.hash.update(chunk)
          current.bytes += chunk.length
          if (current.bytes === entry.size) md5.set(entry.path, current.hash.digest('hex'))
        }
      },
      gzip: options.gzip ?? {},
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...(options.sink ? { sink: options.sink } : {})
    })
    const control = await controlTarGz(tree, meta, md5, options.gzip)
    const digest: StreamDigest = { sha256: '', size: 0 }
    const sink = options.sink ?? fileSink
    await writeFileAtomically(dest, (partial) =>
      pipeline(arChunks(tree.mtime, control, dataFile, data.stored.size), digestStage(digest), sink(partial))
    )
    return { ...digest, dataTar: data.tar }
  } finally {
    await rm(dataFile, { force: true })
  }
}

async function* arChunks(mtime: number, control: Buffer, dataFile: string, dataSize: number) {
  const version = Buffer.from('2.0\n', 'latin1')
  yield AR_MAGIC
  yield arMemberHeader('debian-binary', version.length, mtime)
  yield version
  yield arMemberHeader('control.tar.gz', control.length, mtime)
  yield Buffer.concat([control, arPadding(control.length)])
  yield arMemberHeader('data.tar.gz', dataSize, mtime)
  yield* spooledFileChunks(dataFile, dataSize, 'data.tar.gz')
  const pad = arPadding(dataSize)
  if (pad.length) yield pad
}

async function controlTarGz(
  tree: FileTree,
  meta: PackageMetadata,
  md5: ReadonlyMap<string, string>,
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
