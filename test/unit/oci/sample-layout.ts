import { ImageLayout } from '../../../src/core/artifacts/oci/image-layout.js'
import { canonicalJson } from '../../../src/core/canonical-json.js'
import {
  type Descriptor,
  type ImageManifest,
  MEDIA_TYPES
} from '../../../src/core/artifacts/oci/image-model.js'

/** Deterministic filler bytes: a registry does not look inside blobs, so any content will do. */
export function filler(seed: string, size: number): Buffer {
  const bytes = Buffer.alloc(size)
  for (let i = 0; i < size; i++) bytes[i] = (seed.charCodeAt(i % seed.length) * 31 + i * 7) & 0xff
  return bytes
}

export interface SampleImage {
  layout: ImageLayout
  manifest: Descriptor
  layers: Descriptor[]
  config: Descriptor
}

/** An OCI layout holding one image made of the given layer blobs, tagged `tag`. */
export async function sampleLayout(dir: string, layers: Buffer[], tag = 'latest'): Promise<SampleImage> {
  const layout = await ImageLayout.create(dir)
  const layerDescriptors: Descriptor[] = []
  for (const layer of layers) layerDescriptors.push(await layout.writeBlob(layer, MEDIA_TYPES.layerGzip))
  const config = await layout.writeBlob(
    Buffer.from(
      canonicalJson({
        architecture: 'amd64',
        os: 'linux',
        config: {},
        rootfs: { type: 'layers', diff_ids: layerDescriptors.map((l) => l.digest) }
      })
    ),
    MEDIA_TYPES.config
  )
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.manifest,
    config,
    layers: layerDescriptors
  }
  const descriptor = await layout.writeBlob(Buffer.from(canonicalJson(manifest)), MEDIA_TYPES.manifest)
  await layout.tag(descriptor, tag)
  return { layout, manifest: descriptor, layers: layerDescriptors, config }
}
