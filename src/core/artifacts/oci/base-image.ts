import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises'
import { isAbsolute, join, resolve } from 'node:path'
import { ConfigError, OperationError } from '../../errors.js'
import type { Logger } from '../../../platform/logger.js'
import type { BaseImageSpec, Manifest } from '../../manifest/types.js'
import { nearest } from '../../manifest/suggest.js'
import type { RegistryCredentials } from '../registry/registry-auth.js'
import { pullImage } from '../registry/pull-image.js'
import { canonicalJson, sha256Digest } from '../../canonical-json.js'
import { folderTree, treeFingerprint } from './folder-tree.js'
import {
  appendLayer,
  type ImageDraft,
  mergeEnv,
  readDraft,
  scratchDraft,
  writeImage
} from './image-config.js'
import { exists, ImageLayout } from './image-layout.js'
import { ANNOTATIONS } from './image-model.js'
import { writeLayer } from './layer-writer.js'

/** Bumped when the way bases are assembled changes, so old cached bases are not reused. */
const BASE_FORMAT = 1
/** The tag a cached base carries inside its own layout. */
export const BASE_TAG = 'base'

export interface BaseImageOptions {
  manifest: Manifest
  /** Name under `images.bases` in shipline.yml. */
  name: string
  /** Cache folder: bases live in `<cacheDir>/bases/<name>-<hash>/`, shared by services and runs. */
  cacheDir: string
  sourceDateEpoch: number
  /** For a base `from` a registry image. */
  credentials?: RegistryCredentials
  logger: Logger
}

export interface BaseImage {
  name: string
  /** sha256 (hex) of everything that goes into the base: its identity for reuse. */
  contentHash: string
  layoutDir: string
  /** Manifest digest of the built base. */
  digest: string
  /** `from` as declared, and the digest it resolved to (absent for scratch). */
  from: string
  fromDigest?: string
  /** True when an existing build with the same content hash was used. */
  reused: boolean
}

/** The declared base a name refers to; a ConfigError with a did-you-mean when it is not declared. */
export function findBase(
  manifest: Manifest,
  name: string,
  location: { file?: string; keyPath?: string }
): BaseImageSpec {
  const base = manifest.images.bases.find((b) => b.name === name)
  if (base) return base
  const known = manifest.images.bases.map((b) => b.name)
  const guess = nearest(name, known)
  throw new ConfigError(
    `unknown base image '${name}'`,
    location,
    guess
      ? `did you mean '${guess}'?`
      : known.length
        ? `use one of the bases declared under images.bases in ${manifest.file}: ${known.join(', ')}`
        : `declare it under images.bases in ${manifest.file} (from: scratch, layers: [folder])`
  )
}

/**
 * Builds a custom base image (a starting image plus folders as layers plus env) into the cache, or
 * reuses the one already built from the same inputs. The content hash covers the `from` image's
 * digest, every layer folder's files and modes, the env and the timestamp, so a changed input
 * always gives a new base and an unchanged one is never rebuilt.
 */
export async function buildBaseImage(options: BaseImageOptions): Promise<BaseImage> {
  const { manifest, logger } = options
  const spec = findBase(manifest, options.name, {
    file: manifest.file,
    keyPath: `images.bases.${options.name}`
  })
  // A private work folder, so builds of the same base in parallel (two services, one process) never meet.
  await mkdir(join(options.cacheDir, 'bases'), { recursive: true })
  const work = await mkdtemp(join(options.cacheDir, 'bases', `.work-${options.name}-`))
  try {
    const start = await startingPoint(spec, work, options)
    const trees = []
    for (const folder of spec.layers) {
      const absolute = resolve(manifest.root, folder)
      if (!(await exists(absolute))) {
        throw new ConfigError(
          `layer folder '${folder}' of base image '${spec.name}' does not exist`,
          { file: manifest.file, keyPath: `images.bases.${spec.name}.layers` },
          'give a folder relative to the repository root'
        )
      }
      const tree = await folderTree(absolute, options.sourceDateEpoch)
      trees.push({ folder, tree, fingerprint: await treeFingerprint(tree) })
    }
    const contentHash = sha256Digest(
      canonicalJson({
        format: BASE_FORMAT,
        from: start.digest ?? 'scratch',
        layers: trees.map((t) => ({ folder: t.folder, content: t.fingerprint })),
        env: spec.env,
        sourceDateEpoch: options.sourceDateEpoch
      })
    ).slice('sha256:'.length)
    const layoutDir = join(options.cacheDir, 'bases', `${spec.name}-${contentHash.slice(0, 16)}`)
    const fromFields = { from: spec.from, ...(start.digest ? { fromDigest: start.digest } : {}) }
    if (await exists(join(layoutDir, 'index.json'))) {
      const cached = await ImageLayout.open(layoutDir)
      const digest = (await cached.resolve(BASE_TAG)).digest
      logger.info(`base image ${spec.name}: reusing ${digest} (content ${contentHash.slice(0, 12)})`)
      return { name: spec.name, contentHash, layoutDir, digest, ...fromFields, reused: true }
    }
    const layout = start.layout
    let draft: ImageDraft = start.draft
    for (const { folder, tree } of trees) {
      const layer = await writeLayer(layout, tree)
      draft = appendLayer(draft, layer, `shipline base ${spec.name}: add ${folder}`, options.sourceDateEpoch)
    }
    draft = {
      ...draft,
      config: {
        ...draft.config,
        config: { ...draft.config.config, Env: mergeEnv(draft.config.config.Env, spec.env) }
      }
    }
    const { manifest: written } = await writeImage(layout, draft, BASE_TAG)
    await pruneIndex(layout)
    await rename(work, layoutDir).catch(async (error: NodeJS.ErrnoException) => {
      // Another build finished the same base first: identical content, keep theirs.
      if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error
    })
    logger.info(`base image ${spec.name}: built ${written.digest} (content ${contentHash.slice(0, 12)})`)
    return { name: spec.name, contentHash, layoutDir, digest: written.digest, ...fromFields, reused: false }
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}

interface StartingPoint {
  layout: ImageLayout
  draft: ImageDraft
  digest?: string
}

/** scratch, an OCI layout on disk (`oci:path[:tag]`), or an image pulled from a registry. */
async function startingPoint(
  spec: BaseImageSpec,
  work: string,
  options: BaseImageOptions
): Promise<StartingPoint> {
  const layout = await ImageLayout.create(work)
  if (spec.from === 'scratch') return { layout, draft: scratchDraft() }
  if (spec.from.startsWith('oci:')) {
    const [path = '', tag] = spec.from.slice('oci:'.length).split(':')
    const dir = isAbsolute(path) ? path : resolve(options.manifest.root, path)
    if (!(await exists(join(dir, 'index.json')))) {
      throw new ConfigError(
        `base image '${spec.name}' starts from ${spec.from}, but ${path} is not an OCI image layout`,
        { file: options.manifest.file, keyPath: `images.bases.${spec.name}.from` },
        'give scratch, oci:<layout folder>[:tag] or a registry reference such as ghcr.io/acme/runtime:1'
      )
    }
    const source = await ImageLayout.open(dir)
    const draft = await readDraft(source, tag)
    for (const blob of draft.layers) await layout.importBlob(source, blob.digest)
    return { layout, draft: { config: draft.config, layers: draft.layers }, digest: draft.digest }
  }
  const pulled = await pullImage({
    reference: spec.from,
    layoutDir: work,
    layoutTag: 'from',
    ...(options.credentials ? { credentials: options.credentials } : {}),
    logger: options.logger
  }).catch((error: unknown) => {
    if (error instanceof ConfigError) {
      throw new ConfigError(
        error.message,
        { file: options.manifest.file, keyPath: `images.bases.${spec.name}.from` },
        error.hint
      )
    }
    if (error instanceof OperationError)
      throw new OperationError(`base image '${spec.name}': ${error.message}`)
    throw error
  })
  const draft = await readDraft(layout, 'from')
  return { layout, draft: { config: draft.config, layers: draft.layers }, digest: pulled.digest }
}

/** Keeps only the built base in the cached layout's index (the pulled `from` stays as blobs). */
async function pruneIndex(layout: ImageLayout): Promise<void> {
  const index = await layout.readIndex()
  const kept = index.manifests.filter((m) => m.annotations?.[ANNOTATIONS.refName] === BASE_TAG)
  await layout.writeIndex({ ...index, manifests: kept })
}
