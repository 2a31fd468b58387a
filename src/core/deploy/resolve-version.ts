/**
 * `version` -> a concrete, verified artifact.
 *
 *   <build version>   `<artifacts-dir>/<service>/<version>/artifact.json` (a BuildRecord); its .tar.gz is
 *                     checked against the recorded sha256 before anything is installed.
 *   sha256:<hex>      the build whose archive or image has that digest.
 *   latest            the newest build of this service in the artifacts folder (highest
 *                     sourceDateEpoch, then version).
 *   local             the service's build output folder in the working tree, as it is now; its version
 *                     is `local-<first 12 hex of the tree digest>`, so deploying an unchanged tree twice
 *                     is a no-op.
 *
 * A record of another service is refused, whichever way it was named.
 */
import { createHash } from 'node:crypto'
import { createReadStream, existsSync, lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs'
import path from 'node:path'
import { BUILD_RECORD_FILE, type BuildRecord } from '../artifacts/model.js'
import { ConfigError, OperationError } from '../errors.js'
import type { Service } from '../manifest/types.js'
import type { ResolvedArtifact } from './model.js'

const VERSION_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._+~-]{0,127}$/
const DIGEST_PATTERN = /^sha256:[0-9a-f]{64}$/

export interface VersionContext {
  service: Service
  /** Absolute repository root (for `local`). */
  repo: string
  artifactsDir: string
  /** Whether the provider installs archives (local, ssh) or only needs the version and digest (command). */
  needsArchive: boolean
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

/** Digest of a folder: every entry's path, kind and content, in byte order. */
export function sha256Tree(root: string): string {
  const hash = createHash('sha256')
  const walk = (dir: string, prefix: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name)
      const rel = prefix ? `${prefix}/${name}` : name
      const stat = lstatSync(full)
      if (stat.isSymbolicLink()) hash.update(`l ${rel} ${readlinkSync(full)}\0`)
      else if (stat.isDirectory()) {
        hash.update(`d ${rel}\0`)
        walk(full, rel)
      } else {
        hash.update(`f ${rel} ${stat.mode & 0o111 ? 'x' : '-'}\0`)
        hash.update(readFileSync(full))
        hash.update('\0')
      }
    }
  }
  walk(root, '')
  return hash.digest('hex')
}

function readRecord(file: string): BuildRecord {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as BuildRecord
  } catch (error) {
    throw new OperationError(`the build record ${file} is not readable JSON: ${(error as Error).message}`)
  }
}

/** Every build record under the artifacts folder, for any service (used for digests and mix-ups). */
function allRecords(artifactsDir: string): { file: string; record: BuildRecord }[] {
  const found: { file: string; record: BuildRecord }[] = []
  if (!existsSync(artifactsDir)) return found
  for (const service of readdirSync(artifactsDir).sort()) {
    const serviceDir = path.join(artifactsDir, service)
    if (!lstatSync(serviceDir).isDirectory()) continue
    for (const version of readdirSync(serviceDir).sort()) {
      const file = path.join(serviceDir, version, BUILD_RECORD_FILE)
      if (existsSync(file)) found.push({ file, record: readRecord(file) })
    }
  }
  return found
}

function notBuilt(context: VersionContext, version: string, known: string[]): ConfigError {
  return new ConfigError(
    `no build of ${context.service.name} with version "${version}" in ${context.artifactsDir}`,
    { keyPath: 'version' },
    known.length
      ? `use one of: ${known.slice(-10).join(', ')}, latest or local`
      : `build it first (shipline build artifact=${context.service.name}), or deploy version=local`
  )
}

async function fromRecord(
  context: VersionContext,
  file: string,
  record: BuildRecord
): Promise<ResolvedArtifact> {
  const service = context.service.name
  if (record.service !== service) {
    throw new ConfigError(
      `version "${record.version}" is an artifact of service "${record.service}", not "${service}"`,
      { file, keyPath: 'service' },
      `deploy it as artifact=${record.service}, or pick a version of ${service}`
    )
  }
  const tarball = record.files.find((f) => f.format === 'tgz')
  const image = record.image?.digest
  if (!tarball && !context.needsArchive && image) {
    // The command provider can deploy an image alone.
    return {
      service,
      version: record.version,
      digest: image,
      source: { kind: 'folder', path: '' },
      image,
      recordFile: file
    }
  }
  if (!tarball) {
    throw new ConfigError(
      `build ${record.version} of ${service} has no .tar.gz archive to install`,
      { file },
      `add tgz to artifacts.formats in ${context.service.path}/service.yml and build again`
    )
  }
  const archive = path.isAbsolute(tarball.path) ? tarball.path : path.join(path.dirname(file), tarball.path)
  if (!existsSync(archive)) throw new OperationError(`the archive ${archive} named by ${file} is missing`)
  const actual = await sha256File(archive)
  if (actual !== tarball.sha256) {
    throw new OperationError(
      `the archive ${archive} does not match its build record (sha256 ${actual.slice(0, 12)}..., recorded ${tarball.sha256.slice(0, 12)}...); refusing to deploy it`
    )
  }
  // Archives name their entries `./opt/<service>/...`, as dpkg-deb does.
  const member = `./${context.service.artifacts.installDir.replace(/^\/+/, '')}`
  return {
    service,
    version: record.version,
    digest: `sha256:${actual}`,
    source: { kind: 'tarball', path: archive, member },
    ...(image ? { image } : {}),
    recordFile: file
  }
}

export async function resolveVersion(context: VersionContext, version: string): Promise<ResolvedArtifact> {
  const service = context.service
  if (version === 'local') {
    const folder = path.join(context.repo, service.path, service.build.output)
    if (!existsSync(folder)) {
      throw new ConfigError(
        `version=local deploys ${service.path}/${service.build.output}, which does not exist`,
        { file: `${service.path}/service.yml`, keyPath: 'build.output' },
        `run the service's build first (shipline build artifact=${service.name})`
      )
    }
    const digest = sha256Tree(folder)
    return {
      service: service.name,
      version: `local-${digest.slice(0, 12)}`,
      digest: `sha256:${digest}`,
      source: { kind: 'folder', path: folder }
    }
  }
  const ownDir = path.join(context.artifactsDir, service.name)
  const own = () =>
    existsSync(ownDir)
      ? readdirSync(ownDir)
          .sort()
          .filter((v) => existsSync(path.join(ownDir, v, BUILD_RECORD_FILE)))
      : []
  if (version === 'latest') {
    const records = own().map((v) => ({
      file: path.join(ownDir, v, BUILD_RECORD_FILE),
      record: readRecord(path.join(ownDir, v, BUILD_RECORD_FILE))
    }))
    records.sort(
      (a, b) =>
        a.record.sourceDateEpoch - b.record.sourceDateEpoch ||
        a.record.version.localeCompare(b.record.version)
    )
    const newest = records.at(-1)
    if (!newest) throw notBuilt(context, 'latest', [])
    return fromRecord(context, newest.file, newest.record)
  }
  if (DIGEST_PATTERN.test(version)) {
    const hex = version.slice('sha256:'.length)
    const match = allRecords(context.artifactsDir).find(
      ({ record }) => record.files.some((f) => f.sha256 === hex) || record.image?.digest === version
    )
    if (!match) throw notBuilt(context, version, own())
    return fromRecord(context, match.file, match.record)
  }
  if (!VERSION_PATTERN.test(version)) {
    throw new ConfigError(
      `"${version.length > 64 ? version.slice(0, 61) + '...' : version}" is not a version`,
      { keyPath: 'version' },
      'give a build version (letters, digits, ".", "_", "+", "~", "-"), a sha256: digest, latest or local'
    )
  }
  const file = path.join(ownDir, version, BUILD_RECORD_FILE)
  if (existsSync(file)) return fromRecord(context, file, readRecord(file))
  const elsewhere = allRecords(context.artifactsDir).find(({ record }) => record.version === version)
  if (elsewhere) return fromRecord(context, elsewhere.file, elsewhere.record)
  throw notBuilt(context, version, own())
}
