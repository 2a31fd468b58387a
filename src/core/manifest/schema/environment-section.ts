import { argv, duration, serviceName } from './common.js'

export type ProviderKind = 'local' | 'ssh' | 'command'

/** One group of hosts (or one platform target) in an environment, and the services it runs. */
export interface HostGroup {
  name: string
  /** Service names, or `*` for every service. */
  services: string[]
  /** Host names (`host`, `host:port`, `user@host`); for the local provider, folder names. */
  hosts: string[]
  /** How many instances; equals hosts.length when hosts are listed. */
  count: number
  /** A platform target for the command provider (a cluster, an app name). */
  target?: string
  /** Name of the secret holding the credentials for these hosts. */
  credentials?: string
}

export interface RolloutSpec {
  maxParallel: number
  /** Roll the hosts already switched back when one fails. */
  rollbackOnFailure: boolean
  /** Releases kept on each host. */
  keepReleases: number
}

export interface EnvironmentSpec {
  name: string
  provider: ProviderKind
  /** Name of the secret holding the SSH key or platform credentials. */
  credentials?: string
  /** Name of the secret (or a repository file) holding known_hosts lines for ssh. */
  knownHosts?: string
  /** Remote user for ssh. */
  user?: string
  /** Folder the local provider keeps hosts in, relative to the repository root. */
  root?: string
  /** Where releases live on each host (ssh), e.g. /srv/shipline. */
  deployRoot?: string
  /** argv templates of the command provider, with {service}, {version}, {artifact}, {target}, ... */
  commands?: Record<string, string[]>
  lockTimeoutMs: number
  rollout: RolloutSpec
  groups: HostGroup[]
  /** Promotion-order position (0 = first). */
  order: number
}

export const environmentSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: {
      type: 'string',
      pattern: '^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$',
      'x-hint': 'use 1 to 32 lower-case letters, digits and "-" (names are compared without case)'
    },
    provider: { enum: ['local', 'ssh', 'command'], 'x-hint': 'choose local, ssh or command' },
    credentials: {
      type: 'string',
      pattern: '^[A-Za-z_][A-Za-z0-9_]*$',
      'x-hint': 'name a secret, e.g. PROD_SSH_KEY'
    },
    known_hosts: { type: 'string', minLength: 1 },
    user: { type: 'string', pattern: '^[a-z_][a-z0-9_-]*$' },
    root: { type: 'string', minLength: 1 },
    deploy_root: { type: 'string', pattern: '^/' },
    commands: { type: 'object', additionalProperties: argv },
    lock_timeout: duration,
    rollout: {
      type: 'object',
      additionalProperties: false,
      properties: {
        max_parallel: { type: 'integer', minimum: 1, maximum: 256 },
        rollback_on_failure: { type: 'boolean' },
        keep_releases: { type: 'integer', minimum: 1, maximum: 100 }
      }
    },
    groups: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'services'],
        properties: {
          name: serviceName,
          services: {
            type: 'array',
            minItems: 1,
            items: { type: 'string', minLength: 1 },
            'x-hint': 'list service names, or ["*"] for every service'
          },
          hosts: { type: 'array', items: { type: 'string', pattern: '^[A-Za-z0-9@._:\\[\\]-]+$' } },
          count: { type: 'integer', minimum: 1, maximum: 1000 },
          target: { type: 'string', minLength: 1 },
          credentials: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }
        }
      }
    }
  }
} as const
