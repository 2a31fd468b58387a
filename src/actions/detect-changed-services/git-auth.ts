import type { Logger } from '../../platform/logger.js'

/**
 * Environment-based git config that gives fetches the token without putting it in argv or on disk
 * (checkout runs with persist-credentials: false). Key 0 is the Git wrapper's safe.directory, so
 * the header is key 1. The base64 form is what could leak in a trace, so it is masked too.
 */
export function gitAuthEnvironment(token: string, serverUrl: string, logger: Logger): Record<string, string> {
  const basic = Buffer.from(`x-access-token:${token}`, 'utf8').toString('base64')
  logger.mask(token)
  logger.mask(basic)
  return {
    GIT_CONFIG_COUNT: '2',
    GIT_CONFIG_KEY_1: `http.${serverUrl.replace(/\/+$/, '')}/.extraheader`,
    GIT_CONFIG_VALUE_1: `AUTHORIZATION: basic ${basic}`
  }
}
