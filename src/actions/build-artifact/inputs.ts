import type { PackageFormat } from '../../core/artifacts/model.js'
import { packageVersions } from '../../core/artifacts/versions.js'
import { ConfigError } from '../../core/errors.js'
import { booleanInput, InputError, listInput, requiredInput, stringInput } from '../common/inputs.js'

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
  formats: PackageFormat[]
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
    version: versionInput('version'),
    formats: formatsInput('formats'),
    outputDir: stringInput('output-dir'),
    cache: booleanInput('cache', true),
    includeCredentials: booleanInput('include-credentials', false),
    push: booleanInput('push', false),
    registry: stringInput('registry'),
    registryUsername: stringInput('registry-username'),
    registryPassword: stringInput('registry-password')
  }
}

const FORMATS: readonly PackageFormat[] = ['deb', 'rpm', 'tgz', 'oci']

function formatsInput(name: string): PackageFormat[] {
  const list = listInput(name).map((f) => f.toLowerCase())
  const unknown = list.filter((f) => !(FORMATS as readonly string[]).includes(f))
  if (unknown.length > 0) {
    throw new InputError(
      name,
      `has unknown format ${unknown.join(', ')}`,
      'choose from deb, rpm, tgz and oci'
    )
  }
  return list as PackageFormat[]
}

function versionInput(name: string): string | undefined {
  const version = stringInput(name, { maxLength: 128 })
  if (version === undefined) return undefined
  try {
    packageVersions(version)
  } catch (error) {
    if (error instanceof ConfigError)
      throw new InputError(name, error.message.replace(/^version /, ''), error.hint)
    throw error
  }
  return version
}
