import type { ImageInfo } from '../model.js'
import { BASE_TAG } from '../oci/base-image.js'
import type { ServiceImage } from '../oci/service-image.js'
import { parseImageReference } from './image-reference.js'
import { pushImage } from './push-image.js'
import type { RegistryConnectionOptions } from './registry-client.js'

export interface PushServiceImageOptions extends RegistryConnectionOptions {
  image: ServiceImage
}

/** The repository a custom base is published to, next to the services: `<registry>/base-<name>`. */
export function baseRepositoryReference(
  serviceReference: string,
  baseName: string,
  contentHash: string
): string {
  const { registry, repository } = parseImageReference(serviceReference)
  const owner = repository.includes('/') ? repository.slice(0, repository.lastIndexOf('/') + 1) : ''
  return `${registry}/${owner}base-${baseName}:${contentHash.slice(0, 16)}`
}

/**
 * Publishes a service image: its custom base first (tagged with its content hash, so every service
 * on that base shares its blobs and the next push finds them), then the service image with the base
 * repository as a mount source, so a new service version uploads only its own layer, config and
 * manifest. Returns the image by digest; nothing is returned unless every tag points at it.
 */
export async function pushServiceImage(options: PushServiceImageOptions): Promise<ImageInfo> {
  const { image, ...common } = options
  const logger = options.logger
  const [primary, ...others] = image.references
  if (!primary) {
    throw new Error(
      `service image ${image.service} has no registry reference; set images.registry in shipline.yml`
    )
  }
  let bytesUploaded = 0
  const mountFrom: string[] = []
  if (image.base) {
    const baseReference = baseRepositoryReference(primary, image.base.name, image.base.contentHash)
    const base = await pushImage({
      ...common,
      layoutDir: image.base.layoutDir,
      layoutTag: BASE_TAG,
      reference: baseReference
    })
    bytesUploaded += base.bytesUploaded
    mountFrom.push(parseImageReference(baseReference).repository)
    logger.info(`base ${image.base.name}: ${base.reference} (${base.bytesUploaded} bytes uploaded)`)
  }
  const tags = others
    .map((reference) => parseImageReference(reference).tag)
    .filter((t): t is string => Boolean(t))
  const pushed = await pushImage({
    ...common,
    layoutDir: image.layoutDir,
    layoutTag: image.layoutTag,
    reference: primary,
    tags,
    mountFrom
  })
  bytesUploaded += pushed.bytesUploaded
  return {
    reference: pushed.reference,
    digest: pushed.digest,
    tags: image.references,
    ...(image.base ? { baseDigest: image.base.digest } : {}),
    bytesUploaded
  }
}

/** One line for a job summary or a terminal: what was pushed, by digest, and what it cost. */
export function imageSummaryLine(service: string, info: ImageInfo): string {
  const base = info.baseDigest ? `, base ${info.baseDigest.slice(0, 19)}` : ''
  const sent = info.bytesUploaded !== undefined ? `, ${formatBytes(info.bytesUploaded)} uploaded` : ''
  return `${service}: ${info.reference} (tags ${info.tags.join(', ') || 'none'}${base}${sent})`
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`
}
