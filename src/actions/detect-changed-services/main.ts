import { loadManifestForAction, resolveWorkingDirectory } from '../common/workspace.js'
import { getInputs } from './inputs.js'

export async function run(): Promise<void> {
  const inputs = getInputs()
  loadManifestForAction(resolveWorkingDirectory(inputs.workingDirectory))
  throw new Error('change detection is not implemented yet')
}
