/**
 * The artifact cache behind one interface: GitHub's cache service in the actions (@actions/cache,
 * loaded only when used so the CLI bundle does not carry it), a local folder for the CLI and
 * tests. Both are immutable per key, like GitHub's: saving an existing key keeps the old entry.
 *
 * Implementations throw on failure; the caller (core/artifacts/build-service.ts) turns any
 * failure into a warning and a miss, never a failed build.
 */
import { cp, mkdir, rename, rm, stat } from 'node:fs/promises'
import path from 'node:path'

export interface ArtifactCache {
  /** A name for logs (`GitHub Actions cache`, `local cache /path`). */
  readonly description: string
  /** Restores the entry saved under `key` into `folder`; false on a miss. */
  restore(key: string, folder: string): Promise<boolean>
  /** Saves `folder` under `key`; false when the entry already existed (or the service refused). */
  save(key: string, folder: string): Promise<boolean>
}

export class CacheKeyError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'CacheKeyError'
  }
}

/** GitHub's rules: at most 512 characters, no commas. Checked before any call is made. */
export function validateCacheKey(key: string): string {
  if (key.length === 0 || key.length > 512)
    throw new CacheKeyError(`cache key has ${key.length} characters (1..512)`)
  if (key.includes(',')) throw new CacheKeyError(`cache key "${key}" contains a comma`)
  return key
}

/** A folder of entries `<root>/<key>/`, written through a temporary name and renamed. */
export class LocalFolderCache implements ArtifactCache {
  readonly description: string

  constructor(readonly root: string) {
    this.description = `local cache ${root}`
  }

  private entry(key: string): string {
    validateCacheKey(key)
    if (!/^[A-Za-z0-9._-]+$/.test(key))
      throw new CacheKeyError(`cache key "${key}" is not a safe folder name`)
    return path.join(this.root, key)
  }

  async restore(key: string, folder: string): Promise<boolean> {
    const entry = this.entry(key)
    if (!(await exists(entry))) return false
    await mkdir(folder, { recursive: true })
    await cp(entry, folder, { recursive: true, force: true, verbatimSymlinks: true })
    return true
  }

  async save(key: string, folder: string): Promise<boolean> {
    const entry = this.entry(key)
    if (await exists(entry)) return false
    const partial = path.join(this.root, `.${key}.${process.pid}.partial`)
    await mkdir(this.root, { recursive: true })
    try {
      await cp(folder, partial, { recursive: true, verbatimSymlinks: true })
      await rename(partial, entry)
    } catch (error) {
      await rm(partial, { recursive: true, force: true })
      if (await exists(entry)) return false
      throw error
    }
    return true
  }
}

/** GitHub's cache service, through @actions/cache (ESM-only, imported on first use). */
export class ActionsArtifactCache implements ArtifactCache {
  readonly description = 'GitHub Actions cache'

  async restore(key: string, folder: string): Promise<boolean> {
    validateCacheKey(key)
    const cache = await import('@actions/cache')
    if (!cache.isFeatureAvailable()) return false
    return (await cache.restoreCache([folder], key)) === key
  }

  async save(key: string, folder: string): Promise<boolean> {
    validateCacheKey(key)
    const cache = await import('@actions/cache')
    if (!cache.isFeatureAvailable()) return false
    try {
      return (await cache.saveCache([folder], key)) !== -1
    } catch (error) {
      if (error instanceof cache.ReserveCacheError) return false
      throw error
    }
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p)
    return true
  } catch {
    return false
  }
}
