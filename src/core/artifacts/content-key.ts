/**
 * The content key of a service build: what must be equal for two builds to give the same
 * artifacts. It hashes the git tree (or blob) of every path the service owns, of every service
 * and shared folder it depends on (transitively), of the global paths that rebuild everything,
 * and the build spec itself. A commit that touches none of them keeps the key: no rebuild.
 */
import { createHash } from 'node:crypto'
import type { Git } from '../../platform/git.js'
import type { Manifest, Service } from '../manifest/types.js'
import { canonicalJson } from '../canonical-json.js'
import type { PackageFormat } from './model.js'

/** Bumped whenever the writers change the bytes they produce, so old cache entries stop matching. */
export const PACKAGING_FORMAT_VERSION = 2

/** `services/catalog/**` -> `services/catalog`; `libs/*.mjs` -> `libs`; `.node-version` stays. */
export function staticBase(pattern: string): string {
  const parts = pattern.replace(/^!/, '').split('/')
  const fixed: string[] = []
  for (const part of parts) {
    if (/[*?[\]{}()!+@]/.test(part)) break
    fixed.push(part)
  }
  return fixed.join('/') || '.'
}

/** The service, then every service and shared folder it depends on, transitively (sorted). */
export function dependencyClosure(manifest: Manifest, service: Service): { name: string; paths: string[] }[] {
  const byName = new Map<string, { name: string; paths: string[]; dependsOn: string[] }>()
  for (const s of manifest.services)
    byName.set(s.name, { name: s.name, paths: s.paths, dependsOn: s.dependsOn })
  for (const f of manifest.shared)
    byName.set(f.name, { name: f.name, paths: [`${f.path}/**`], dependsOn: f.dependsOn })
  const seen = new Set<string>()
  const visit = (name: string): void => {
    if (seen.has(name)) return
    seen.add(name)
    for (const dep of byName.get(name)?.dependsOn ?? []) visit(dep)
  }
  visit(service.name)
  return [...seen].sort().map((name) => {
    const node = byName.get(name)
    return { name, paths: node ? node.paths : [] }
  })
}

export interface ContentKeyInput {
  manifest: Manifest
  service: Service
  git: Git
  commit: string
  formats: readonly PackageFormat[]
  /** An explicit version becomes part of the key (it is written into the packages). */
  version?: string
  /** An explicit SOURCE_DATE_EPOCH becomes part of the key too. */
  sourceDateEpoch?: number
  includeCredentials: boolean
}

export interface ContentKey {
  /** Hex sha256 of the key material. */
  hash: string
  /** What was hashed: path -> git object id (or `missing`), and the spec (for debugging a miss). */
  material: Record<string, unknown>
}

export async function computeContentKey(input: ContentKeyInput): Promise<ContentKey> {
  const { manifest, service } = input
  const bases = new Set<string>(manifest.global.map(staticBase))
  for (const node of dependencyClosure(manifest, service))
    for (const p of node.paths) bases.add(staticBase(p))
  const objects: Record<string, string> = {}
  for (const base of [...bases].sort()) objects[base] = await objectId(input.git, input.commit, base)
  const material = {
    packaging: PACKAGING_FORMAT_VERSION,
    // The packages' deflate bytes are zlib's: a cache hit must give what a fresh build here would.
    zlib: process.versions.zlib,
    service: service.name,
    objects,
    build: { ...service.build, includeCredentials: input.includeCredentials },
    package: {
      description: service.description,
      version: service.version,
      maintainer: service.maintainer,
      homepage: service.homepage,
      license: service.license,
      artifacts: service.artifacts,
      run: service.run,
      formats: [...input.formats].sort()
    },
    explicitVersion: input.version,
    explicitSourceDateEpoch: input.sourceDateEpoch
  }
  return { hash: createHash('sha256').update(canonicalJson(material)).digest('hex'), material }
}

async function objectId(git: Git, commit: string, base: string): Promise<string> {
  const spec = base === '.' ? `${commit}^{tree}` : `${commit}:${base}`
  try {
    return (await git.run(['rev-parse', '--verify', '--quiet', '--end-of-options', spec])).trim()
  } catch {
    return 'missing'
  }
}
