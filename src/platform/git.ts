import type { Exec, ExecOptions } from './exec.js'

export class GitError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly exitCode: number,
    readonly stderr: string
  ) {
    super(
      `git ${args.join(' ')} failed (exit ${exitCode}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`
    )
    this.name = 'GitError'
  }
}

/**
 * A thin git wrapper over Exec. Every call runs with a stable environment: C locale (so errors
 * can be parsed), no optional locks, no pager, no prompts, and the repository marked safe so
 * container jobs do not fail on "dubious ownership".
 */
export class Git {
  constructor(
    readonly exec: Exec,
    readonly cwd: string,
    private readonly extraEnv: Record<string, string> = {}
  ) {}

  private env(): Record<string, string> {
    return {
      LC_ALL: 'C',
      GIT_OPTIONAL_LOCKS: '0',
      GIT_TERMINAL_PROMPT: '0',
      GIT_PAGER: 'cat',
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'safe.directory',
      GIT_CONFIG_VALUE_0: this.cwd,
      ...this.extraEnv
    }
  }

  /** Runs git and returns stdout; throws GitError on a non-zero exit. */
  async run(args: readonly string[], options: ExecOptions = {}): Promise<string> {
    const result = await this.exec.run(['git', ...args], {
      cwd: this.cwd,
      ...options,
      env: { ...this.env(), ...options.env }
    })
    if (result.exitCode !== 0) throw new GitError(args, result.exitCode, result.stderr)
    return result.stdout
  }

  /** Runs git and reports success or failure without throwing (for probes like `cat-file -e`). */
  async succeeds(args: readonly string[]): Promise<boolean> {
    const result = await this.exec.run(['git', ...args], { cwd: this.cwd, env: this.env() })
    return result.exitCode === 0
  }

  async revParse(rev: string): Promise<string> {
    return (await this.run(['rev-parse', '--verify', '--end-of-options', `${rev}^{commit}`])).trim()
  }

  async commitTime(rev: string): Promise<number> {
    return Number((await this.run(['log', '-1', '--format=%ct', '--end-of-options', rev])).trim())
  }

  async topLevel(): Promise<string> {
    return (await this.run(['rev-parse', '--show-toplevel'])).trim()
  }
}
