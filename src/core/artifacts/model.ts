/**
 * What the build stage hands to the rest of the pipeline, and the file-tree contract shared by
 * every package writer (.deb, .rpm, .tar.gz, OCI layer).
 */

/** One entry of the tree a package installs, in install-root terms. */
export interface TreeEntry {
  /** POSIX path relative to the filesystem root, no leading `/`, e.g. `opt/catalog/src/server.mjs`. */
  path: string
  type: 'file' | 'dir' | 'symlink'
  /** Normalised permission bits (0o755 or 0o644). */
  mode: number
  /** Bytes (files only). */
  size: number
  /** Absolute path to read the content from (files only); content is streamed, never held whole. */
  source?: string
  /**
   * Content of a small generated file (copyright, changelog, systemd unit) when there is no
   * `source`. Read either through `openEntryContent` in entry-content.ts.
   */
  content?: Uint8Array
  /** Link target exactly as stored (symlinks only). */
  linkTarget?: string
}

/** A staged tree: entries sorted byte-wise, every parent directory listed before its children. */
export interface FileTree {
  entries: TreeEntry[]
  /** Every mtime written into any artifact (SOURCE_DATE_EPOCH). */
  mtime: number
}

export type PackageFormat = 'deb' | 'rpm' | 'tgz' | 'oci'

export interface ArtifactFile {
  format: PackageFormat
  /** Absolute path of the file (for oci: the OCI image layout folder). */
  path: string
  sha256: string
  size: number
}

export interface ImageInfo {
  /** `registry/owner/service@sha256:...` (or the layout path when not pushed). */
  reference: string
  digest: string
  tags: string[]
  baseDigest?: string
  bytesUploaded?: number
}

/**
 * The record of one build, written as `artifact.json` next to the files in
 * `<artifacts-dir>/<service>/<version>/`. Deploy reads it to resolve a version to files.
 */
export interface BuildRecord {
  service: string
  version: string
  /** The commit the artifacts were built from. */
  commit: string
  sourceDateEpoch: number
  /** The content key (git tree hashes + build spec) used for caching. */
  contentKey: string
  files: ArtifactFile[]
  image?: ImageInfo
}

/** Where builds land: `<artifactsDir>/<service>/<version>/artifact.json`. */
export const BUILD_RECORD_FILE = 'artifact.json'
