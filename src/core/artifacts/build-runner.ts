/**
 * Runs a service's build command: argv (never a shell) in the service folder, with the build
 * version and SOURCE_DATE_EPOCH in its environment, output streamed into a log group, and the
 * tail of the log kept so a failure says why without scrolling.
 */
import path from 'node:path'
import { ExecNotFoundError, type Exec } from '../../platform/exec.js'
import type { Logger } from '../../platform/logger.js'
import { ConfigError, OperationError } from '../errors.js'
import type { Service } from '../manifest/types.js'

export interface BuildCommandInput {
  service: Service
  /** Absolute repository root. */
  root: string
  version: string
  sourceDateEpoch: number
  exec: Exec
  logger: Logger
  signal?: AbortSignal
}

/** Lines of build output repeated in the failure message. */
export const LOG_TAIL_LINES = 30

/** The environment a build command sees on top of the current one (pure; unit-tested). */
export function buildEnvironment(
  service: Service,
  version: string,
  sourceDateEpoch: number
): Record<string, string> {
  return {
    ...service.build.env,
    SHIPLINE_SERVICE: service.name,
    SHIPLINE_VERSION: version,
    SOURCE_DATE_EPOCH: String(sourceDateEpoch)
  }
}

/** Keeps the last `limit` lines of a stream of chunks. */
export class LogTail {
  private lines: string[] = []
  private partial = ''

  constructor(private readonly limit = LOG_TAIL_LINES) {}

  push(chunk: Buffer | string): string[] {
    const text = this.partial + chunk.toString()
    const parts = text.split(/\r?\n/)
    this.partial = parts.pop() ?? ''
    this.lines.push(...parts)
    if (this.lines.length > this.limit) this.lines = this.lines.slice(-this.limit)
    return parts
  }

  tail(): string[] {
    const all = this.partial ? [...this.lines, this.partial] : this.lines
    return all.slice(-this.limit)
  }
}

/** Runs the build command, if any; throws OperationError (with the log tail) when it fails. */
export async function runBuildCommand(input: BuildCommandInput): Promise<void> {
  const { service, logger } = input
  const command = service.build.command
  const where = { file: service.origin.file, line: service.origin.line, column: service.origin.column }
  if (!command) {
    logger.info(
      `${service.name}: no build command; packaging ${service.path}/${service.build.output} as it is`
    )
    return
  }
  const cwd = path.join(input.root, service.path)
  const tail = new LogTail()
  const echo = (chunk: Buffer): void => {
    for (const line of tail.push(chunk)) logger.info(line)
  }
  const result = await logger.group(
    `Build ${service.name} ${input.version}: ${command.join(' ')}`,
    async () => {
      try {
        return await input.exec.run(command, {
          cwd,
          env: buildEnvironment(service, input.version, input.sourceDateEpoch),
          onStdout: echo,
          onStderr: echo,
          ...(input.signal ? { signal: input.signal } : {})
        })
      } catch (error) {
        if (error instanceof ExecNotFoundError) {
          throw new ConfigError(
            `the build command of ${service.name} cannot run: ${error.program} was not found`,
            { ...where, keyPath: 'build.command' },
            `install ${error.program} on the runner, or fix build.command (it runs in ${service.path}, without a shell)`
          )
        }
        throw error
      }
    }
  )
  if (result.exitCode !== 0) {
    const last = tail.tail()
    const why = result.signal ? `was killed by ${result.signal}` : `exited with code ${result.exitCode}`
    throw new OperationError(
      `the build command of ${service.name} (${command.join(' ')}) ${why}` +
        (last.length ? `; last lines of its log:\n${last.map((l) => `  ${l}`).join('\n')}` : '')
    )
  }
}
