import { argv, duration, stringMap } from './common.js'

/** `run:` in service.yml: how the installed service is started and checked. */
export interface RunSpec {
  /** argv, relative to the install folder, e.g. [node, server.js]. */
  command: string[]
  /** Port the service listens on (the `PORT` variable is set to it). */
  port?: number
  env: Record<string, string>
  health: HealthSpec
}

export interface HealthSpec {
  /** HTTP path answered with 2xx when healthy. */
  path: string
  timeoutMs: number
  intervalMs: number
  retries: number
}

export const runSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['command'],
  properties: {
    command: argv,
    port: { type: 'integer', minimum: 1, maximum: 65535, 'x-hint': 'give a TCP port between 1 and 65535' },
    env: stringMap,
    health: {
      type: 'object',
      additionalProperties: false,
      properties: {
        path: { type: 'string', pattern: '^/', 'x-hint': 'give an HTTP path starting with /' },
        timeout: duration,
        interval: duration,
        retries: { type: 'integer', minimum: 0, maximum: 1000 }
      }
    }
  }
} as const
