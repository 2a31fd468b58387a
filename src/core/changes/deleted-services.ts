import { existsSync } from 'node:fs'
import path from 'node:path'
import type { Git } from '../../platform/git.js'
import type { Logger } from '../../platform/logger.js'
import { SERVICE_FILE } from '../manifest/load-manifest.js'
import type { Manifest } from '../manifest/types.js'
import { parseYaml } from '../manifest/yaml-file.js'

export interface DeletedService {
  name: string
  path: string
}

export interface DeletionClues {
  /** Folders (manifest-relative) whose service.yml the diff deleted. */
  removedServiceFiles: string[]
  /** True when the diff touched the manifest itself (inline definitions may have gone). */
  manifestChanged: boolean
}

/**
 * Services that existed at the base and are gone at the head: their folder was removed (the
 * service.yml is among the deleted files), their inline definition left shipline.yml, or the
 * manifest still names a folder that no longer exists. They are reported for teardown, never built.
 * Base versions are read with `git show <base>:<file>`; a file that cannot be read is skipped with
 * a debug note (it only costs the teardown hint, never a wrong build).
 */
export async function findDeletedServices(
  git: Git,
  manifest: Manifest,
  base: string,
  prefix: string,
  clues: DeletionClues,
  logger: Logger
): Promise<DeletedService[]> {
  const current = new Set(manifest.services.map((s) => s.name))
  const found = new Map<string, DeletedService>()
  for (const s of manifest.services) {
    if (!existsSync(path.join(manifest.root, s.path))) found.set(s.name, { name: s.name, path: s.path })
  }
  const readAtBase = async (file: string): Promise<unknown> => {
    try {
      const text = await git.run(['show', '--end-of-options', `${base}:${prefix}${file}`])
      return parseYaml(text, `${file} (at ${base.slice(0, 12)})`).value
    } catch (error) {
      logger.debug(`could not read ${file} at ${base}: ${String(error)}`)
      return undefined
    }
  }
  for (const folder of clues.removedServiceFiles) {
    const value = (await readAtBase(`${folder}/${SERVICE_FILE}`)) as { name?: unknown } | undefined
    const name = typeof value?.name === 'string' ? value.name : undefined
    if (name && !current.has(name)) found.set(name, { name, path: folder })
  }
  if (clues.manifestChanged) {
    const value = (await readAtBase(manifest.file)) as { services?: unknown } | undefined
    const services = value?.services
    if (services && typeof services === 'object') {
      for (const [name, spec] of Object.entries(services as Record<string, { path?: unknown }>)) {
        if (!current.has(name) && typeof spec?.path === 'string') {
          found.set(name, { name, path: spec.path.replace(/^\.\//, '').replace(/\/+$/, '') })
        }
      }
    }
  }
  return [...found.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}
