import type { SourceLocation } from '../../core/errors.js'
import type { Logger } from '../../platform/logger.js'

/**
 * A logger whose annotation locations are moved under `prefix`: core reports files relative to the
 * manifest's folder, while annotations must be relative to the workspace to land on the right file.
 */
export function relocatedLogger(logger: Logger, prefix: string): Logger {
  if (!prefix || prefix === '.') return logger
  const move = (location?: SourceLocation): SourceLocation | undefined =>
    location?.file ? { ...location, file: `${prefix}/${location.file}` } : location
  return {
    debug: (m) => logger.debug(m),
    info: (m) => logger.info(m),
    notice: (m, l) => logger.notice(m, move(l)),
    warning: (m, l) => logger.warning(m, move(l)),
    error: (m, l) => logger.error(m, move(l)),
    group: (title, fn) => logger.group(title, fn),
    mask: (secret) => logger.mask(secret)
  }
}
