/**
 * Build once, package natively: the one entry point the action, the CLI and the pipeline call.
 *
 *   const result = await buildService({ manifest, service: 'catalog', outDir, git, exec, logger, cache })
 *   result.record.files  // .deb, .rpm, .tar.gz with sha256 and size
 *
 * Steps: content key -> cache (hit: restore, verify, done) -> build command -> stage the output
 * tree -> write each format -> artifact.json -> save to the cache. Every artifact is written
 * atomically and the record last, so a failure never leaves something that looks like a build.
 */
import { readFile, rm, mkdir } from 'node:fs/promises'
import path from 'node:path'
import type { ArtifactCache } from '../../platform/cache.js'
import type { Exec } from '../../platform/exec.js'
import type { Git } from '../../platform/git.js'
import type { Logger } from '../../platform/logger.js'
import { ConfigError, type SourceLocation } from '../errors.js'
import { findService } from '../manifest/load-manifest.js'
import { staysInside } from '../manifest/path-safety.js'
import type { Manifest, Service } from '../manifest/types.js'
import type { SinkFactory } from './atomic-file.js'
import { writeTreeArchive } from './archive-file.js'
import { relocateAndVerify, findRecordByKey, versionDir, writeBuildRecord } from './build-record.js'
import { runBuildCommand } from './build-runner.js'
import { computeContentKey } from './content-key.js'
import { writeDeb } from './deb-writer.js'
import type { GzipOptions } from './gzip.js'
import {
  BUILD_RECORD_FILE,
  type ArtifactFile,
  type BuildRecord,
  type FileTree,
  type PackageFormat
} from './model.js'
import { packageDocEntries } from './package-docs.js'
import { artifactFileNames, packageMetadata, SCRIPT_NAMES, type ScriptName } from './package-metadata.js'
import { rpmOwnedEntries, writeRpm } from './rpm-writer.js'
import { cpioSize } from './cpio-writer.js'
import { buildServiceImage } from './oci/service-image.js'
import { publishBuildImage } from './registry/publish-build-image.js'
import type { RegistryConnectionOptions } from './registry/registry-client.js'
import { stageTree } from './stage-tree.js'
import { tarSize } from './tar-writer.js'
import { defaultVersion, packageVersions } from './versions.js'

export interface BuildProgress {
  format: PackageFormat
  /** Uncompressed bytes written so far and the expected total. */
  bytes: number
  total: number
}

export interface BuildServiceInput {
  manifest: Manifest
  /** The service (or its name). */
  service: string | Service
  /** Build version; default `<service version>+b<run>.g<commit7>` (see versions.ts). */
  version?: string
  /** Default: the service's `artifacts.formats`. `oci` is built by the image stage. */
  formats?: readonly PackageFormat[]
  /** Absolute artifacts folder: files land in `<outDir>/<service>/<version>/`. */
  outDir: string
  git: Git
  exec: Exec
  logger: Logger
  cache?: ArtifactCache
  /** Commit to build (default HEAD). */
  commit?: string
  /** CI run number for the default version (GITHUB_RUN_NUMBER). */
  runNumber?: number
  /** Default: the commit time. */
  sourceDateEpoch?: number
  /** Package credential-looking files even when the service does not opt in. */
  includeCredentials?: boolean
  gzip?: GzipOptions
  onProgress?: (progress: BuildProgress) => void
  /** Registry prefix for image tags (default `images.registry` of shipline.yml). */
  registry?: string
  /** Push the image (when `oci` is built) with these connection settings. */
  push?: RegistryConnectionOptions
  /** Where base images are cached for `oci` (default `<outDir>/.image-cache`). */
  imageCacheDir?: string
  /** Where artifact bytes go (tests simulate a full disk). */
  sink?: SinkFactory
  signal?: AbortSignal
}

export interface BuildServiceResult {
  record: BuildRecord
  /** Path of artifact.json. */
  recordPath: string
  cacheHit: boolean
  /** Credential-looking files left out of the packages (source-relative). */
  excludedCredentials: string[]
}

/** The formats this stage writes itself. */
export const PACKAGE_FORMATS: readonly PackageFormat[] = ['deb', 'rpm', 'tgz']

export function cacheKeyFor(service: string, contentKey: string): string {
  return `shipline-artifact-${service}-${contentKey}`
}

export async function buildService(input: BuildServiceInput): Promise<BuildServiceResult> {
  const { manifest, logger } = input
  const service = typeof input.service === 'string' ? findService(manifest, input.service) : input.service
  const where: SourceLocation = {
    file: service.origin.file,
    line: service.origin.line,
    column: service.origin.column
  }
  const requested = input.formats ?? service.artifacts.formats
  const formats = checkFormats(requested, where)
  const wantsImage = requested.includes('oci')
  const commit = await input.git.revParse(input.commit ?? 'HEAD')
  const sourceDateEpoch = input.sourceDateEpoch ?? (await input.git.commitTime(commit))
  if (input.version !== undefined) packageVersions(input.version)
  const includeCredentials = service.build.includeCredentials || input.includeCredentials === true
  const key = await computeContentKey({
    manifest,
    service,
    git: input.git,
    commit,
    formats,
    ...(input.version !== undefined ? { version: input.version } : {}),
    ...(input.sourceDateEpoch !== undefined ? { sourceDateEpoch: input.sourceDateEpoch } : {}),
    includeCredentials
  })
  const serviceDir = path.join(input.outDir, service.name)
  const cacheKey = cacheKeyFor(service.name, key.hash)
  const dirty = await uncommittedChanges(
    input.git,
    Object.keys(key.material.objects as Record<string, string>)
  )
  if (dirty) logger.info(`${service.name}: uncommitted changes in its paths; the artifact cache is not used`)
  const useCache = input.cache && !dirty ? input.cache : undefined

  if (useCache) {
    const restored = await restoreFromCache(useCache, cacheKey, serviceDir, key.hash, logger)
    if (restored) {
      if (input.push && restored.record.image) {
        restored.record.image = await publishBuildImage(restored.record, undefined, input.push)
      }
      return { ...restored, cacheHit: true, excludedCredentials: [] }
    }
  }

  const version =
    input.version ?? defaultVersion({ serviceVersion: service.version, runNumber: input.runNumber, commit })
  const versions = packageVersions(version)
  const dir = versionDir(input.outDir, service.name, version)
  await mkdir(dir, { recursive: true })
  await rm(path.join(dir, BUILD_RECORD_FILE), { force: true })

  await runBuildCommand({
    service,
    root: manifest.root,
    version,
    sourceDateEpoch,
    exec: input.exec,
    logger,
    ...(input.signal ? { signal: input.signal } : {})
  })
  const scripts = await readScripts(manifest.root, service, where)
  const meta = packageMetadata({ service, versions, commit, sourceDateEpoch, scripts })
  const output = checkedOutput(service, where)
  const tree = await stageTree({
    sourceDir: path.join(manifest.root, service.path, output),
    displayDir: path.posix.join(service.path, output),
    installDir: service.artifacts.installDir,
    mtime: sourceDateEpoch,
    exclude: service.build.exclude,
    includeCredentials,
    extra: packageDocEntries(
      meta,
      service.artifacts.installDir,
      service.artifacts.systemd ? service.run : undefined
    ),
    location: where
  })
  if (tree.excludedCredentials.length > 0) {
    logger.warning(
      `${service.name}: left out credential-looking files ${tree.excludedCredentials.join(', ')} ` +
        '(set build.include_credentials: true to package them)',
      where
    )
  }

  const names = artifactFileNames(meta)
  const tarTotal = tarSize(tree.entries, { mtime: sourceDateEpoch, rootEntry: true })
  const files: ArtifactFile[] = []
  for (const format of formats) {
    const total = format === 'rpm' ? cpioSize(rpmOwnedEntries(tree, meta)) : tarTotal
    const onProgress = input.onProgress
      ? (bytes: number) => input.onProgress?.({ format, bytes, total })
      : undefined
    const options = {
      ...(input.gzip ? { gzip: input.gzip } : {}),
      ...(onProgress ? { onProgress } : {}),
      ...(input.sink ? { sink: input.sink } : {})
    }
    const file = path.join(dir, names[format as 'deb' | 'rpm' | 'tgz'])
    const digest =
      format === 'deb'
        ? await writeDeb(tree, meta, file, options)
        : format === 'rpm'
          ? await writeRpm(tree, meta, file, options)
          : (await writeTgz(tree, file, options)).stored
    files.push({ format, path: file, sha256: digest.sha256, size: digest.size })
    logger.info(
      `${service.name}: wrote ${path.basename(file)} (${digest.size} bytes, sha256 ${digest.sha256})`
    )
  }
  const record: BuildRecord = {
    service: service.name,
    version,
    commit,
    sourceDateEpoch,
    contentKey: key.hash,
    files
  }
  if (wantsImage) {
    // The OCI image is the image stage's work (oci/service-image.ts); it takes the same staged tree.
    const image = await buildServiceImage({
      manifest,
      service,
      tree,
      // An OCI tag cannot hold "+": `1.0.0+b456.g3f2a1bc` is tagged `1.0.0_b456.g3f2a1bc`.
      version: imageTag(version),
      sourceDateEpoch,
      layoutDir: path.join(dir, 'oci'),
      commit,
      cacheDir: input.imageCacheDir ?? path.join(input.outDir, '.image-cache'),
      ...(input.registry ? { registry: input.registry } : {}),
      logger
    })
    files.push({
      format: 'oci',
      path: image.layoutDir,
      sha256: image.digest.replace(/^sha256:/, ''),
      size: image.layer.size
    })
    record.image = {
      // Not pushed yet: the layout is where the image is; pushing is the image stage's step.
      reference: image.layoutDir,
      digest: image.digest,
      tags: image.references,
      ...(image.base ? { baseDigest: image.base.digest } : {})
    }
    if (input.push) record.image = await publishBuildImage(record, image, input.push)
  }
  const recordPath = await writeBuildRecord(dir, record)
  if (useCache) await saveToCache(useCache, cacheKey, serviceDir, logger)
  return { record, recordPath, cacheHit: false, excludedCredentials: tree.excludedCredentials }
}

function writeTgz(
  tree: FileTree,
  file: string,
  options: { gzip?: GzipOptions; onProgress?: (bytes: number) => void; sink?: SinkFactory }
) {
  return writeTreeArchive(tree.entries, file, {
    tar: { mtime: tree.mtime, rootEntry: true },
    gzip: options.gzip ?? {},
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.sink ? { sink: options.sink } : {})
  })
}

function checkFormats(formats: readonly PackageFormat[], where: SourceLocation): PackageFormat[] {
  const unique = [...new Set(formats)]
  const unknown = unique.filter((f) => !PACKAGE_FORMATS.includes(f) && f !== 'oci')
  if (unknown.length > 0 || unique.length === 0) {
    throw new ConfigError(
      `unknown artifact format ${unknown.join(', ') || '(none)'}`,
      { ...where, keyPath: 'artifacts.formats' },
      'choose from deb, rpm, tgz and oci'
    )
  }
  return PACKAGE_FORMATS.filter((f) => unique.includes(f))
}

function checkedOutput(service: Service, where: SourceLocation): string {
  if (!staysInside(service.build.output)) {
    throw new ConfigError(
      `build.output "${service.build.output}" points outside the service folder`,
      { ...where, keyPath: 'build.output' },
      'give a folder relative to the service folder, without ".." and not absolute (e.g. dist)'
    )
  }
  return service.build.output
}

async function readScripts(
  root: string,
  service: Service,
  where: SourceLocation
): Promise<Partial<Record<ScriptName, string>>> {
  const scripts: Partial<Record<ScriptName, string>> = {}
  for (const name of SCRIPT_NAMES) {
    const rel = service.artifacts.scripts[name]
    if (rel === undefined) continue
    const keyPath = `artifacts.scripts.${name}`
    if (!staysInside(rel)) {
      throw new ConfigError(
        `${keyPath} "${rel}" points outside the service folder`,
        { ...where, keyPath },
        'give a path relative to the service folder, without ".." and not absolute'
      )
    }
    let text: string
    try {
      text = await readFile(path.join(root, service.path, rel), 'utf8')
    } catch {
      throw new ConfigError(
        `${keyPath}: ${service.path}/${rel} cannot be read`,
        { ...where, keyPath },
        'create the script or fix the path'
      )
    }
    if (!text.startsWith('#!')) {
      throw new ConfigError(
        `${keyPath}: ${service.path}/${rel} does not start with "#!"`,
        { ...where, keyPath },
        'start the script with "#!/bin/sh" and "set -e"'
      )
    }
    scripts[name] = text
  }
  return scripts
}

async function uncommittedChanges(git: Git, paths: string[]): Promise<boolean> {
  try {
    const status = await git.run(['status', '--porcelain', '--untracked-files=all', '--', ...paths])
    return status.trim() !== ''
  } catch {
    return true
  }
}

async function restoreFromCache(
  cache: ArtifactCache,
  key: string,
  serviceDir: string,
  contentKey: string,
  logger: Logger
): Promise<{ record: BuildRecord; recordPath: string } | undefined> {
  try {
    if (!(await cache.restore(key, serviceDir))) {
      logger.info(`cache miss for ${key} (${cache.description})`)
      return undefined
    }
    const found = await findRecordByKey(serviceDir, contentKey)
    if (!found) {
      logger.warning(`cache entry ${key} holds no build record for this content; building`)
      return undefined
    }
    const { record, bad } = await relocateAndVerify(found.dir, found.record)
    if (bad.length > 0) {
      logger.warning(`cache entry ${key} does not match its record (${bad.join(', ')}); building instead`)
      return undefined
    }
    const recordPath = await writeBuildRecord(found.dir, record)
    logger.info(`cache hit for ${key}: reusing ${record.service} ${record.version}, build skipped`)
    return { record, recordPath }
  } catch (error) {
    logger.warning(`artifact cache unavailable (${cache.description}): ${(error as Error).message}; building`)
    return undefined
  }
}

async function saveToCache(
  cache: ArtifactCache,
  key: string,
  serviceDir: string,
  logger: Logger
): Promise<void> {
  try {
    if (await cache.save(key, serviceDir)) logger.info(`saved ${key} to the ${cache.description}`)
    else logger.info(`cache entry ${key} already exists; kept`)
  } catch (error) {
    logger.warning(`could not save ${key} to the ${cache.description}: ${(error as Error).message}`)
  }
}

/** The image tag for a build version: `+` (semver build metadata) is not allowed in tags. */
export function imageTag(version: string): string {
  return version.replace(/\+/g, '_')
}
