import { findEnvironment, findService } from '../../core/manifest/load-manifest.js'
import { loadManifestForAction, resolveWorkingDirectory } from '../common/workspace.js'
import { getInputs } from './inputs.js'

export async function run(): Promise<void> {
  const inputs = getInputs()
  const manifest = loadManifestForAction(resolveWorkingDirectory(inputs.workingDirectory))
  findService(manifest, inputs.service)
  findEnvironment(manifest, inputs.environment)
  throw new Error('configuration resolution is not implemented yet')
}
