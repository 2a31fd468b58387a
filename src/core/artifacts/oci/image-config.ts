import { canonicalJson } from '../../canonical-json.js'
import type { ImageLayout } from './image-layout.js'
import { type Descriptor, type ImageConfig, type ImageManifest, MEDIA_TYPES } from './image-model.js'

/** A layer written into a layout: its stored (gzip) descriptor and its uncompressed digest. */
export interface LayerBlob {
  descriptor: Descriptor
  diffId: string
}

/** An image being assembled: the config and the layer descriptors, base first. */
export interface ImageDraft {
  config: ImageConfig
  layers: Descriptor[]
}

/** `created` and history times come from SOURCE_DATE_EPOCH, never the build clock. */
export function isoTime(sourceDateEpoch: number): string {
  return new Date(sourceDateEpoch * 1000).toISOString().replace('.000Z', 'Z')
}

/** The starting point of an image `FROM scratch`. */
export function scratchDraft(): ImageDraft {
  return {
    config: {
      architecture: 'amd64',
      os: 'linux',
      config: {},
      rootfs: { type: 'layers', diff_ids: [] },
      history: []
    },
    layers: []
  }
}

/** Appends a layer the way go-containerregistry's `mutate.Append` does: diff_id, history, descriptor. */
export function appendLayer(
  draft: ImageDraft,
  layer: LayerBlob,
  createdBy: string,
  sourceDateEpoch: number
): ImageDraft {
  return {
    config: {
      ...draft.config,
      rootfs: { type: 'layers', diff_ids: [...draft.config.rootfs.diff_ids, layer.diffId] },
      history: [...(draft.config.history ?? []), { created: isoTime(sourceDateEpoch), created_by: createdBy }]
    },
    layers: [...draft.layers, layer.descriptor]
  }
}

/** `KEY=value` entries with `add` overriding keys already set; sorted by key for stable output. */
export function mergeEnv(env: string[] | undefined, add: Record<string, string>): string[] {
  const merged = new Map<string, string>()
  for (const entry of env ?? []) {
    const equals = entry.indexOf('=')
    merged.set(equals < 0 ? entry : entry.slice(0, equals), equals < 0 ? '' : entry.slice(equals + 1))
  }
  for (const [key, value] of Object.entries(add)) merged.set(key, value)
  return [...merged.keys()].sort().map((key) => `${key}=${merged.get(key) ?? ''}`)
}

/**
 * Writes the config and the manifest of a draft into the layout (canonical JSON, so the same
 * draft always gives the same digests) and tags it. Returns the manifest descriptor.
 */
export async function writeImage(
  layout: ImageLayout,
  draft: ImageDraft,
  tag: string,
  annotations?: Record<string, string>
): Promise<{ manifest: Descriptor; config: Descriptor }> {
  const config = await layout.writeBlob(Buffer.from(canonicalJson(draft.config)), MEDIA_TYPES.config)
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.manifest,
    config,
    layers: draft.layers,
    ...(annotations && Object.keys(annotations).length ? { annotations } : {})
  }
  const descriptor = await layout.writeBlob(Buffer.from(canonicalJson(manifest)), MEDIA_TYPES.manifest)
  await layout.tag(descriptor, tag)
  return { manifest: descriptor, config }
}

/** Reads an image of a layout back as a draft to build on. */
export async function readDraft(layout: ImageLayout, tag?: string): Promise<ImageDraft & { digest: string }> {
  const descriptor = await layout.resolve(tag)
  const manifest = await layout.readJson<ImageManifest>(descriptor.digest)
  const config = await layout.readJson<ImageConfig>(manifest.config.digest)
  return { config, layers: manifest.layers, digest: descriptor.digest }
}
