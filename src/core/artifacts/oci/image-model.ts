/** The OCI image-spec nouns shipline reads and writes (opencontainers/image-spec v1.1). */

export const MEDIA_TYPES = {
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  index: 'application/vnd.oci.image.index.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  layerTar: 'application/vnd.oci.image.layer.v1.tar',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip'
} as const

/** Docker schema 2 types have OCI twins with the same bytes; a base pulled as Docker becomes OCI. */
export function ociMediaType(mediaType: string): string {
  if (mediaType === MEDIA_TYPES.dockerLayerGzip) return MEDIA_TYPES.layerGzip
  if (mediaType === MEDIA_TYPES.dockerConfig) return MEDIA_TYPES.config
  if (mediaType === MEDIA_TYPES.dockerManifest) return MEDIA_TYPES.manifest
  if (mediaType === MEDIA_TYPES.dockerManifestList) return MEDIA_TYPES.index
  return mediaType
}

export const ANNOTATIONS = {
  refName: 'org.opencontainers.image.ref.name',
  baseName: 'org.opencontainers.image.base.name',
  baseDigest: 'org.opencontainers.image.base.digest'
} as const

export interface Descriptor {
  mediaType: string
  digest: string
  size: number
  annotations?: Record<string, string>
  platform?: { architecture: string; os: string; variant?: string }
}

export interface ImageManifest {
  schemaVersion: 2
  mediaType: string
  config: Descriptor
  layers: Descriptor[]
  annotations?: Record<string, string>
}

export interface ImageIndex {
  schemaVersion: 2
  mediaType?: string
  manifests: Descriptor[]
  annotations?: Record<string, string>
}

export interface HistoryEntry {
  created?: string
  created_by?: string
  comment?: string
  empty_layer?: boolean
}

/** The parts of the image config shipline sets; unknown fields of a pulled base are kept as they are. */
export interface ImageConfig {
  created?: string
  architecture: string
  os: string
  config: {
    Env?: string[]
    Cmd?: string[]
    Entrypoint?: string[]
    WorkingDir?: string
    ExposedPorts?: Record<string, Record<string, never>>
    Labels?: Record<string, string>
    User?: string
    [key: string]: unknown
  }
  rootfs: { type: 'layers'; diff_ids: string[] }
  history?: HistoryEntry[]
  [key: string]: unknown
}

/** Whether a parsed JSON document is an index (many manifests) rather than one image manifest. */
export function isIndex(document: { mediaType?: string; manifests?: unknown }): boolean {
  return (
    document.mediaType === MEDIA_TYPES.index ||
    document.mediaType === MEDIA_TYPES.dockerManifestList ||
    Array.isArray(document.manifests)
  )
}
