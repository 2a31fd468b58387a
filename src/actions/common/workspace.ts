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
    throw relativeToWorkspace(error, root)
  }
}

/** The manifest root relative to the workspace, with `/`: the prefix of annotation file paths. */
export function workspacePrefix(root: string): string {
  return path.relative(workspaceRoot(), root).split(path.sep).join('/')
}

/** A user mistake found under `root`, its file made relative to the workspace; any other error as it is. */
export function relativeToWorkspace(error: unknown, root: string): unknown {
  return error instanceof ConfigError ? error.relocated(workspacePrefix(root)) : error
}
