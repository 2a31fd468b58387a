import type { Exec } from '../platform/exec.js'
import type { ParamSpec, ParamValue, PositionalSpec } from './args.js'
import type { CliLogger } from './cli-logger.js'
import type { Terminal } from './terminal.js'

/** What a subcommand gets to work with. */
export interface CommandContext {
  params: Record<string, ParamValue | undefined>
  positionals: string[]
  /** Absolute repository root (from --repo). */
  repo: string
  json: boolean
  terminal: Terminal
  logger: CliLogger
  exec: Exec
  env: NodeJS.ProcessEnv
  /** Aborted on SIGINT/SIGTERM so long-running commands can clean up. */
  signal: AbortSignal
}

export interface Command {
  name: string
  summary: string
  /** Usage examples shown in --help. */
  examples: string[]
  params: ParamSpec[]
  positionals?: PositionalSpec[]
  /** Returns the exit code: 0 success, 1 failure. Usage and configuration errors are thrown. */
  run(context: CommandContext): Promise<number>
}

/** Reads a string parameter that the spec guarantees (required or defaulted). */
export function stringParam(context: CommandContext, name: string): string | undefined {
  const value = context.params[name]
  return typeof value === 'string' ? value : undefined
}

export function listParam(context: CommandContext, name: string): string[] | undefined {
  const value = context.params[name]
  return Array.isArray(value) ? value : undefined
}

export function booleanParam(context: CommandContext, name: string): boolean {
  return context.params[name] === true
}

/** Prints a value as canonical JSON on standard output. */
export function printJson(context: CommandContext, value: unknown): void {
  context.terminal.line(JSON.stringify(value, null, 2))
}

/** A command whose stage has not landed yet: says so plainly and fails. */
export function notAvailableYet(
  name: string,
  summary: string,
  params: ParamSpec[],
  examples: string[]
): Command {
  return {
    name,
    summary,
    examples,
    params,
    async run(context) {
      context.logger.error(`shipline ${name} is not available yet in this version`)
      return 1
    }
  }
}
