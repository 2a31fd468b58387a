import { OperationError } from '../../errors.js'
import type { BuildRecord, ImageInfo } from '../model.js'
import type { ServiceImage } from '../oci/service-image.js'
import { parseImageReference } from './image-reference.js'
import { pushImage } from './push-image.js'
import type { RegistryConnectionOptions } from './registry-client.js'
import { pushServiceImage } from './push-service-image.js'

/**
 * Pushes the image of a build. A fresh build pushes its base first and mounts it (so the next
 * version uploads only its own layer); a build restored from the cache pushes its layout as it is,
 * which the registry answers blob by blob with "already there" when an earlier run pushed it.
 */
export async function publishBuildImage(
  record: BuildRecord,
  built: ServiceImage | undefined,
  connection: RegistryConnectionOptions
): Promise<ImageInfo> {
  if (built) return pushServiceImage({ ...connection, image: built })
  const image = record.image
  if (!image) throw new OperationError(`${record.service} ${record.version} has no OCI image to push`)
  const [primary, ...others] = image.tags
  if (!primary) {
    throw new OperationError(
      `${record.service}: the image has no registry reference; set images.registry in shipline.yml or the registry input`
    )
  }
  const ociFile = record.files.find((f) => f.format === 'oci')
  if (!ociFile)
    throw new OperationError(`${record.service} ${record.version}: the build record lists no OCI layout`)
  const pushed = await pushImage({
    ...connection,
    layoutDir: ociFile.path,
    layoutTag: parseImageReference(primary).tag,
    reference: primary,
    tags: others.map((r) => parseImageReference(r).tag).filter((t): t is string => Boolean(t))
  })
  return {
    reference: pushed.reference,
    digest: pushed.digest,
    tags: image.tags,
    ...(image.baseDigest ? { baseDigest: image.baseDigest } : {}),
    bytesUploaded: pushed.bytesUploaded
  }
}
