import { argv, relativePath, stringMap } from './common.js'

/** `build:` in service.yml: how a service turns its sources into the tree that gets packaged. */
export interface BuildSpec {
  /** argv run in the service folder; absent means the folder is packaged as it is. */
  command?: string[]
  /** Folder (relative to the service folder) whose contents are packaged; default: the service folder. */
  output: string
  env: Record<string, string>
  /** Extra glob patterns (relative to the output folder) left out of every artifact. */
  exclude: string[]
  /** Package credential-looking files (.env, *.pem, id_rsa) instead of refusing them. */
  includeCredentials: boolean
}

export const buildSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    command: argv,
    output: relativePath,
    env: stringMap,
    exclude: { type: 'array', items: { type: 'string', minLength: 1 } },
    include_credentials: { type: 'boolean' }
  }
} as const
