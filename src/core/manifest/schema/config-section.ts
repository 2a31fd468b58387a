import { relativePath } from './common.js'

/** `config:` in shipline.yml and service.yml: where per-environment configuration lives. */
export interface ConfigSpec {
  /** Folder holding `defaults.yml` and `<environment>.yml`, relative to the repository (or service) folder. */
  dir: string
  /** JSON Schema file for the effective configuration (service level), relative to the service folder. */
  schema?: string
}

export const configSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    dir: relativePath,
    schema: relativePath
  }
} as const
