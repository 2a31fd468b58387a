import { ConfigError } from '../errors.js'

/**
 * Reads a SOURCE_DATE_EPOCH value from the environment (reproducible-builds.org): a decimal
 * count of seconds, 0 allowed. Absent or empty means "use the commit time".
 */
export function sourceDateEpochFrom(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined
  const text = value.trim()
  if (!/^[0-9]{1,11}$/.test(text) || Number(text) > 0o77777777777) {
    throw new ConfigError(
      `SOURCE_DATE_EPOCH "${text.slice(0, 32)}" is not a number of seconds since 1970`,
      { keyPath: 'env.SOURCE_DATE_EPOCH' },
      'set it to a Unix time such as $(git log -1 --format=%ct), or unset it to use the commit time'
    )
  }
  return Number(text)
}
