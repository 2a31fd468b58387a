import path from 'node:path'
import { ConfigError, OperationError } from '../core/errors.js'
import { NodeExec, type Exec } from '../platform/exec.js'
import { parseArgs, UsageError } from './args.js'
import { CliLogger } from './cli-logger.js'
import type { Command } from './command.js'
import { commands as allCommands } from './commands/index.js'
import { commandHelp, mainHelp } from './help.js'
import { createTerminal } from './terminal.js'

export const EXIT = { ok: 0, failure: 1, usage: 2 } as const

export interface CliIo {
  stdout: { write(s: string): boolean; isTTY?: boolean }
  stderr: { write(s: string): boolean }
  env: NodeJS.ProcessEnv
  cwd: string
  exec?: Exec
  signal?: AbortSignal
}

/** Runs one shipline command line and returns its exit code; never throws. */
export async function runCli(
  argv: readonly string[],
  io: CliIo,
  commands: readonly Command[] = allCommands
): Promise<number> {
  const [name, ...rest] = argv
  const colorFlag = rest.includes('--color') ? true : rest.includes('--no-color') ? false : undefined
  const terminal = createTerminal({
    stdout: io.stdout,
    env: io.env,
    ...(colorFlag === undefined ? {} : { forceColor: colorFlag })
  })
  const verbose = rest.includes('--verbose') || io.env.SHIPLINE_DEBUG === '1'
  const logger = new CliLogger(terminal, verbose, io.stderr)

  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(mainHelp(commands))
    return name ? EXIT.ok : EXIT.usage
  }
  if (name === '--version') {
    io.stdout.write('shipline 0.1.0\n')
    return EXIT.ok
  }
  const command = commands.find((c) => c.name === name)
  if (!command) {
    logger.error(`unknown command "${name}"; commands: ${commands.map((c) => c.name).join(', ')}`)
    return EXIT.usage
  }
  try {
    const parsed = parseArgs(rest, command.params, command.positionals)
    if (parsed.help) {
      io.stdout.write(commandHelp(command))
      return EXIT.ok
    }
    const repo = path.resolve(io.cwd, String(parsed.params.repo ?? '.'))
    return await command.run({
      params: parsed.params,
      positionals: parsed.positionals,
      repo,
      json: parsed.params.json === true,
      terminal,
      logger,
      exec: io.exec ?? new NodeExec(),
      env: io.env,
      signal: io.signal ?? new AbortController().signal
    })
  } catch (error) {
    if (error instanceof UsageError) {
      logger.error(`${error.message}\n  run "shipline ${command.name} --help" for usage`)
      return EXIT.usage
    }
    if (error instanceof ConfigError) {
      io.stderr.write(`${logger.redact(error.format())}\n`)
      return EXIT.usage
    }
    if (error instanceof OperationError) {
      logger.error(error.message)
      return EXIT.failure
    }
    const err = error instanceof Error ? error : new Error(String(error))
    logger.error(
      `internal error: ${err.message}${verbose ? `\n${err.stack ?? ''}` : ' (run with --verbose for details)'}`
    )
    return EXIT.failure
  }
}
