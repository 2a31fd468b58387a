import { describe, expect, it } from '@jest/globals'
import { parseArgs, UsageError, type ParamSpec } from '../../../src/cli/args.js'

const deployParams: ParamSpec[] = [
  { name: 'artifact', kind: 'string', aliases: ['service'], description: 'service', required: true },
  { name: 'environment', kind: 'string', description: 'env', required: true },
  { name: 'version', kind: 'string', description: 'version', required: true },
  { name: 'dry-run', kind: 'boolean', description: 'plan only' },
  { name: 'format', kind: 'list', description: 'formats' }
]

describe('parseArgs', () => {
  it('reads the book line name=value exactly like --name value', () => {
    const book = parseArgs(['artifact=catalog', 'environment=prod', 'version=b456'], deployParams)
    const flags = parseArgs(
      ['--artifact', 'catalog', '--environment', 'prod', '--version', 'b456'],
      deployParams
    )
    const mixed = parseArgs(['--artifact=catalog', 'environment=prod', '--version', 'b456'], deployParams)
    expect(book.params).toEqual(flags.params)
    expect(mixed.params).toEqual(flags.params)
    expect(book.params).toMatchObject({ artifact: 'catalog', environment: 'prod', version: 'b456' })
  })

  it('accepts an alias for a parameter', () => {
    expect(
      parseArgs(['service=catalog', 'environment=prod', 'version=1'], deployParams).params.artifact
    ).toBe('catalog')
  })

  it('takes booleans as flags, --no- flags and name=true/false', () => {
    const base = ['artifact=a', 'environment=b', 'version=c']
    expect(parseArgs([...base, '--dry-run'], deployParams).params['dry-run']).toBe(true)
    expect(parseArgs([...base, 'dry-run=false'], deployParams).params['dry-run']).toBe(false)
    expect(parseArgs([...base, '--no-dry-run'], deployParams).params['dry-run']).toBe(false)
    expect(() => parseArgs([...base, 'dry-run=yes'], deployParams)).toThrow(
      'dry-run takes true or false, not "yes"'
    )
  })

  it('splits lists on commas and collects repeats', () => {
    const base = ['artifact=a', 'environment=b', 'version=c']
    expect(parseArgs([...base, 'format=deb,rpm', '--format', 'tgz'], deployParams).params.format).toEqual([
      'deb',
      'rpm',
      'tgz'
    ])
  })

  it('refuses an unknown parameter, suggesting the nearest and listing the known ones', () => {
    expect(() => parseArgs(['artifact=a', 'enviroment=prod', 'version=1'], deployParams)).toThrow(
      'unknown parameter "enviroment" (did you mean "environment"?); known parameters: artifact, environment, version, dry-run, format, repo, json, color, verbose'
    )
  })

  it('names a missing required parameter', () => {
    expect(() => parseArgs(['artifact=a', 'version=1'], deployParams)).toThrow(/missing environment=/)
  })

  it('refuses a value given twice with different values', () => {
    expect(() =>
      parseArgs(['artifact=a', '--artifact', 'b', 'environment=e', 'version=1'], deployParams)
    ).toThrow(/artifact is given twice/)
  })

  it('treats values with shell syntax as plain data', () => {
    const parsed = parseArgs(['artifact=$(rm -rf /)', 'environment=`id`', 'version=a;b|c'], deployParams)
    expect(parsed.params).toMatchObject({ artifact: '$(rm -rf /)', environment: '`id`', version: 'a;b|c' })
  })

  it('refuses stray words and single-dash options', () => {
    expect(() => parseArgs(['deploy-me'], [])).toThrow(/unexpected argument "deploy-me"/)
    expect(() => parseArgs(['-x'], [])).toThrow(/unknown option "-x"/)
  })

  it('fills positionals and applies defaults', () => {
    const parsed = parseArgs(['catalog'], [], [{ name: 'service', description: 's', required: true }])
    expect(parsed.positionals).toEqual(['catalog'])
    expect(parsed.params.repo).toBe('.')
    expect(() =>
      parseArgs([], [], [{ name: 'service', description: 'the service', required: true }])
    ).toThrow(UsageError)
  })
})
