import { booleanInput, listInput, requiredInput, stringInput } from '../common/inputs.js'

/** The names declared in actions/build-artifact/action.yml, in the same order. */
export const inputNames = [
  'working-directory',
  'service',
  'version',
  'formats',
  'output-dir',
  'cache',
  'include-credentials',
  'push',
  'registry',
  'registry-username',
  'registry-password'
] as const

export interface Inputs {
  workingDirectory: string
  service: string
  version?: string
  formats: string[]
  outputDir?: string
  cache: boolean
  includeCredentials: boolean
  push: boolean
  registry?: string
  registryUsername?: string
  registryPassword?: string
}

export function getInputs(): Inputs {
  return {
    workingDirectory: stringInput('working-directory') ?? '.',
    service: requiredInput('service', { maxLength: 63 }),
    version: stringInput('version', { maxLength: 128 }),
    formats: listInput('formats'),
    outputDir: stringInput('output-dir'),
    cache: booleanInput('cache', true),
    includeCredentials: booleanInput('include-credentials', false),
    push: booleanInput('push', false),
    registry: stringInput('registry'),
    registryUsername: stringInput('registry-username'),
    registryPassword: stringInput('registry-password')
  }
}
