import path from 'node:path'
import { ConfigError } from '../../core/errors.js'
import { loadManifest } from '../../core/manifest/load-manifest.js'
import { staysInside } from '../../core/manifest/path-safety.js'
import type { Manifest } from '../../core/manifest/types.js'
import { InputError } from './inputs.js'

/** The runner's workspace (the checked-out repository). */
export function workspaceRoot(): string {
  return process.env.GITHUB_WORKSPACE ?? process.cwd()
}

/** Resolves the `working-directory` input, which must stay inside the workspace. */
export function resolveWorkingDirectory(input: string): string {
  if (!staysInside(input)) {
    throw new InputError(
      'working-directory',
      `"${input}" points outside the workspace`,
      'give a folder relative to the repository root'
    )
  }
  return path.resolve(workspaceRoot(), input)
}

/**
 * Loads the manifest for an action; error locations are made relative to the workspace so the
 * annotations land on the right file in the pull request.
 */
export function loadManifestForAction(root: string): Manifest {
  try {
    return loadManifest(root)
  } catch (error) {
    if (error instanceof ConfigError)
      throw error.relocated(path.relative(workspaceRoot(), root).split(path.sep).join('/'))
    throw error
  }
}
