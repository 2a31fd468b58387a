import { describe, expect, it } from '@jest/globals'
import { configOutputs, outputsCarryingSecrets } from '../../../src/core/config/outputs.js'
import { looksSecret } from '../../../src/core/config/secret-reference.js'
import { configErrorOf, configErrorsOf, exampleWith, resolveIn } from './config-fixture.js'

const password = 'pa55:w/rd "x"\nline2'

describe('secret references', () => {
  it('keeps references and reads nothing unless asked to', () => {
    const { config, logger } = resolveIn(exampleWith(), 'catalog', 'production', {
      env: { CATALOG_DB_PASSWORD: password }
    })
    expect(config.values.database_password).toBe('secret:CATALOG_DB_PASSWORD')
    expect(config.secrets).toEqual(['CATALOG_DB_PASSWORD'])
    expect(config.secretValues.size).toBe(0)
    expect(logger.masked).toEqual([])
    expect(() => config.render('dotenv')).toThrow(/needs the secrets resolved/)
    expect(config.render('dotenv', { withSecrets: false })).toContain(
      "DATABASE_PASSWORD='secret:CATALOG_DB_PASSWORD'"
    )
  })

  it('resolves from the environment for use, masking each value as it is read', () => {
    const { config, logger } = resolveIn(exampleWith(), 'catalog', 'production', {
      env: { CATALOG_DB_PASSWORD: password },
      secrets: 'resolve'
    })
    expect(logger.masked).toEqual([password])
    expect(config.materialise().database_password).toBe(password)
    expect(JSON.parse(config.render('json')).database_password).toBe(password)
    // The plain data never holds the value.
    expect(JSON.stringify({ ...config, secretValues: undefined })).not.toContain('pa55')
    expect(config.values.database_password).toBe('secret:CATALOG_DB_PASSWORD')
  })

  it('finds references inside lists and nested maps', () => {
    const root = exampleWith({
      'config/production.yml':
        'upstreams:\n  - name: a\n    auth: secret:UPSTREAM_A\ntokens: [secret:T1, plain]\n'
    })
    const { config } = resolveIn(root, 'web', 'production', {
      env: { UPSTREAM_A: 'aaaa', T1: 'tttt' },
      secrets: 'resolve'
    })
    expect(config.secrets).toEqual(['T1', 'UPSTREAM_A'])
    expect(config.materialise()).toMatchObject({
      upstreams: [{ name: 'a', auth: 'aaaa' }],
      tokens: ['tttt', 'plain']
    })
  })

  it('fails naming every missing or empty secret and where it is referenced, never a value', () => {
    const root = exampleWith({ 'config/production.yml': 'api_token: secret:API_TOKEN\n' })
    const errors = configErrorsOf(() =>
      resolveIn(root, 'catalog', 'production', { env: { API_TOKEN: ' \n' }, secrets: 'resolve' })
    )
    expect(errors.map((e) => e.message)).toEqual([
      'secret API_TOKEN (referenced by "api_token") is empty in the step\'s environment',
      'secret CATALOG_DB_PASSWORD (referenced by "database_password") is not set in the step\'s environment'
    ])
    expect(errors[0]?.location).toMatchObject({ file: 'config/production.yml', line: 1 })
    expect(errors[1]?.location).toMatchObject({ file: 'services/catalog/config/production.yml', line: 2 })
    expect(errors[1]?.hint).toContain('CATALOG_DB_PASSWORD: ${{ secrets.CATALOG_DB_PASSWORD }}')
  })

  it('checks presence on a dry run without keeping or masking any value', () => {
    const { config, logger } = resolveIn(exampleWith(), 'catalog', 'production', {
      env: { CATALOG_DB_PASSWORD: password },
      secrets: 'check'
    })
    expect(config.secretValues.size).toBe(0)
    expect(logger.masked).toEqual([])
    const error = configErrorOf(() =>
      resolveIn(exampleWith(), 'catalog', 'production', { env: {}, secrets: 'check' })
    )
    expect(error.message).toMatch(/^secret CATALOG_DB_PASSWORD .* is not set/)
  })

  it('warns, with the location, about a literal under a key that looks secret', () => {
    const root = exampleWith({
      'services/catalog/config/staging.yml': 'db_password: hunter2\napiKey: abc\npage_size: 5\nkeyboard: de\n'
    })
    const { config, logger } = resolveIn(root, 'catalog', 'staging')
    expect(config.warnings.map((w) => [w.message.split(' ')[2], w.location.file, w.location.line])).toEqual([
      ['"apiKey"', 'services/catalog/config/staging.yml', 2],
      ['"db_password"', 'services/catalog/config/staging.yml', 1]
    ])
    expect(logger.messages('warning')).toHaveLength(2)
    expect(logger.messages('warning').join('\n')).not.toContain('hunter2')
  })

  it.each([
    ['password', true],
    ['DB_PASSWORD', true],
    ['apiKey', true],
    ['auth-token', true],
    ['client_secret', true],
    ['private_key', true],
    ['page_size', false],
    ['keyboard', false],
    ['tokenizer', false],
    ['monkey', false]
  ])('looksSecret(%j) is %s', (key, expected) => {
    expect(looksSecret(key)).toBe(expected)
  })
})

describe('config hash and outputs', () => {
  it('depends on references, not on secret values, and changes with any value', () => {
    const root = exampleWith()
    const a = resolveIn(root, 'catalog', 'production', {
      env: { CATALOG_DB_PASSWORD: 'one-value' },
      secrets: 'resolve'
    })
    const b = resolveIn(root, 'catalog', 'production', {
      env: { CATALOG_DB_PASSWORD: 'other-value' },
      secrets: 'resolve'
    })
    const c = resolveIn(root, 'catalog', 'production', { overrides: ['page_size=21'] })
    expect(a.config.hash).toMatch(/^sha256:[0-9a-f]{64}$/)
    expect(a.config.hash).toBe(b.config.hash)
    expect(c.config.hash).not.toBe(a.config.hash)
  })

  it('never puts a secret value in an output', () => {
    const { config } = resolveIn(exampleWith(), 'catalog', 'production', {
      env: { CATALOG_DB_PASSWORD: password },
      secrets: 'resolve'
    })
    const outputs = configOutputs(config)
    expect(Object.keys(outputs).sort()).toEqual(['config', 'config-hash', 'environment', 'hosts'])
    for (const value of Object.values(outputs)) expect(value).not.toContain('pa55')
    expect(JSON.parse(outputs.config as string).database_password).toBe('secret:CATALOG_DB_PASSWORD')
    expect(JSON.parse(outputs.hosts as string)).toHaveLength(3)
    expect(outputsCarryingSecrets(outputs, config.secretValues)).toEqual([])
  })

  it.each([
    ['production', 'environment'],
    ['warn', 'config']
  ])(
    'names the output that contains a secret value which is also an ordinary value (%j)',
    (value, output) => {
      const { config } = resolveIn(exampleWith(), 'catalog', 'production', {
        env: { CATALOG_DB_PASSWORD: value },
        secrets: 'resolve'
      })
      expect(outputsCarryingSecrets(configOutputs(config), config.secretValues)).toEqual([
        { output, secret: 'CATALOG_DB_PASSWORD' }
      ])
    }
  )
})
