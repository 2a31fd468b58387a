import { OperationError } from '../../errors.js'
import { ImageLayout } from '../oci/image-layout.js'
import type { Descriptor, ImageManifest } from '../oci/image-model.js'
import { RegistryClient, type RegistryConnectionOptions } from './registry-client.js'
import { formatReference, parseImageReference } from './image-reference.js'

export interface PushImageOptions extends RegistryConnectionOptions {
  /** OCI image layout folder holding the image. */
  layoutDir: string
  /** Which image of the layout (its `org.opencontainers.image.ref.name`); optional if it holds one. */
  layoutTag?: string
  /** Where to push: `registry/owner/name:tag` (the tag is optional). */
  reference: string
  /** More tags for the same manifest in the same repository. */
  tags?: string[]
  /** Repositories on the same registry that may hold the blobs already (e.g. the base image's). */
  mountFrom?: string[]
  /** Blob uploads in flight at once. */
  parallel?: number
}

export interface PushResult {
  /** `registry/repository@sha256:...`: the identity later stages deploy. */
  reference: string
  digest: string
  tags: string[]
  /** Blob and manifest bytes the registry accepted from this push. */
  bytesUploaded: number
  blobs: { uploaded: number; mounted: number; present: number }
}

/**
 * Pushes one image of an OCI layout over the distribution API: blobs the registry already has are
 * skipped (HEAD), blobs in a sibling repository are mounted, the rest uploaded (verified against
 * their digest); the manifest goes last, so a failed push leaves no tag pointing at a partial image.
 */
export async function pushImage(options: PushImageOptions): Promise<PushResult> {
  const target = parseImageReference(options.reference)
  if (target.digest) {
    throw new OperationError(
      `push target ${options.reference} names a digest; give a repository and tag instead`
    )
  }
  const layout = await ImageLayout.open(options.layoutDir)
  const manifestDescriptor = await layout.resolve(options.layoutTag)
  const manifestBytes = await layout.readBlob(manifestDescriptor.digest)
  const manifest = JSON.parse(manifestBytes.toString('utf8')) as ImageManifest
  const client = new RegistryClient({ ...options, registry: target.registry })
  const repository = target.repository
  await client.ping(repository)

  const counts = { uploaded: 0, mounted: 0, present: 0 }
  let bytesUploaded = 0
  const pushBlob = async (blob: Descriptor): Promise<void> => {
    if (await client.hasBlob(repository, blob.digest)) {
      counts.present++
      return
    }
    for (const from of options.mountFrom ?? []) {
      if (from !== repository && (await client.mountBlob(repository, blob.digest, from))) {
        counts.mounted++
        options.logger.debug(`mounted ${blob.digest} from ${from}`)
        return
      }
    }
    // Await first: `total += await ...` would add to a total read before the other uploads finished.
    const sent = await client.uploadBlobFile(repository, blob.digest, blob.size, layout.blobPath(blob.digest))
    bytesUploaded += sent
    counts.uploaded++
  }
  // Every blob before the manifest: a registry refuses a manifest naming a blob it does not hold.
  await inParallel([...manifest.layers, manifest.config], options.parallel ?? 3, pushBlob)

  const tags = [...new Set([target.tag, ...(options.tags ?? [])].filter((t): t is string => Boolean(t)))]
  const references = tags.length ? tags : [manifestDescriptor.digest]
  for (const tag of references) {
    if ((await client.headManifest(repository, tag)) === manifestDescriptor.digest) continue
    await client.putManifest(repository, tag, manifestBytes, manifestDescriptor.mediaType)
    bytesUploaded += manifestBytes.byteLength
  }
  const pushed = { registry: target.registry, repository, digest: manifestDescriptor.digest }
  return {
    reference: formatReference(pushed),
    digest: manifestDescriptor.digest,
    tags,
    bytesUploaded,
    blobs: counts
  }
}

/** Runs `work` over `items` with at most `limit` in flight; the first failure wins. */
async function inParallel<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  let failed = false
  const worker = async (): Promise<void> => {
    while (next < items.length && !failed) {
      const item = items[next++] as T
      try {
        await work(item)
      } catch (error) {
        failed = true
        throw error
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
}
