/**
 * Writes a binary .rpm without rpmbuild: lead, signature header (header SHA256/SHA1, sizes),
 * main header (identity, files, dependencies, scripts, payload description), gzip-compressed
 * cpio payload. The payload streams to a temporary file first, because the headers before it
 * carry its digests and sizes; file digests are computed on the way, without a second read.
 */
import { createHash } from 'node:crypto'
import { rm } from 'node:fs/promises'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import { OperationError } from '../errors.js'
import { writeFileAtomically, fileSink } from './atomic-file.js'
import { countStage, digestStage, type StreamDigest } from './archive-file.js'
import { archiveBlockPool } from './archive-blocks.js'
import { cpioChunks, cpioMode, entryDataSize } from './cpio-writer.js'
import type { PackageWriteOptions } from './deb-writer.js'
import { FileDigests } from './file-digests.js'
import { DEFAULT_GZIP_LEVEL, gzipChunks } from './gzip.js'
import { writePackageFile } from './package-file.js'
import type { FileTree, TreeEntry } from './model.js'
import { rpmArchitecture, type PackageMetadata, type ScriptName } from './package-metadata.js'
import { HEADER_IMMUTABLE, HEADER_SIGNATURES, RpmHeader, rpmLead } from './rpm-header.js'

/** Tag numbers used here (include/rpm/rpmtag.h). */
const TAG = {
  SHA1: 269,
  SHA256: 273,
  SIG_SIZE: 1000,
  SIG_PAYLOADSIZE: 1007,
  I18NTABLE: 100,
  NAME: 1000,
  VERSION: 1001,
  RELEASE: 1002,
  SUMMARY: 1004,
  DESCRIPTION: 1005,
  BUILDTIME: 1006,
  BUILDHOST: 1007,
  SIZE: 1009,
  LICENSE: 1014,
  PACKAGER: 1015,
  GROUP: 1016,
  URL: 1020,
  OS: 1021,
  ARCH: 1022,
  PREIN: 1023,
  POSTIN: 1024,
  PREUN: 1025,
  POSTUN: 1026,
  FILESIZES: 1028,
  FILEMODES: 1030,
  FILERDEVS: 1033,
  FILEMTIMES: 1034,
  FILEDIGESTS: 1035,
  FILELINKTOS: 1036,
  FILEFLAGS: 1037,
  FILEUSERNAME: 1039,
  FILEGROUPNAME: 1040,
  SOURCERPM: 1044,
  FILEVERIFYFLAGS: 1045,
  PROVIDENAME: 1047,
  REQUIREFLAGS: 1048,
  REQUIRENAME: 1049,
  REQUIREVERSION: 1050,
  PREINPROG: 1085,
  POSTINPROG: 1086,
  PREUNPROG: 1087,
  POSTUNPROG: 1088,
  FILEDEVICES: 1095,
  FILEINODES: 1096,
  FILELANGS: 1097,
  PROVIDEFLAGS: 1112,
  PROVIDEVERSION: 1113,
  DIRINDEXES: 1116,
  BASENAMES: 1117,
  DIRNAMES: 1118,
  PAYLOADFORMAT: 1124,
  PAYLOADCOMPRESSOR: 1125,
  PAYLOADFLAGS: 1126,
  FILEDIGESTALGO: 5011,
  ENCODING: 5062,
  PAYLOADDIGEST: 5092,
  PAYLOADDIGESTALGO: 5093
} as const

const SENSE = { LESS: 2, GREATER: 4, EQUAL: 8, RPMLIB: 1 << 24 } as const
const FILE_FLAG = { CONFIG: 1, DOC: 2, NOREPLACE: 16 } as const
const DIGEST_SHA256 = 8
const INT32_LIMIT = 2 ** 32 - 1

const SCRIPT_TAGS: Record<ScriptName, [number, number]> = {
  preinst: [TAG.PREIN, TAG.PREINPROG],
  postinst: [TAG.POSTIN, TAG.POSTINPROG],
  prerm: [TAG.PREUN, TAG.PREUNPROG],
  postrm: [TAG.POSTUN, TAG.POSTUNPROG]
}

/**
 * The entries the rpm owns: every file and link, but only the folders that belong to the
 * package (the install dir and below, its doc folder). Shared folders such as /usr or /opt
 * belong to the distribution's `filesystem` package; rpm creates missing parents itself.
 */
export function rpmOwnedEntries(tree: FileTree, meta: PackageMetadata): TreeEntry[] {
  const install = meta.installDir.replace(/^\/+/, '')
  const doc = `usr/share/doc/${meta.name}`
  const owned = (p: string, root: string): boolean => p === root || p.startsWith(`${root}/`)
  return tree.entries.filter((e) => e.type !== 'dir' || owned(e.path, install) || owned(e.path, doc))
}

/** Writes `dest` (atomically) from a staged tree that already holds the doc entries. */
export async function writeRpm(
  tree: FileTree,
  meta: PackageMetadata,
  dest: string,
  options: PackageWriteOptions = {}
): Promise<StreamDigest> {
  const entries = rpmOwnedEntries(tree, meta)
  const payloadFile = path.join(path.dirname(dest), `.${path.basename(dest)}.payload.partial`)
  try {
    const digests = new FileDigests('sha256')
    const cpio = { size: 0 }
    const payload: StreamDigest = { sha256: '', size: 0 }
    const level = options.gzip?.level ?? DEFAULT_GZIP_LEVEL
    const sink = options.sink ?? fileSink
    const pool = archiveBlockPool()
    await writeFileAtomically(payloadFile, (partial) =>
      pipeline(
        cpioChunks(entries, {
          mtime: tree.mtime,
          pool,
          onContent: digests.onContent
        }),
        countStage(cpio, options.onProgress),
        (source: AsyncIterable<Uint8Array>) => gzipChunks(source, { ...options.gzip, level }, pool),
        digestStage(payload),
        sink(partial)
      )
    )
    const header = mainHeader(entries, meta, tree.mtime, digests, payload, level).toBuffer(HEADER_IMMUTABLE)
    if (header.length + payload.size > INT32_LIMIT || cpio.size > INT32_LIMIT) {
      throw new OperationError(
        `${path.basename(dest)} would exceed 4 GB, which this rpm writer does not support`
      )
    }
    const signature = new RpmHeader()
      .set(TAG.SHA1, { type: 'string', value: createHash('sha1').update(header).digest('hex') })
      .set(TAG.SHA256, { type: 'string', value: createHash('sha256').update(header).digest('hex') })
      .set(TAG.SIG_SIZE, { type: 'int32', values: [header.length + payload.size] })
      .set(TAG.SIG_PAYLOADSIZE, { type: 'int32', values: [cpio.size] })
      .toBuffer(HEADER_SIGNATURES)
    const signaturePadding = Buffer.alloc((8 - (signature.length % 8)) % 8)
    const lead = rpmLead(`${meta.name}-${meta.versions.rpmVersion}-${meta.versions.rpmRelease}`)
    return await writePackageFile(
      dest,
      [
        Buffer.concat([lead, signature, signaturePadding, header]),
        { file: payloadFile, size: payload.size, what: 'rpm payload' }
      ],
      sink
    )
  } finally {
    await rm(payloadFile, { force: true })
  }
}

/** `name >= 1.2` -> [name, flags, version]; rich dependencies `(a or b)` pass through whole. */
function parseRequire(entry: string): [string, number, string] {
  const m = /^(\S+)\s*(<=|>=|<|>|=)\s*(\S+)$/.exec(entry.trim())
  if (!m) return [entry.trim(), 0, '']
  const op = m[2] as string
  const flags =
    (op.includes('<') ? SENSE.LESS : 0) |
    (op.includes('>') ? SENSE.GREATER : 0) |
    (op.includes('=') ? SENSE.EQUAL : 0)
  return [m[1] as string, flags, m[3] as string]
}

function mainHeader(
  entries: TreeEntry[],
  meta: PackageMetadata,
  mtime: number,
  digests: FileDigests,
  payload: StreamDigest,
  level: number
): RpmHeader {
  const v = meta.versions
  const evr = `${v.rpmVersion}-${v.rpmRelease}`
  const description =
    meta.description || `The ${meta.name} service, packaged by shipline from commit ${meta.commit}.`
  const h = new RpmHeader()
    .set(TAG.I18NTABLE, { type: 'string_array', values: ['C'] })
    .set(TAG.NAME, { type: 'string', value: meta.name })
    .set(TAG.VERSION, { type: 'string', value: v.rpmVersion })
    .set(TAG.RELEASE, { type: 'string', value: v.rpmRelease })
    .set(TAG.SUMMARY, { type: 'i18nstring', value: meta.summary })
    .set(TAG.DESCRIPTION, { type: 'i18nstring', value: description })
    .set(TAG.BUILDTIME, { type: 'int32', values: [mtime] })
    .set(TAG.BUILDHOST, { type: 'string', value: 'shipline' })
    .set(TAG.SIZE, { type: 'int32', values: [entries.reduce((n, e) => n + entryDataSize(e), 0)] })
    .set(TAG.LICENSE, { type: 'string', value: meta.license })
    .set(TAG.PACKAGER, { type: 'string', value: meta.maintainer })
    .set(TAG.GROUP, { type: 'i18nstring', value: 'Unspecified' })
    .set(TAG.OS, { type: 'string', value: 'linux' })
    .set(TAG.ARCH, { type: 'string', value: rpmArchitecture(meta.architecture) })
    .set(TAG.SOURCERPM, { type: 'string', value: `${meta.name}-${evr}.src.rpm` })
    .set(TAG.PROVIDENAME, { type: 'string_array', values: [meta.name] })
    .set(TAG.PROVIDEFLAGS, { type: 'int32', values: [SENSE.EQUAL] })
    .set(TAG.PROVIDEVERSION, { type: 'string_array', values: [evr] })
    .set(TAG.PAYLOADFORMAT, { type: 'string', value: 'cpio' })
    .set(TAG.PAYLOADCOMPRESSOR, { type: 'string', value: 'gzip' })
    .set(TAG.PAYLOADFLAGS, { type: 'string', value: String(level) })
    .set(TAG.ENCODING, { type: 'string', value: 'utf-8' })
    .set(TAG.PAYLOADDIGEST, { type: 'string_array', values: [payload.sha256] })
    .set(TAG.PAYLOADDIGESTALGO, { type: 'int32', values: [DIGEST_SHA256] })
  if (meta.homepage) h.set(TAG.URL, { type: 'string', value: meta.homepage })
  for (const [name, [scriptTag, progTag]] of Object.entries(SCRIPT_TAGS) as [
    ScriptName,
    [number, number]
  ][]) {
    const script = meta.scripts[name]
    if (script === undefined) continue
    h.set(scriptTag, { type: 'string', value: script })
    h.set(progTag, { type: 'string', value: '/bin/sh' })
  }
  const requires: [string, number, string][] = [
    ['rpmlib(CompressedFileNames)', SENSE.RPMLIB | SENSE.LESS | SENSE.EQUAL, '3.0.4-1'],
    ['rpmlib(FileDigests)', SENSE.RPMLIB | SENSE.LESS | SENSE.EQUAL, '4.6.0-1'],
    ['rpmlib(PayloadFilesHavePrefix)', SENSE.RPMLIB | SENSE.LESS | SENSE.EQUAL, '4.0-1'],
    ...(meta.requires.some((r) => r.startsWith('('))
      ? [
          ['rpmlib(RichDependencies)', SENSE.RPMLIB | SENSE.LESS | SENSE.EQUAL, '4.12.0-1'] as [
            string,
            number,
            string
          ]
        ]
      : []),
    ...meta.requires.map(parseRequire)
  ]
  h.set(TAG.REQUIRENAME, { type: 'string_array', values: requires.map((r) => r[0]) })
  h.set(TAG.REQUIREFLAGS, { type: 'int32', values: requires.map((r) => r[1]) })
  h.set(TAG.REQUIREVERSION, { type: 'string_array', values: requires.map((r) => r[2]) })
  if (entries.length > 0) setFileTags(h, entries, meta, mtime, digests)
  return h
}

function setFileTags(
  h: RpmHeader,
  entries: TreeEntry[],
  meta: PackageMetadata,
  mtime: number,
  digests: FileDigests
): void {
  const dirNames: string[] = []
  const dirIndex = new Map<string, number>()
  const dirIndexes: number[] = []
  const baseNames: string[] = []
  for (const e of entries) {
    const slash = e.path.lastIndexOf('/')
    const dir = `/${e.path.slice(0, slash + 1)}`
    if (!dirIndex.has(dir)) {
      dirIndex.set(dir, dirNames.length)
      dirNames.push(dir)
    }
    dirIndexes.push(dirIndex.get(dir) as number)
    baseNames.push(e.path.slice(slash + 1))
  }
  const conffiles = new Set(meta.conffiles)
  const doc = `usr/share/doc/${meta.name}/`
  const n = entries.length
  const same = <T>(value: T): T[] => Array.from({ length: n }, () => value)
  h.set(TAG.FILESIZES, { type: 'int32', values: entries.map(entryDataSize) })
    .set(TAG.FILEMODES, { type: 'int16', values: entries.map(cpioMode) })
    .set(TAG.FILERDEVS, { type: 'int16', values: same(0) })
    .set(TAG.FILEMTIMES, { type: 'int32', values: same(mtime) })
    .set(TAG.FILEDIGESTS, {
      type: 'string_array',
      values: entries.map((e) => (e.type === 'file' ? (digests.of(e.path) ?? missingDigest(e)) : ''))
    })
    .set(TAG.FILELINKTOS, {
      type: 'string_array',
      values: entries.map((e) => (e.type === 'symlink' ? (e.linkTarget ?? '') : ''))
    })
    .set(TAG.FILEFLAGS, {
      type: 'int32',
      values: entries.map((e) =>
        conffiles.has(`/${e.path}`)
          ? FILE_FLAG.CONFIG | FILE_FLAG.NOREPLACE
          : e.type === 'file' && e.path.startsWith(doc)
            ? FILE_FLAG.DOC
            : 0
      )
    })
    .set(TAG.FILEUSERNAME, { type: 'string_array', values: same('root') })
    .set(TAG.FILEGROUPNAME, { type: 'string_array', values: same('root') })
    .set(TAG.FILEVERIFYFLAGS, { type: 'int32', values: same(0xffffffff) })
    .set(TAG.FILEDEVICES, { type: 'int32', values: same(1) })
    .set(TAG.FILEINODES, { type: 'int32', values: entries.map((_e, i) => i + 1) })
    .set(TAG.FILELANGS, { type: 'string_array', values: same('') })
    .set(TAG.DIRINDEXES, { type: 'int32', values: dirIndexes })
    .set(TAG.BASENAMES, { type: 'string_array', values: baseNames })
    .set(TAG.DIRNAMES, { type: 'string_array', values: dirNames })
    .set(TAG.FILEDIGESTALGO, { type: 'int32', values: [DIGEST_SHA256] })
}

function missingDigest(entry: TreeEntry): never {
  throw new Error(`no digest computed for ${entry.path}`)
}
