/**
 * The two kinds of failure shipline knows.
 *
 * A ConfigError is the user's mistake: it says what is wrong, where (file, line, column, key path)
 * and how to fix it. Adapters show it as an annotation (actions) or `file:line:col: message` (CLI)
 * and exit with the usage/config code. Anything else is a bug and keeps its stack trace for debug
 * output only.
 */
export interface SourceLocation {
  /** Path of the file, relative to the repository root when it lies inside it. */
  file?: string
  /** 1-based line. */
  line?: number
  /** 1-based column. */
  column?: number
  /** Dotted key path inside the document, e.g. `services.catalog.build.command`. */
  keyPath?: string
}

export class ConfigError extends Error {
  readonly location: SourceLocation
  readonly hint: string | undefined

  constructor(message: string, location: SourceLocation = {}, hint?: string) {
    super(message)
    this.name = 'ConfigError'
    this.location = location
    this.hint = hint
  }

  /** The same error with its file placed under `prefix` (a manifest found below the workspace root). */
  relocated(prefix: string): ConfigError {
    if (!prefix || prefix === '.' || !this.location.file) return this
    return new ConfigError(
      this.message,
      { ...this.location, file: `${prefix}/${this.location.file}` },
      this.hint
    )
  }

  /** `file:line:col: message (at key) - hint`, the form compilers use so editors can jump to it. */
  format(): string {
    const { file, line, column, keyPath } = this.location
    let where = ''
    if (file) where = line ? `${file}:${line}:${column ?? 1}: ` : `${file}: `
    const at = keyPath ? ` (at ${keyPath})` : ''
    const fix = this.hint ? `\n  fix: ${this.hint}` : ''
    return `${where}${this.message}${at}${fix}`
  }
}

/** Several user mistakes found in one pass, so a user can fix them all at once. */
export class ConfigErrors extends ConfigError {
  readonly errors: ConfigError[]

  constructor(errors: ConfigError[]) {
    const first = errors[0]
    super(first ? first.message : 'configuration error', first?.location, first?.hint)
    this.name = 'ConfigErrors'
    this.errors = errors
  }

  override relocated(prefix: string): ConfigError {
    return new ConfigErrors(this.errors.map((e) => e.relocated(prefix)))
  }

  override format(): string {
    return this.errors.map((e) => e.format()).join('\n')
  }
}

/** A failure of the work itself (a build that exits non-zero, a host that fails its health check). */
export class OperationError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'OperationError'
  }
}

export function isConfigError(error: unknown): error is ConfigError {
  return error instanceof ConfigError
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
