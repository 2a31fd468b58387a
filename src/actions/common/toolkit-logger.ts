import * as core from '@actions/core'
import type { SourceLocation } from '../../core/errors.js'
import { derivedSecretForms } from '../../core/secret-forms.js'
import type { Logger } from '../../platform/logger.js'

function annotation(location?: SourceLocation): core.AnnotationProperties {
  if (!location?.file) return {}
  return {
    file: location.file,
    ...(location.line ? { startLine: location.line } : {}),
    ...(location.column ? { startColumn: location.column } : {})
  }
}

/**
 * The actions' Logger: annotations for warnings and errors, collapsible groups, and masking of
 * secrets with their derived forms. Text that came from users or files is printed with workflow
 * commands switched off, so a file named `::error::x` cannot speak to the runner.
 */
export class ToolkitLogger implements Logger {
  debug(message: string): void {
    core.debug(neutralise(message))
  }
  info(message: string): void {
    core.info(neutralise(message))
  }
  notice(message: string, location?: SourceLocation): void {
    core.notice(neutralise(message), annotation(location))
  }
  warning(message: string, location?: SourceLocation): void {
    core.warning(neutralise(message), annotation(location))
  }
  error(message: string, location?: SourceLocation): void {
    core.error(neutralise(message), annotation(location))
  }
  async group<T>(title: string, fn: () => Promise<T>): Promise<T> {
    return core.group(neutralise(title), fn)
  }
  mask(secret: string): void {
    for (const form of derivedSecretForms(secret)) core.setSecret(form)
  }
}

/**
 * Makes a line inert for the runner's command parser: a workflow command must start a line with
 * `::`, so any line that does gets a zero-width space in front.
 */
export function neutralise(text: string): string {
  return text.replace(/(^|\n)(\s*)::/g, '$1$2\u200b::')
}
