import { rm } from 'node:fs/promises'
import type { Logger } from '../../../platform/logger.js'
import type { Manifest, Service } from '../../manifest/types.js'
import type { FileTree } from '../model.js'
import type { RegistryCredentials } from '../registry/registry-auth.js'
import { parseImageReference } from '../registry/image-reference.js'
import { BASE_TAG, type BaseImage, buildBaseImage, findBase } from './base-image.js'
import type { Descriptor } from './image-model.js'
import { ANNOTATIONS } from './image-model.js'
import {
  appendLayer,
  type ImageDraft,
  isoTime,
  mergeEnv,
  readDraft,
  scratchDraft,
  writeImage
} from './image-config.js'
import { ImageLayout } from './image-layout.js'
import { writeLayer } from './layer-writer.js'

export interface ServiceImageOptions {
  manifest: Manifest
  service: Service
  /** The tree the service's .deb installs (from the packaging stage's staging). */
  tree: FileTree
  version: string
  sourceDateEpoch: number
  /** Folder to write the OCI image layout into (created; an existing one is replaced). */
  layoutDir: string
  /** Commit the image is built from (label `org.opencontainers.image.revision`). */
  commit: string
  /** Where custom bases are cached and reused (e.g. `.shipline/cache/images`). */
  cacheDir: string
  /** `https://github.com/owner/repo` (label `org.opencontainers.image.source`). */
  sourceUrl?: string
  /** Registry prefix for tags; default `images.registry` from shipline.yml. */
  registry?: string
  credentials?: RegistryCredentials
  logger: Logger
}

/** A service image written to an OCI layout, ready to push. */
export interface ServiceImage {
  service: string
  version: string
  layoutDir: string
  /** Tag of the image inside the layout (the version). */
  layoutTag: string
  /** Manifest digest: the identity later stages deploy. */
  digest: string
  config: Descriptor
  /** The one layer holding the service's files. */
  layer: Descriptor
  base?: BaseImage
  /** `<registry>/<service>:<version>` plus every declared tag, when a registry is known. */
  references: string[]
}

export const LABELS = {
  source: 'org.opencontainers.image.source',
  revision: 'org.opencontainers.image.revision',
  version: 'org.opencontainers.image.version',
  created: 'org.opencontainers.image.created',
  service: 'dev.shipline.service'
} as const

/**
 * Builds a service image: the service's base (built or reused) plus one layer with the same file
 * tree its .deb installs, and a config carrying the run command, environment, exposed port and
 * labels. Every time and label comes from the inputs, so the same inputs give the same digests.
 */
export async function buildServiceImage(options: ServiceImageOptions): Promise<ServiceImage> {
  const { service, manifest } = options
  // Tags are checked before any work, so a version that cannot be a tag fails fast.
  const registry = options.registry ?? manifest.images.registry
  const references = registry ? imageReferences(registry, service, options.version) : []
  // An unknown base is the service file's mistake: say so there before building anything.
  if (service.image.base)
    findBase(manifest, service.image.base, { file: service.origin.file, keyPath: 'image.base' })
  const base = service.image.base
    ? await buildBaseImage({
        manifest,
        name: service.image.base,
        cacheDir: options.cacheDir,
        sourceDateEpoch: options.sourceDateEpoch,
        ...(options.credentials ? { credentials: options.credentials } : {}),
        logger: options.logger
      })
    : undefined

  await rm(options.layoutDir, { recursive: true, force: true })
  const layout = await ImageLayout.create(options.layoutDir)
  let draft: ImageDraft = scratchDraft()
  if (base) {
    const baseLayout = await ImageLayout.open(base.layoutDir)
    const baseDraft = await readDraft(baseLayout, BASE_TAG)
    for (const blob of baseDraft.layers) await layout.importBlob(baseLayout, blob.digest)
    draft = { config: baseDraft.config, layers: baseDraft.layers }
  }
  const layer = await writeLayer(layout, options.tree)
  draft = appendLayer(draft, layer, `shipline ${service.name} ${options.version}`, options.sourceDateEpoch)
  draft = {
    ...draft,
    config: { ...draft.config, created: isoTime(options.sourceDateEpoch), config: runConfig(draft, options) }
  }
  const annotations: Record<string, string> = base
    ? {
        [ANNOTATIONS.baseDigest]: base.digest,
        [ANNOTATIONS.baseName]: `${base.name}:${base.contentHash.slice(0, 16)}`
      }
    : {}
  const written = await writeImage(layout, draft, options.version, annotations)
  return {
    service: service.name,
    version: options.version,
    layoutDir: options.layoutDir,
    layoutTag: options.version,
    digest: written.manifest.digest,
    config: written.config,
    layer: layer.descriptor,
    ...(base ? { base } : {}),
    references
  }
}

/** `<registry>/<service>:<version>` and `<registry>/<service>:<tag>` for each declared tag, validated. */
export function imageReferences(registry: string, service: Service, version: string): string[] {
  const tags = [...new Set([version, ...service.image.tags])]
  return tags.map((tag) => {
    const text = `${registry.replace(/\/+$/, '')}/${service.name}:${tag}`
    parseImageReference(text)
    return text
  })
}

function runConfig(draft: ImageDraft, options: ServiceImageOptions): ImageDraft['config']['config'] {
  const { service } = options
  const run = service.run
  const env: Record<string, string> = { ...(run?.env ?? {}), ...service.image.env }
  if (run?.port) env.PORT = String(run.port)
  const labels: Record<string, string> = {
    ...(draft.config.config.Labels ?? {}),
    ...service.image.labels,
    [LABELS.revision]: options.commit,
    [LABELS.version]: options.version,
    [LABELS.created]: isoTime(options.sourceDateEpoch),
    [LABELS.service]: service.name,
    ...(options.sourceUrl ? { [LABELS.source]: options.sourceUrl } : {})
  }
  const config: ImageDraft['config']['config'] = {
    ...draft.config.config,
    Env: mergeEnv(draft.config.config.Env, env),
    Labels: labels,
    WorkingDir: service.artifacts.installDir
  }
  if (run) {
    config.Cmd = run.command
    delete config.Entrypoint
  }
  if (run?.port) config.ExposedPorts = { ...(config.ExposedPorts ?? {}), [`${run.port}/tcp`]: {} }
  return config
}
