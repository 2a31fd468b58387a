import type { SourceLocation } from '../core/errors.js'
import type { Logger } from '../platform/logger.js'
import { derivedSecretForms } from '../core/secret-forms.js'
import type { Terminal } from './terminal.js'

/** The CLI's Logger: messages go to standard error, secrets are redacted from every line. */
export class CliLogger implements Logger {
  private readonly secrets = new Set<string>()

  constructor(
    private readonly terminal: Terminal,
    private readonly verbose: boolean,
    private readonly stderr: { write(s: string): boolean } = process.stderr
  ) {}

  private print(text: string): void {
    this.stderr.write(`${this.redact(text)}\n`)
  }

  redact(text: string): string {
    let out = text
    for (const secret of this.secrets) out = out.split(secret).join('***')
    return out
  }

  debug(message: string): void {
    if (this.verbose) this.print(this.terminal.dim(`debug: ${message}`))
  }
  info(message: string): void {
    this.print(message)
  }
  notice(message: string, location?: SourceLocation): void {
    this.print(`${where(location)}${this.terminal.cyan('notice')}: ${message}`)
  }
  warning(message: string, location?: SourceLocation): void {
    this.print(`${where(location)}${this.terminal.yellow('warning')}: ${message}`)
  }
  error(message: string, location?: SourceLocation): void {
    this.print(`${where(location)}${this.terminal.red('error')}: ${message}`)
  }
  async group<T>(title: string, fn: () => Promise<T>): Promise<T> {
    this.print(this.terminal.bold(`> ${title}`))
    return fn()
  }
  mask(secret: string): void {
    for (const form of derivedSecretForms(secret)) this.secrets.add(form)
  }
}

function where(location?: SourceLocation): string {
  if (!location?.file) return ''
  return location.line ? `${location.file}:${location.line}:${location.column ?? 1}: ` : `${location.file}: `
}
