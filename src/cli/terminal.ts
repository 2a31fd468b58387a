/**
 * Output for people: colour and a live progress line on a terminal; plain lines when piped, under
 * CI, or with NO_COLOR.
 */
export interface Terminal {
  readonly color: boolean
  readonly interactive: boolean
  bold(s: string): string
  dim(s: string): string
  green(s: string): string
  red(s: string): string
  yellow(s: string): string
  cyan(s: string): string
  /** Writes one line to standard output. */
  line(s?: string): void
  /** A progress display: redrawn in place on a terminal, a line per step otherwise. */
  progress(label: string): Progress
}

export interface Progress {
  update(done: number, total: number, detail?: string): void
  finish(message?: string): void
}

export interface TerminalOptions {
  stdout?: NodeJS.WriteStream | { write(s: string): boolean; isTTY?: boolean }
  env?: NodeJS.ProcessEnv
  forceColor?: boolean
}

export function createTerminal(options: TerminalOptions = {}): Terminal {
  const stdout = options.stdout ?? process.stdout
  const env = options.env ?? process.env
  const interactive = Boolean(stdout.isTTY) && !env.CI
  const color = options.forceColor ?? (interactive && env.NO_COLOR === undefined && env.TERM !== 'dumb')
  const paint = (code: string) => (s: string) => (color ? `\u001b[${code}m${s}\u001b[0m` : s)
  return {
    color,
    interactive,
    bold: paint('1'),
    dim: paint('2'),
    green: paint('32'),
    red: paint('31'),
    yellow: paint('33'),
    cyan: paint('36'),
    line: (s = '') => void stdout.write(`${s}\n`),
    progress(label: string): Progress {
      let lastPercent = -1
      return {
        update(done, total, detail) {
          const percent = total > 0 ? Math.floor((done / total) * 100) : 100
          if (interactive) {
            const width = 24
            const filled = Math.round((percent / 100) * width)
            const bar = '#'.repeat(filled) + '-'.repeat(width - filled)
            stdout.write(
              `\r${label} [${bar}] ${String(percent).padStart(3)}%${detail ? ` ${detail}` : ''}\u001b[K`
            )
          } else if (percent >= lastPercent + 25 || percent === 100) {
            if (percent !== lastPercent) stdout.write(`${label}: ${percent}%${detail ? ` ${detail}` : ''}\n`)
          }
          lastPercent = percent
        },
        finish(message) {
          if (interactive) stdout.write('\r\u001b[K')
          if (message) stdout.write(`${message}\n`)
        }
      }
    }
  }
}
