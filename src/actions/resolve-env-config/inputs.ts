import { booleanInput, choiceInput, requiredInput, stringInput } from '../common/inputs.js'

/** The names declared in actions/resolve-env-config/action.yml, in the same order. */
export const inputNames = [
  'working-directory',
  'service',
  'environment',
  'overrides',
  'format',
  'dry-run'
] as const

export interface Inputs {
  workingDirectory: string
  service: string
  environment: string
  /** `key=value` lines; commas are part of values here, so lines are the only separator. */
  overrides: string[]
  format: 'dotenv' | 'json' | 'yaml'
  dryRun: boolean
}

export function getInputs(): Inputs {
  return {
    workingDirectory: stringInput('working-directory') ?? '.',
    service: requiredInput('service', { maxLength: 63 }),
    environment: requiredInput('environment', { maxLength: 1024 }),
    overrides: (stringInput('overrides', { maxLength: 65536 }) ?? '')
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter(Boolean),
    format: choiceInput('format', ['dotenv', 'json', 'yaml'] as const, 'dotenv'),
    dryRun: booleanInput('dry-run', false)
  }
}
