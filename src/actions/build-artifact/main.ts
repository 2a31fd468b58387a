import { findService } from '../../core/manifest/load-manifest.js'
import { loadManifestForAction, resolveWorkingDirectory } from '../common/workspace.js'
import { getInputs } from './inputs.js'

export async function run(): Promise<void> {
  const inputs = getInputs()
  const manifest = loadManifestForAction(resolveWorkingDirectory(inputs.workingDirectory))
  findService(manifest, inputs.service)
  throw new Error('packaging is not implemented yet')
}
