import { spawn } from 'node:child_process'

/**
 * Runs programs. Only argv arrays: there is no way to pass a shell string, so no input can
 * ever be interpreted by a shell.
 */
export interface ExecOptions {
  cwd?: string
  /** Extra environment variables, merged over the current environment. */
  env?: Record<string, string | undefined>
  /** Replace the environment instead of merging (still merged with `env`). */
  cleanEnv?: boolean
  /** Written to the child's standard input, then closed. */
  input?: string | Buffer
  /** Streamed standard output; when set, `stdout` in the result stays empty. */
  onStdout?: (chunk: Buffer) => void
  /** Streamed standard error (still collected, bounded, for error messages). */
  onStderr?: (chunk: Buffer) => void
  /** Milliseconds before the child is killed. */
  timeoutMs?: number
  signal?: AbortSignal
}

export interface ExecResult {
  exitCode: number
  stdout: string
  stderr: string
  /** Set when the child was killed by a signal. */
  signal?: string
}

export interface Exec {
  /** Runs argv[0] with the remaining arguments; resolves whatever the exit code. */
  run(argv: readonly string[], options?: ExecOptions): Promise<ExecResult>
}

export class ExecNotFoundError extends Error {
  constructor(readonly program: string) {
    super(`${program} was not found on PATH`)
    this.name = 'ExecNotFoundError'
  }
}

const STDERR_LIMIT = 64 * 1024

/** The Exec used by the CLI, the actions and the tests: node's spawn, never a shell. */
export class NodeExec implements Exec {
  run(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const [program, ...args] = argv
    if (!program) return Promise.reject(new Error('exec: empty argv'))
    return new Promise((resolve, reject) => {
      const env = options.cleanEnv ? { ...options.env } : { ...process.env, ...options.env }
      const child = spawn(program, args, {
        cwd: options.cwd,
        env: env as NodeJS.ProcessEnv,
        shell: false,
        stdio: ['pipe', 'pipe', 'pipe'],
        signal: options.signal,
        timeout: options.timeoutMs
      })
      const out: Buffer[] = []
      let err = ''
      child.stdout.on('data', (chunk: Buffer) =>
        options.onStdout ? options.onStdout(chunk) : out.push(chunk)
      )
      child.stderr.on('data', (chunk: Buffer) => {
        options.onStderr?.(chunk)
        if (err.length < STDERR_LIMIT) err += chunk.toString('utf8')
      })
      child.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') reject(new ExecNotFoundError(program))
        else reject(error)
      })
      child.on('close', (code, signal) => {
        resolve({
          exitCode: code ?? 128,
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: err,
          ...(signal ? { signal } : {})
        })
      })
      child.stdin.on('error', () => undefined)
      if (options.input !== undefined) child.stdin.end(options.input)
      else child.stdin.end()
    })
  }
}
