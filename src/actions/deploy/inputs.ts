import { booleanInput, durationInput, integerInput, requiredInput, stringInput } from '../common/inputs.js'
import { InputError } from '../common/inputs.js'

/** The names declared in actions/deploy/action.yml, in the same order. */
export const inputNames = [
  'working-directory',
  'artifact',
  'service',
  'environment',
  'version',
  'artifacts-dir',
  'dry-run',
  'max-parallel',
  'lock-timeout',
  'token'
] as const

export interface Inputs {
  workingDirectory: string
  /** The service whose artifact is deployed (`artifact` or its alias `service`). */
  artifact: string
  environment: string
  version: string
  artifactsDir?: string
  dryRun: boolean
  maxParallel?: number
  lockTimeoutMs?: number
  token?: string
}

export function getInputs(): Inputs {
  const artifact = stringInput('artifact', { maxLength: 63 })
  const service = stringInput('service', { maxLength: 63 })
  if (artifact && service && artifact !== service) {
    throw new InputError(
      'service',
      `("${service}") disagrees with input "artifact" ("${artifact}")`,
      'set only one of them'
    )
  }
  const name = artifact ?? service
  if (!name)
    throw new InputError('artifact', 'is required but empty', 'set "artifact:" (or "service:") under "with:"')
  return {
    workingDirectory: stringInput('working-directory') ?? '.',
    artifact: name,
    environment: requiredInput('environment', { maxLength: 1024 }),
    version: requiredInput('version', { maxLength: 256 }),
    artifactsDir: stringInput('artifacts-dir'),
    dryRun: booleanInput('dry-run', false),
    maxParallel: stringInput('max-parallel')
      ? integerInput('max-parallel', 1, { min: 1, max: 256 })
      : undefined,
    lockTimeoutMs: stringInput('lock-timeout') ? durationInput('lock-timeout', '5m') : undefined,
    token: stringInput('token')
  }
}
