import { findEnvironment, findService } from '../../core/manifest/load-manifest.js'
import { loadManifestForAction, resolveWorkingDirectory } from '../common/workspace.js'
import { getInputs } from './inputs.js'

export async function run(): Promise<void> {
  const inputs = getInputs()
  const manifest = loadManifestForAction(resolveWorkingDirectory(inputs.workingDirectory))
  findService(manifest, inputs.artifact)
  findEnvironment(manifest, inputs.environment)
  throw new Error('deploy is not implemented yet')
}

/** The post step: releases the deploy lock if main was interrupted. */
export async function post(): Promise<void> {}
