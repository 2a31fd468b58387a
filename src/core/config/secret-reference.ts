import { ConfigError, type SourceLocation } from '../errors.js'

/**
 * The one syntax for a secret: a string value that is exactly `secret:NAME`, where NAME is the
 * environment variable the step receives it in (GitHub puts environment secrets there through
 * `env: NAME: ${{ secrets.NAME }}`).
 */
export const SECRET_PREFIX = 'secret:'
const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/

/** The secret a value refers to, or undefined for an ordinary value. Refuses a malformed reference. */
export function secretReference(value: unknown, where: () => SourceLocation): string | undefined {
  if (typeof value !== 'string' || !value.startsWith(SECRET_PREFIX)) return undefined
  const name = value.slice(SECRET_PREFIX.length)
  if (!SECRET_NAME.test(name)) {
    throw new ConfigError(
      `invalid secret reference ${JSON.stringify(value.length > 60 ? value.slice(0, 57) + '...' : value)}`,
      where(),
      'write secret:NAME, where NAME is letters, digits and "_" (the environment variable holding the secret)'
    )
  }
  if (RUNNER_PREFIXES.test(name)) {
    throw new ConfigError(
      `secret reference ${value} names a variable of the runner, not a secret`,
      where(),
      'GitHub refuses secret names starting with GITHUB_; INPUT_, STATE_, RUNNER_ and ACTIONS_ variables belong to the runner - rename the secret'
    )
  }
  return name
}

/** Variables the runner itself sets: reading one as a secret would mask ordinary text everywhere. */
const RUNNER_PREFIXES = /^(GITHUB|INPUT|STATE|RUNNER|ACTIONS)_/i

/** Words that make a key look like it holds a credential. */
const SECRET_WORDS = new Set([
  'password',
  'passwd',
  'passphrase',
  'pwd',
  'token',
  'secret',
  'key',
  'apikey',
  'credential',
  'credentials',
  'private'
])

/** `database_password`, `apiKey`, `AUTH-TOKEN` look secret; `page_size` and `keyboard` do not. */
export function looksSecret(key: string): boolean {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[_-]+/)
    .some((word) => SECRET_WORDS.has(word))
}
