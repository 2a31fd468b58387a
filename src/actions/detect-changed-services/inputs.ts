import { choiceInput, integerInput, stringInput } from '../common/inputs.js'

/** The names declared in actions/detect-changed-services/action.yml, in the same order. */
export const inputNames = [
  'working-directory',
  'base',
  'head',
  'since',
  'environment',
  'max-fetch-depth',
  'unowned',
  'tag-pattern',
  'token'
] as const

export interface Inputs {
  workingDirectory: string
  base?: string
  head?: string
  since?: 'last-deployment'
  environment?: string
  maxFetchDepth: number
  unowned: 'ignore' | 'warn' | 'all' | 'fail'
  /** Release tags of the whole repository; a tag push compares with the previous matching tag. */
  tagPattern: string
  token?: string
}

export function getInputs(): Inputs {
  const since = stringInput('since')
  return {
    workingDirectory: stringInput('working-directory') ?? '.',
    base: stringInput('base', { maxLength: 256 }),
    head: stringInput('head', { maxLength: 256 }),
    since:
      since === undefined ? undefined : choiceInput('since', ['last-deployment'] as const, 'last-deployment'),
    environment: stringInput('environment', { maxLength: 64 }),
    maxFetchDepth: integerInput('max-fetch-depth', 1000, { min: 0, max: 1_000_000 }),
    unowned: choiceInput('unowned', ['ignore', 'warn', 'all', 'fail'] as const, 'warn'),
    tagPattern: stringInput('tag-pattern', { maxLength: 256 }) ?? 'v*',
    token: stringInput('token')
  }
}
