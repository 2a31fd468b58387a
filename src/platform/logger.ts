import type { SourceLocation } from '../core/errors.js'

/**
 * How core code talks to people. The action adapter backs it with the toolkit (annotations,
 * groups, masking); the CLI backs it with the console; tests back it with a recorder.
 */
export interface Logger {
  debug(message: string): void
  info(message: string): void
  notice(message: string, location?: SourceLocation): void
  warning(message: string, location?: SourceLocation): void
  error(message: string, location?: SourceLocation): void
  /** Runs `fn` inside a collapsible group (actions) or under a heading (CLI). */
  group<T>(title: string, fn: () => Promise<T>): Promise<T>
  /** Registers a value that must never be printed, with the forms derived from it. */
  mask(secret: string): void
}

/** A logger that remembers every line; for tests and for capturing output to summarise. */
export class RecordingLogger implements Logger {
  readonly lines: { level: string; message: string; location?: SourceLocation }[] = []
  readonly masked: string[] = []

  debug(message: string): void {
    this.lines.push({ level: 'debug', message })
  }
  info(message: string): void {
    this.lines.push({ level: 'info', message })
  }
  notice(message: string, location?: SourceLocation): void {
    this.lines.push({ level: 'notice', message, location })
  }
  warning(message: string, location?: SourceLocation): void {
    this.lines.push({ level: 'warning', message, location })
  }
  error(message: string, location?: SourceLocation): void {
    this.lines.push({ level: 'error', message, location })
  }
  async group<T>(title: string, fn: () => Promise<T>): Promise<T> {
    this.lines.push({ level: 'group', message: title })
    return fn()
  }
  mask(secret: string): void {
    this.masked.push(secret)
  }
  messages(level?: string): string[] {
    return this.lines.filter((l) => !level || l.level === level).map((l) => l.message)
  }
}

/** A logger that drops everything (benchmarks). */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  notice: () => undefined,
  warning: () => undefined,
  error: () => undefined,
  group: (_title, fn) => fn(),
  mask: () => undefined
}
