import { OperationError } from '../../errors.js'
import { canonicalJson } from '../../canonical-json.js'
import { ImageLayout } from '../oci/image-layout.js'
import {
  type Descriptor,
  type ImageIndex,
  type ImageManifest,
  isIndex,
  ociMediaType
} from '../oci/image-model.js'
import { RegistryClient, type RegistryConnectionOptions } from './registry-client.js'
import { formatReference, manifestReference, parseImageReference } from './image-reference.js'

export interface PullImageOptions extends RegistryConnectionOptions {
  reference: string
  layoutDir: string
  /** Tag to give the image inside the layout. */
  layoutTag: string
  platform?: { os: string; architecture: string }
}

export interface PullResult {
  /** Digest of the image manifest as the registry serves it. */
  digest: string
  /** `registry/repository@digest`. */
  reference: string
  /** Digest of the manifest written into the layout (OCI media types; equals `digest` for OCI images). */
  layoutDigest: string
}

/**
 * Pulls one image (the platform's entry of an index) into an OCI layout, the push in reverse:
 * blobs already in the layout are not fetched again, every blob is checked against its digest.
 */
export async function pullImage(options: PullImageOptions): Promise<PullResult> {
  const source = parseImageReference(options.reference)
  const client = new RegistryClient({ ...options, registry: source.registry })
  const repository = source.repository
  let fetched = await client.getManifest(repository, manifestReference(source))
  if (!fetched) {
    throw new OperationError(
      `image ${options.reference} was not found in ${source.registry}; check the name and tag of the base image`
    )
  }
  let document = JSON.parse(fetched.bytes.toString('utf8')) as ImageManifest | ImageIndex
  if (isIndex(document)) {
    const wanted = options.platform ?? { os: 'linux', architecture: 'amd64' }
    const entry = (document as ImageIndex).manifests.find(
      (m) => m.platform?.os === wanted.os && m.platform.architecture === wanted.architecture
    )
    if (!entry) {
      throw new OperationError(
        `image ${options.reference} has no ${wanted.os}/${wanted.architecture} variant`
      )
    }
    fetched = await client.getManifest(repository, entry.digest)
    if (!fetched) throw new OperationError(`image ${options.reference}: manifest ${entry.digest} is missing`)
    document = JSON.parse(fetched.bytes.toString('utf8')) as ImageManifest
  }
  const manifest = document as ImageManifest
  const layout = await ImageLayout.create(options.layoutDir)
  for (const blob of [manifest.config, ...manifest.layers]) {
    if ((await layout.hasBlob(blob.digest)) && (await layout.hashBlob(blob.digest)) === blob.digest) continue
    await layout.writeBlob(await client.getBlob(repository, blob.digest), blob.mediaType)
  }
  // Docker schema 2 images keep their bytes but get OCI media types, so the layout is pure OCI.
  const isOci = ociMediaType(fetched.mediaType) === fetched.mediaType
  let stored: Descriptor
  if (isOci) {
    stored = await layout.writeBlob(fetched.bytes, fetched.mediaType)
  } else {
    const converted: ImageManifest = {
      schemaVersion: 2,
      mediaType: ociMediaType(fetched.mediaType),
      config: { ...manifest.config, mediaType: ociMediaType(manifest.config.mediaType) },
      layers: manifest.layers.map((l) => ({ ...l, mediaType: ociMediaType(l.mediaType) }))
    }
    stored = await layout.writeBlob(Buffer.from(canonicalJson(converted)), converted.mediaType)
  }
  await layout.tag(stored, options.layoutTag)
  return {
    digest: fetched.digest,
    reference: formatReference({ registry: source.registry, repository, digest: fetched.digest }),
    layoutDigest: stored.digest
  }
}
